#include "search/differentiable/supernet_result.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"

namespace hwnas {

std::string SupernetSearchResult::brief_report() const {
  char line[768];
  if (!trained_only.empty()) {
    std::snprintf(line, sizeof(line),
                  "trained the supernet (%s, weights only) for %d epochs: supernet.json, "
                  "checkpoints/last.pt",
                  trained_only.c_str(), epochs);
    return line;
  }
  std::snprintf(line, sizeof(line),
                "found %s\n  cost %s (E[cost] under the final alphas %s), supernet top-1 %.2f%% "
                "after %d epochs",
                arch_to_string(arch).c_str(), format_double(arch_cost).c_str(),
                format_double(expected_cost).c_str(), test_accuracy, epochs);
  std::string report = line;
  if (!std::isnan(table_accuracy)) {
    std::snprintf(line, sizeof(line),
                  "\n  NAS-Bench-201 %s test accuracy (200 epochs) %.2f%%; best in the table at "
                  "no more cost %.2f%% (gap %.2f points)",
                  accuracy_dataset.c_str(), table_accuracy, best_accuracy_at_cost,
                  best_accuracy_at_cost - table_accuracy);
    report += line;
  }
  return report;
}

void grade_on_nb201_table(const CostLibrary& library, const std::string& dataset,
                          const std::function<double(const Arch&)>& cost,
                          SupernetSearchResult& r) {
  if (r.arch.space != Space::NB201 || !library.nb201().has_accuracy() || std::isnan(r.arch_cost)) {
    return;
  }
  const auto which = dataset == "cifar100" ? Nb201Dataset::Cifar100 : Nb201Dataset::Cifar10;
  const auto& accuracy = library.nb201().accuracy_by_code(which);
  r.accuracy_dataset = to_string(which);
  r.table_accuracy = accuracy[nb201_code(r.arch)];
  r.best_accuracy_at_cost = r.table_accuracy;
  for (int code = 0; code < kNb201Archs; ++code) {
    if (accuracy[code] > r.best_accuracy_at_cost && cost(nb201_from_code(code)) <= r.arch_cost) {
      r.best_accuracy_at_cost = accuracy[code];
    }
  }
}

void write_supernet_arch_json(const std::string& path, const CostLibrary& library,
                              const std::string& setting, const SupernetRunFacts& facts,
                              const SupernetSearchResult& result) {
  const auto report = make_arch_report(library, result.arch, setting);
  auto j = nlohmann::ordered_json::parse(report.to_json());
  j["strategy"] = facts.strategy;
  j["cost_term"] = facts.cost_term;
  j["arch_cost"] = std::isnan(result.arch_cost) ? nlohmann::ordered_json(nullptr)
                                                : nlohmann::ordered_json(result.arch_cost);
  j["expected_cost"] = result.expected_cost;
  if (facts.target > 0) j["target"] = facts.target;
  j["supernet_test_accuracy"] = result.test_accuracy;
  if (!std::isnan(result.table_accuracy)) {
    j["table_accuracy"] = {{"dataset", result.accuracy_dataset},
                           {"found", result.table_accuracy},
                           {"best_at_no_more_cost", result.best_accuracy_at_cost}};
  }
  j["epochs"] = result.epochs;
  j["probabilities"] = result.probabilities;
  write_text_file(path, j.dump(2) + "\n");
}

void write_trained_supernet_json(const std::string& path, const TrainedSupernetFacts& f) {
  nlohmann::ordered_json j;
  j["strategy"] = f.strategy;
  j["space"] = f.space;
  j["setting"] = f.setting;
  j["dataset"] = f.dataset;
  j["seed"] = f.seed;
  j["epochs"] = f.epochs;
  j["checkpoint"] = "checkpoints/last.pt";
  write_text_file(path, j.dump(2) + "\n");
}

}  // namespace hwnas
