#pragma once
// What a supernet search found, its reports, its grading against the NAS-Bench-201 table, and
// arch.json (the found arch in HW-NAS-Bench forms with its cost on every device, plus the
// search's own figures). No LibTorch.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "costmodels/cost_library.h"

namespace hwnas {

struct SupernetSearchResult {
  Arch arch;                  // argmax of the alphas
  double arch_cost = 0;       // its cost under the cost term (weighted sum of metrics); NaN unknown
  double expected_cost = 0;   // E[cost] under softmax(alphas)
  double test_accuracy = 0;   // of the argmax arch in the supernet, last epoch (%)
  int epochs = 0;
  // NB201 only (NaN otherwise): the found arch's 200-epoch test accuracy from the table, and the
  // best accuracy among all archs that cost no more (the table's answer at the same budget).
  double table_accuracy = std::nan("");
  double best_accuracy_at_cost = std::nan("");
  std::string accuracy_dataset;
  std::vector<std::vector<double>> probabilities;  // softmax(alphas) [slots][choices]
  std::string trained_only;  // a weights-only run (warmup, spos): its strategy; no arch was searched

  // "found <arch>\n  cost ... (E[cost] ...), supernet top-1 ...% after N epochs" (+ the table's
  // verdict on NB201).
  std::string brief_report() const;
};

// Fills the NB201 fields of `result`: the table's accuracy of the found arch on `dataset`
// (cifar10 or cifar100) and the best accuracy of all archs with `cost(arch) <= result.arch_cost`.
// Does nothing when the tables have no accuracies or the found arch's cost is unknown.
void grade_on_nb201_table(const CostLibrary& library, const std::string& dataset,
                          const std::function<double(const Arch&)>& cost,
                          SupernetSearchResult& result);

// What arch.json records of the search besides the arch report.
struct SupernetRunFacts {
  std::string strategy;   // strategy.type
  std::string cost_term;  // CostLoss::describe()
  double target = 0;      // cost.target (written when > 0)
};

// Writes run_dir/arch.json: make_arch_report(found arch, setting) plus the search's figures.
void write_supernet_arch_json(const std::string& path, const CostLibrary& library,
                              const std::string& setting, const SupernetRunFacts& facts,
                              const SupernetSearchResult& result);

// What a weights-only run (warm-up, SPOS) trained: supernet.json beside its checkpoint.
struct TrainedSupernetFacts {
  std::string strategy;  // warmup | spos
  std::string space, setting, dataset;
  int seed = 0;
  int epochs = 0;  // completed
};
void write_trained_supernet_json(const std::string& path, const TrainedSupernetFacts& facts);

}  // namespace hwnas
