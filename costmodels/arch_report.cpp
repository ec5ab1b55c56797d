#include "costmodels/arch_report.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"

namespace hwnas {

namespace {

// The accuracies a report of `space` carries, in its order: NB201's, when the tables have them.
std::vector<Nb201Dataset> report_datasets(const CostLibrary& library, Space space) {
  if (space != Space::NB201 || !library.nb201().has_accuracy()) return {};
  return {Nb201Dataset::Cifar10, Nb201Dataset::Cifar100, Nb201Dataset::ImageNet16_120};
}

}  // namespace

ArchReport make_arch_report(const CostLibrary& library, const Arch& arch,
                            const std::string& setting, const std::vector<CostKey>& keys) {
  validate(arch);
  ArchReport report;
  report.space = arch.space;
  report.setting = setting;
  report.arch = arch;
  for (const CostKey& key : keys.empty() ? library.keys(arch.space, setting) : keys) {
    const auto model = library.model(arch.space, setting, key);
    ArchReport::Cost cost{key, std::nullopt, ""};
    try {
      cost.value = model->cost(arch);
    } catch (const MissingValueError& e) {
      cost.missing_reason = e.what();
    }
    report.costs.push_back(std::move(cost));
  }
  if (arch.space == Space::FBNet) {
    report.complexity = fbnet_complexity(arch, parse_fbnet_setting(setting));
  } else {
    const Nb201Tables& nb201 = library.nb201();
    report.nb201_index = nb201.index_of(arch);
    report.complexity = nb201_complexity(arch);
    for (Nb201Dataset d : report_datasets(library, arch.space)) {
      report.accuracies.push_back({to_string(d), nb201.accuracy(arch, d)});
    }
  }
  return report;
}

CsvColumns<ArchReport> arch_report_csv_columns(const CostLibrary& library, Space space,
                                               const std::string& setting,
                                               const std::vector<CostKey>& keys) {
  using R = ArchReport;
  CsvColumns<R> columns = {
      {"space", [](const R& r) { return to_string(r.space); }},
      {"setting", [](const R& r) { return r.setting; }},
  };
  if (space == Space::FBNet) {
    columns.add({"op_idx_list", [](const R& r) {
      std::string out;
      for (int op : r.arch.ops) out += (out.empty() ? "" : " ") + std::to_string(op);
      return out;
    }});
  } else {
    columns.add({"index", [](const R& r) { return std::to_string(r.nb201_index); }});
  }
  columns.add({"arch_str", [](const R& r) { return csv_arch(r.arch); }});
  const std::vector<CostKey> report_keys = keys.empty() ? library.keys(space, setting) : keys;
  for (size_t i = 0; i < report_keys.size(); ++i) {
    columns.add({report_keys[i].to_string(), [i, key = report_keys[i]](const R& r) {
      // The cell must hold the header's metric: a report of other keys would shift the columns.
      if (i >= r.costs.size() || !(r.costs[i].key == key)) {
        throw std::logic_error("arch report CSV: column " + key.to_string() +
                               " does not match the report's costs");
      }
      return r.costs[i].value ? format_double(*r.costs[i].value) : std::string();
    }});
  }
  columns.add({"mflops", [](const R& r) { return format_double(r.complexity.mflops); }})
      .add({"mparams", [](const R& r) { return format_double(r.complexity.mparams); }});
  const std::vector<Nb201Dataset> datasets = report_datasets(library, space);
  for (size_t d = 0; d < datasets.size(); ++d) {
    columns.add({to_string(datasets[d]) + "_test", [d](const R& r) {
      return format_double(r.accuracies.at(d).top1);
    }});
  }
  return columns;
}

std::string csv_arch(const Arch& arch) {
  if (arch.space == Space::NB201) return nb201_string(arch);
  std::string out;
  for (int op : arch.ops) out += (out.empty() ? "" : " ") + std::string(kFbnetCandidates[op].name);
  return out;
}

Arch parse_arch_argument(const CostLibrary& library, Space space, const std::string& text) {
  if (space == Space::FBNet) return parse_fbnet_arch(text);
  const std::string_view given = trim(text);
  if (!given.empty() && given.front() == '|') return parse_nb201_string(text);
  int index = 0;
  const bool digits = !given.empty() && given.find_first_not_of("0123456789") == std::string::npos;
  if (digits && !parse_index(given, index)) {  // beyond int: the text as given, not a wrapped int
    throw InputError("nb201 index " + std::string(given) + " is out of range 0..15624");
  }
  if (!digits) {
    throw InputError("nb201 architecture '" + text +
                     "': expected an index 0..15624 (digits only) or a string "
                     "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|");
  }
  return library.nb201().arch_at(index);
}

std::string ArchReport::to_table() const {
  std::string out;
  const auto line = [&out](const std::string& text) { out += text + "\n"; };
  line("space    " + to_string(space) + " (setting " + setting + ")");
  if (space == Space::FBNet) {
    line("arch     " + fbnet_arch_names(arch));
    line("op_idx   " + fbnet_arch_indices(arch));
  } else {
    line("arch     " + nb201_string(arch));
    line("index    " + std::to_string(nb201_index));
  }
  size_t width = 6;
  for (const auto& c : costs) width = std::max(width, c.key.to_string().size());
  char buffer[256];
  std::snprintf(buffer, sizeof(buffer), "\n%-*s  %-22s  %s", static_cast<int>(width), "metric",
                "value", "unit");
  line(buffer);
  for (const auto& c : costs) {
    const std::string value = c.value ? format_double(*c.value) : "unknown";
    const std::string unit = c.value ? metric_unit(c.key.metric) : "(not in the table)";
    std::snprintf(buffer, sizeof(buffer), "%-*s  %-22s  %s", static_cast<int>(width),
                  c.key.to_string().c_str(), value.c_str(), unit.c_str());
    line(buffer);
  }
  std::snprintf(buffer, sizeof(buffer), "\nFLOPs    %.6f M\nparams   %.6f M", complexity.mflops,
                complexity.mparams);
  line(buffer);
  for (const auto& a : accuracies) {
    // The tables hold means over training seeds (86.44333333333334): two decimals are what the
    // seeds resolve; arch.json keeps the table's value.
    std::snprintf(buffer, sizeof(buffer), "top-1    %s test %.2f %%", a.dataset.c_str(), a.top1);
    line(buffer);
  }
  return out;
}

std::string ArchReport::to_json(int indent) const {
  nlohmann::ordered_json j;
  j["space"] = to_string(space);
  j["setting"] = setting;
  if (space == Space::FBNet) {
    j["op_idx_list"] = arch.ops;
    std::vector<std::string> names;
    for (int op : arch.ops) names.emplace_back(kFbnetCandidates[op].name);
    j["arch_str"] = names;
  } else {
    j["index"] = nb201_index;
    j["arch_str"] = nb201_string(arch);
    j["ops"] = arch.ops;
  }
  nlohmann::ordered_json costs_json = nlohmann::ordered_json::object();
  nlohmann::ordered_json missing = nlohmann::ordered_json::object();
  for (const auto& c : costs) {
    costs_json[c.key.to_string()] = c.value ? nlohmann::ordered_json(*c.value) : nullptr;
    if (!c.value) missing[c.key.to_string()] = c.missing_reason;
  }
  j["costs"] = costs_json;
  if (!missing.empty()) j["missing"] = missing;
  j["mflops"] = complexity.mflops;
  j["mparams"] = complexity.mparams;
  if (!accuracies.empty()) {
    nlohmann::ordered_json acc = nlohmann::ordered_json::object();
    for (const auto& a : accuracies) acc[a.dataset + "_test"] = a.top1;
    j["accuracy"] = acc;
  }
  return j.dump(indent);
}

namespace {

constexpr const char* kArchFileKeys =
    "space, setting and the arch as op_idx_list or arch_str (fbnet), ops, index or arch_str (nb201)";

// Reads one arch.json: every check names the file, the key and the value as the file has it.
class ArchJsonReader {
 public:
  ArchJsonReader(const std::string& path, const nlohmann::json& root) : path_(path), root_(root) {}

  DataError fail(const std::string& why) const { return DataError(path_ + ": " + why); }

  const nlohmann::json* find(const char* key) const {
    const auto it = root_.find(key);
    return it == root_.end() ? nullptr : &*it;
  }

  std::string text(const char* key) const {
    const nlohmann::json* value = find(key);
    if (!value) throw fail(std::string("no key '") + key + "'; expected " + kArchFileKeys);
    if (!value->is_string()) {
      throw fail(std::string("'") + key + "' is " + value->dump() + ", expected a string");
    }
    return value->get<std::string>();
  }

  // A JSON integer 0..max: 1.5, 1e30, -1 and "3" are not (nlohmann would truncate or wrap them).
  int index(const nlohmann::json& value, const std::string& what, int max) const {
    const bool in_range =
        value.is_number_unsigned() ? value.get<uint64_t>() <= static_cast<uint64_t>(max)
        : value.is_number_integer() ? value.get<int64_t>() >= 0 && value.get<int64_t>() <= max
                                    : false;
    if (!in_range) {
      throw fail(what + " is " + value.dump() + ", expected an integer 0.." + std::to_string(max));
    }
    return static_cast<int>(value.get<int64_t>());
  }

  // op_idx_list (fbnet) or ops (nb201): one index per decision.
  Arch index_list(Space space, const char* key) const {
    const SearchSpace& s = search_space(space);
    const nlohmann::json& list = *find(key);
    const std::string expected = "expected a list of " + std::to_string(s.num_decisions) +
                                 " integers 0.." + std::to_string(s.num_choices - 1);
    if (!list.is_array()) throw fail(std::string("'") + key + "' is " + list.dump() + ", " + expected);
    if (static_cast<int>(list.size()) != s.num_decisions) {
      throw fail(std::string("'") + key + "' has " + std::to_string(list.size()) + " entries, " +
                 expected);
    }
    Arch arch{space, {}};
    for (size_t i = 0; i < list.size(); ++i) {
      arch.ops.push_back(index(list[i], std::string("'") + key + "' entry " + std::to_string(i),
                               s.num_choices - 1));
    }
    return arch;
  }

  // fbnet arch_str: the list of names arch.json holds, or one string of them.
  Arch fbnet_names() const {
    const nlohmann::json& value = *find("arch_str");
    try {
      if (value.is_string()) return parse_fbnet_arch(value.get<std::string>());
    } catch (const InputError& e) {
      throw fail(std::string("'arch_str': ") + e.what());
    }
    const SearchSpace& s = search_space(Space::FBNet);
    const std::string expected =
        "expected a list of 22 names of " + join(s.choice_names, ", ");
    if (!value.is_array()) throw fail("'arch_str' is " + value.dump() + ", " + expected);
    if (value.size() != kFbnetLayers) {
      throw fail("'arch_str' has " + std::to_string(value.size()) + " entries, " + expected);
    }
    Arch arch{Space::FBNet, {}};
    for (size_t i = 0; i < value.size(); ++i) {
      const auto& name = value[i];
      const auto at = name.is_string() ? std::find(s.choice_names.begin(), s.choice_names.end(),
                                                   name.get<std::string>())
                                       : s.choice_names.end();
      if (at == s.choice_names.end()) {
        throw fail("'arch_str' entry " + std::to_string(i) + " is " + name.dump() + ", " + expected);
      }
      arch.ops.push_back(static_cast<int>(at - s.choice_names.begin()));
    }
    return arch;
  }

  Arch nb201_string() const {
    const std::string text = this->text("arch_str");
    try {
      return parse_nb201_string(text);
    } catch (const InputError& e) {
      throw fail(std::string("'arch_str': ") + e.what());
    }
  }

 private:
  const std::string& path_;
  const nlohmann::json& root_;
};

// The arch in its saved form, for "disagree" messages.
std::string form_of(const Arch& arch) {
  return arch.space == Space::FBNet ? fbnet_arch_indices(arch) : nb201_string(arch);
}

}  // namespace

ArchFile ArchFile::read(const std::string& path, const CostLibrary& library) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(read_text_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path + ": not valid JSON (" + e.what() + ")");
  }
  const ArchJsonReader in(path, root);
  if (!root.is_object()) throw in.fail(std::string("expected an object with ") + kArchFileKeys);
  ArchFile file;
  Space space = Space::FBNet;
  try {
    space = parse_space(in.text("space"));
    file.setting = in.text("setting");
    if (space == Space::FBNet) parse_fbnet_setting(file.setting);
  } catch (const DataError&) {
    throw;
  } catch (const InputError& e) {
    throw in.fail(e.what());
  }
  if (space == Space::NB201 && to_lower(file.setting) != "cifar10") {
    throw in.fail("'setting' is '" + file.setting + "', expected cifar10 (the nb201 tables' setting)");
  }
  // Every form the file gives, in the order they are compared: the first is the arch.
  std::vector<std::pair<std::string, Arch>> forms;
  if (space == Space::FBNet) {
    if (in.find("op_idx_list")) forms.emplace_back("op_idx_list", in.index_list(space, "op_idx_list"));
    if (in.find("arch_str")) forms.emplace_back("arch_str", in.fbnet_names());
  } else {
    if (in.find("ops")) forms.emplace_back("ops", in.index_list(space, "ops"));
    if (in.find("arch_str")) forms.emplace_back("arch_str", in.nb201_string());
    if (const nlohmann::json* index = in.find("index")) {
      const int i = in.index(*index, "'index'", kNb201Archs - 1);
      forms.emplace_back("index", library.nb201().arch_at(i));
    }
  }
  if (forms.empty()) {
    throw in.fail(std::string("no architecture; expected ") + kArchFileKeys);
  }
  for (size_t f = 1; f < forms.size(); ++f) {
    if (forms[f].second != forms[0].second) {
      throw in.fail("'" + forms[f].first + "' (" + form_of(forms[f].second) + ") and '" +
                    forms[0].first + "' (" + form_of(forms[0].second) +
                    ") are different architectures; give one form, or the same arch in each");
    }
  }
  file.arch = forms[0].second;
  return file;
}

}  // namespace hwnas
