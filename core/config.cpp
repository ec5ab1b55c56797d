#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>

#include "core/strings.h"

namespace hwnas {

namespace {

struct Section {
  std::string path;
  YAML::Node node;      // the file's map (undefined/null when the file does not give it)
  YAML::Node resolved;  // this section's map inside the resolved tree
  std::vector<std::string> known;
};

std::string join_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string place(const YAML::Mark& mark) {
  return std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string node_text(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  if (node.IsScalar()) return node.Scalar();
  YAML::Node copy = YAML::Clone(node);  // one line in messages
  copy.SetStyle(YAML::EmitterStyle::Flow);
  YAML::Emitter out;
  out << copy;
  return out.c_str();
}

// Numbers are written in the shortest form that reads back to the same double.
YAML::Node scalar(const std::string& text) { return YAML::Node(text); }

}  // namespace

struct Config::State {
  std::string source;
  YAML::Node root;
  YAML::Node resolved{YAML::NodeType::Map};
  std::vector<std::pair<std::string, std::string>> overrides;  // path, "--set path=value"
  std::deque<Section> sections;                                // stable addresses

  Section& section(size_t id) { return sections[id]; }

  // The --set that gave `path` (or a map above it), if any.
  const std::string* override_for(const std::string& path) const {
    const std::string* found = nullptr;
    for (const auto& [p, text] : overrides) {
      if (path == p || path.rfind(p + ".", 0) == 0) found = &text;
    }
    return found;
  }
};

std::pair<std::string, std::string> split_override(const std::string& text) {
  const size_t equals = text.find('=');
  const std::string key(trim(std::string_view(text).substr(0, std::min(equals, text.size()))));
  if (equals == std::string::npos || key.empty()) {
    throw InputError("bad --set '" + text + "': expected key.path=value, e.g. strategy.population_size=64");
  }
  for (auto piece : split(key, '.')) {
    if (trim(piece).empty()) throw InputError("bad --set '" + text + "': empty key in '" + key + "'");
  }
  return {key, text.substr(equals + 1)};
}

Config Config::load(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw ConfigError("config file '" + path + "' cannot be read (missing or unreadable)");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path, overrides);
}

Config Config::parse(const std::string& text, const std::string& source_name,
                     const std::vector<std::string>& overrides) {
  Config config;
  config.state_ = std::make_shared<State>();
  State& state = *config.state_;
  state.source = source_name;
  try {
    state.root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(source_name + ":" + place(e.mark) + ": YAML syntax error: " + e.msg);
  }
  if (state.root.IsNull() || !state.root.IsDefined()) state.root = YAML::Node(YAML::NodeType::Map);
  if (!state.root.IsMap()) {
    throw ConfigError(source_name + ": expected a map of keys at the top level, got '" +
                      node_text(state.root) + "'");
  }
  for (const std::string& item : overrides) {
    const auto [key, value_text] = split_override(item);
    YAML::Node value;
    try {
      value = YAML::Load(value_text);
    } catch (const YAML::ParserException& e) {
      throw InputError("bad --set '" + item + "': the value is not YAML: " + e.msg);
    }
    const auto parts = split(key, '.');
    YAML::Node node = state.root;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      const std::string part(trim(parts[i]));
      if (!node[part].IsMap()) node[part] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = node[part];
      node.reset(next);  // rebinds; `node = next` would assign into the tree
    }
    node[std::string(trim(parts.back()))] = value;
    state.overrides.emplace_back(key, "--set " + item);
  }
  state.sections.push_back({"", state.root, state.resolved, {}});
  return config;
}

const std::string& Config::source() const { return state_->source; }

ConfigSection Config::root() const { return ConfigSection(state_, 0); }

void Config::check_unknown_keys() const {
  for (const Section& s : state_->sections) {
    if (!s.node.IsMap()) continue;
    for (const auto& entry : s.node) {
      const std::string key = entry.first.Scalar();
      if (std::find(s.known.begin(), s.known.end(), key) != s.known.end()) continue;
      const std::string full = join_path(s.path, key);
      const std::string* set = state_->override_for(full);
      const std::string where = set ? *set : state_->source + ":" + place(entry.first.Mark());
      throw ConfigError("unknown key '" + key + "' " +
                        (s.path.empty() ? "at top level" : "in " + s.path) + " (" + where +
                        "); known: " + (s.known.empty() ? "(none)" : join(s.known, ", ")));
    }
  }
}

std::string Config::resolved_yaml() const {
  YAML::Emitter out;
  out << state_->resolved;
  return std::string(out.c_str()) + "\n";
}

ConfigSection::ConfigSection(std::shared_ptr<Config::State> state, size_t id)
    : state_(std::move(state)), id_(id), path_(state_->section(id).path) {}

const std::string& ConfigSection::source() const { return state_->source; }

std::string ConfigSection::full(const std::string& key) const { return join_path(path_, key); }

// Const access: a non-const operator[] could add the key to the user's tree.
YAML::Node ConfigSection::lookup(const std::string& key) const {
  const YAML::Node& node = state_->section(id_).node;
  return node[key];
}

void ConfigSection::note_known(const std::string& key) const {
  auto& known = state_->section(id_).known;
  if (std::find(known.begin(), known.end(), key) == known.end()) known.push_back(key);
}

bool ConfigSection::has(const std::string& key) const {
  if (!state_->section(id_).node.IsMap()) return false;
  const YAML::Node value = lookup(key);
  return value.IsDefined() && !value.IsNull();
}

std::string ConfigSection::where(const std::string& key) const {
  if (const std::string* set = state_->override_for(full(key))) return *set;
  if (!has(key)) return "default";
  const YAML::Node value = lookup(key);
  return source() + ":" + place(value.Mark());
}

std::string ConfigSection::value_text(const std::string& key) const {
  if (!has(key)) return "null";
  return node_text(lookup(key));
}

void ConfigSection::fail(const std::string& key, const std::string& rule) const {
  throw ConfigError("bad value " + full(key) + " = " + value_text(key) + " (" + where(key) +
                    "): " + rule);
}

void ConfigSection::validate(const std::function<void()>& validate_fn) const {
  try {
    validate_fn();
  } catch (const InvalidOption& e) {
    fail(e.key(), e.rule());
  }
}

int ConfigSection::get_int(const std::string& key, int fallback) const {
  note_known(key);
  int value = fallback;
  if (has(key)) {
    const YAML::Node node = lookup(key);
    if (!node.IsScalar() || !parse_int(node.Scalar(), value)) fail(key, "expected an integer");
  }
  state_->section(id_).resolved[key] = value;
  return value;
}

double ConfigSection::get_double(const std::string& key, double fallback) const {
  note_known(key);
  double value = fallback;
  if (has(key)) {
    const YAML::Node node = lookup(key);
    if (!node.IsScalar() || !parse_double(node.Scalar(), value)) fail(key, "expected a number");
  }
  state_->section(id_).resolved[key] = scalar(format_double(value));
  return value;
}

double ConfigSection::require_double(const std::string& key, const std::string& why) const {
  if (!has(key)) {
    note_known(key);
    throw ConfigError("missing key " + full(key) + " (" + where(key) + "): " + why);
  }
  return get_double(key, 0.0);
}

bool ConfigSection::get_bool(const std::string& key, bool fallback) const {
  note_known(key);
  bool value = fallback;
  if (has(key)) {
    const YAML::Node node = lookup(key);
    const std::string text = node.IsScalar() ? to_lower(node.Scalar()) : "";
    if (text == "true" || text == "yes" || text == "on") {
      value = true;
    } else if (text == "false" || text == "no" || text == "off") {
      value = false;
    } else {
      fail(key, "expected true or false");
    }
  }
  state_->section(id_).resolved[key] = value;
  return value;
}

std::string ConfigSection::get_string(const std::string& key, const std::string& fallback) const {
  note_known(key);
  std::string value = fallback;
  if (has(key)) {
    const YAML::Node node = lookup(key);
    if (!node.IsScalar()) fail(key, "expected a single value, not a list or map");
    value = node.Scalar();
  }
  state_->section(id_).resolved[key] = value;
  return value;
}

std::string ConfigSection::require_string(const std::string& key, const std::string& why) const {
  if (!has(key)) {
    note_known(key);
    throw ConfigError("missing key " + full(key) + " (" + where(key) + "): " + why);
  }
  return get_string(key, "");
}

std::vector<std::string> ConfigSection::get_strings(const std::string& key,
                                                    const std::vector<std::string>& fallback) const {
  note_known(key);
  std::vector<std::string> values = fallback;
  if (has(key)) {
    const YAML::Node node = lookup(key);
    values.clear();
    if (node.IsScalar()) {
      values.push_back(node.Scalar());  // one name without brackets
    } else if (node.IsSequence()) {
      for (const auto& item : node) {
        if (!item.IsScalar()) fail(key, "expected a list of names");
        values.push_back(item.Scalar());
      }
    } else {
      fail(key, "expected a list of names");
    }
  }
  YAML::Node list(YAML::NodeType::Sequence);
  for (const auto& v : values) list.push_back(v);
  list.SetStyle(YAML::EmitterStyle::Flow);
  state_->section(id_).resolved[key] = list;
  return values;
}

std::vector<double> ConfigSection::get_doubles(const std::string& key,
                                               const std::vector<double>& fallback) const {
  note_known(key);
  std::vector<double> values = fallback;
  if (has(key)) {
    const YAML::Node node = lookup(key);
    if (!node.IsSequence()) fail(key, "expected a list of numbers, e.g. [1.5, 2]");
    values.clear();
    for (const auto& item : node) {
      double v = 0;
      if (!item.IsScalar() || !parse_double(item.Scalar(), v)) {
        fail(key, "expected a list of numbers, e.g. [1.5, 2]");
      }
      values.push_back(v);
    }
  }
  YAML::Node list(YAML::NodeType::Sequence);
  for (double v : values) list.push_back(scalar(format_double(v)));
  list.SetStyle(YAML::EmitterStyle::Flow);
  state_->section(id_).resolved[key] = list;
  return values;
}

std::string ConfigSection::get_choice(const std::string& key, const std::string& fallback,
                                      const std::vector<std::string>& names,
                                      const std::string& list_word) const {
  const std::string value = get_string(key, fallback);
  if (std::find(names.begin(), names.end(), value) == names.end()) {
    throw ConfigError("unknown " + full(key) + " '" + value + "' (" + where(key) + "); " +
                      list_word + ": " + join(names, ", "));
  }
  return value;
}

ConfigSection ConfigSection::child(const std::string& key) const {
  note_known(key);
  Section& parent = state_->section(id_);
  const std::string path = full(key);
  // Reading a section twice gives the same recorded map.
  for (size_t i = 0; i < state_->sections.size(); ++i) {
    if (state_->sections[i].path == path) return ConfigSection(state_, i);
  }
  YAML::Node node;
  if (has(key)) {
    node = lookup(key);
    if (!node.IsMap()) fail(key, "expected a map of keys");
  }
  parent.resolved[key] = YAML::Node(YAML::NodeType::Map);
  YAML::Node resolved = parent.resolved[key];
  state_->sections.push_back({path, node, resolved, {}});
  return ConfigSection(state_, state_->sections.size() - 1);
}

}  // namespace hwnas
