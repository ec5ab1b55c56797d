#include "core/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/paths.h"
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

// A value echoed in a message is cut: a 50 MB name must not become a 50 MB error line.
std::string bounded(std::string text) {
  constexpr size_t kMaxEcho = 200;
  if (text.size() > kMaxEcho) {
    text = text.substr(0, kMaxEcho) + "... (" + std::to_string(text.size()) + " characters)";
  }
  return text;
}

std::string node_text(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  if (node.IsScalar()) return node.Scalar().empty() ? "''" : bounded(node.Scalar());
  YAML::Node copy = YAML::Clone(node);  // one line in messages
  copy.SetStyle(YAML::EmitterStyle::Flow);
  YAML::Emitter out;
  out << copy;
  return bounded(out.c_str());
}

// Configs are small hand-written files; anything bigger is a wrong path (or /dev/zero).
constexpr long long kMaxConfigBytes = 1 << 20;
// yaml-cpp recurses per nesting level; a config never needs more than a handful.
constexpr int kMaxDepth = 32;

// A config is read only when it is a regular file of sane size (unreadable_reason).
std::string read_config_text(const std::string& path) {
  if (const std::string why = unreadable_reason(path, kMaxConfigBytes); !why.empty()) {
    throw ConfigError("config file '" + bounded(path) + "': " + why);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("config file '" + bounded(path) + "': " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Flow nesting ([ and {) deeper than kMaxDepth, checked on the text before yaml-cpp recurses into
// it (1,000 levels ended in its "bad file").
void check_nesting(const std::string& text, const std::string& source_name) {
  int depth = 0;
  int line = 1;
  size_t line_start = 0;
  bool in_quote = false;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      in_quote = false;
      continue;
    }
    if (in_quote) {
      if (c == quote) in_quote = false;
      continue;
    }
    if (c == '"' || c == '\'') {
      in_quote = true;
      quote = c;
    } else if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) {
        throw ConfigError(source_name + ":" + std::to_string(line) + ":" +
                          std::to_string(i - line_start + 1) + ": nested deeper than " +
                          std::to_string(kMaxDepth) + " levels; a config needs a few");
      }
    } else if (c == ']' || c == '}') {
      depth = std::max(0, depth - 1);
    }
  }
}

// The first key given twice in one map, anywhere in the tree: yaml-cpp keeps the first silently,
// so `echo 'seed: 7' >> x.yaml` would run with the old seed.
void check_duplicate_keys(const YAML::Node& node, const std::string& path,
                          const std::string& source_name) {
  if (node.IsSequence()) {
    for (const auto& item : node) check_duplicate_keys(item, path, source_name);
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, YAML::Mark> seen;
  for (const auto& entry : node) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : node_text(entry.first);
    const auto [first, inserted] = seen.emplace(key, entry.first.Mark());
    if (!inserted) {
      throw ConfigError("duplicate key '" + bounded(join_path(path, key)) + "' (" + source_name +
                        ":" + place(entry.first.Mark()) + "); first given at " + source_name +
                        ":" + place(first->second) + "; give each key once");
    }
    check_duplicate_keys(entry.second, join_path(path, key), source_name);
  }
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
    const std::string* below = nullptr;  // a map the --set created under `path`
    for (const auto& [p, text] : overrides) {
      if (path == p || path.rfind(p + ".", 0) == 0) found = &text;
      if (p.rfind(path + ".", 0) == 0) below = &text;
    }
    return found ? found : below;
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
  return parse(read_config_text(path), path, overrides);
}

Config Config::parse(const std::string& text, const std::string& source_name,
                     const std::vector<std::string>& overrides) {
  Config config;
  config.state_ = std::make_shared<State>();
  State& state = *config.state_;
  state.source = source_name;
  check_nesting(text, source_name);
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(source_name + ":" + place(e.mark) + ": YAML syntax error: " + e.msg);
  }
  if (documents.size() > 1) {
    throw ConfigError(source_name + ":" + place(documents[1].Mark()) +
                      ": a second YAML document (after '---'); a config is one document");
  }
  if (!documents.empty()) state.root = documents.front();
  check_duplicate_keys(state.root, "", source_name);
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
      throw ConfigError("unknown key '" + bounded(key) + "' " +
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
    throw ConfigError("unknown " + full(key) + " '" + bounded(value) + "' (" + where(key) + "); " +
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
