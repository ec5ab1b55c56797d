#include "costmodels/arch_report.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"

namespace hwnas {

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
    if (nb201.has_accuracy()) {
      for (Nb201Dataset d :
           {Nb201Dataset::Cifar10, Nb201Dataset::Cifar100, Nb201Dataset::ImageNet16_120}) {
        report.accuracies.push_back({to_string(d), nb201.accuracy(arch, d)});
      }
    }
  }
  return report;
}

Arch parse_arch_argument(const CostLibrary& library, Space space, const std::string& text) {
  if (space == Space::FBNet) return parse_fbnet_arch(text);
  int index = 0;
  if (parse_int(text, index)) return library.nb201().arch_at(index);
  return parse_nb201_string(text);
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

ArchFile ArchFile::read(const std::string& path) {
  try {
    const auto j = nlohmann::json::parse(read_text_file(path));
    ArchFile file;
    const Space space = parse_space(j.at("space").get<std::string>());
    file.setting = j.at("setting").get<std::string>();
    file.arch =
        Arch{space, j.at(space == Space::FBNet ? "op_idx_list" : "ops").get<std::vector<int>>()};
    validate(file.arch);
    return file;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": not an arch.json of hwnas (" + e.what() +
                     "); expected space, setting and op_idx_list (fbnet) or ops (nb201)");
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
}

}  // namespace hwnas
