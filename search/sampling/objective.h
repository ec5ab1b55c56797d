#pragma once
// What a search optimises, read from the `objective:` section:
//   constrained  maximise accuracy subject to cost(metric) <= limit (a hard limit)
//   scalarized   maximise the MnasNet reward acc * (cost/target)^w, w = alpha when cost <= target,
//                beta otherwise (alpha = beta = -0.07: MnasNet's soft form; 0 / -1: its hard form)
//   pareto       accuracy against every metric in `metrics` at once (at most 2: the hypervolume
//                is exact up to 3 objectives)
// An arch whose cost is unknown in the table (edgegpu/edgetpu/eyeriss_energy lack some archs) is
// treated as infeasible: its fitness is -inf, it is never the best nor on a front, and runs count
// and report such queries. It is never given a cost of 0.
#include <limits>
#include <string>
#include <vector>

#include "costmodels/cost_key.h"
#include "search/sampling/evaluator.h"

namespace hwnas {

class ConfigSection;

struct ObjectiveOptions {
  std::string type = "constrained";              // constrained, scalarized, pareto
  std::string metric = "edgegpu_latency";        // constrained, scalarized
  double limit = 0;                              // constrained: required, > 0
  double target = 0;                             // scalarized: required, > 0
  double alpha = -0.07;                          // scalarized, cost <= target
  double beta = -0.07;                           // scalarized, cost > target
  std::vector<std::string> metrics = {"edgegpu_latency"};  // pareto: 1 or 2 metrics
  std::string dataset = "cifar10";               // accuracy table: cifar10, cifar100, ImageNet16-120

  static ObjectiveOptions read(const ConfigSection& section);
  void validate() const;  // InvalidOption
};

class Objective {
 public:
  enum class Kind { Constrained, Scalarized, Pareto };
  static constexpr double kUnknownFitness = -std::numeric_limits<double>::infinity();

  explicit Objective(const ObjectiveOptions& options);

  Kind kind() const { return kind_; }
  bool multi_objective() const { return kind_ == Kind::Pareto; }
  const ObjectiveOptions& options() const { return options_; }
  // The metrics an evaluator must return, in this order.
  const std::vector<CostKey>& metrics() const { return metrics_; }
  std::string describe() const;

  // Higher is better. Constrained: the accuracy when within the limit, else -cost/limit (below
  // every feasible arch, and lower the further out, which guides evolution back). Scalarized: the
  // reward. Pareto: the accuracy (for strategies that need one number). kUnknownFitness when a
  // cost is unknown.
  double fitness(const Evaluation& e) const;
  bool feasible(const Evaluation& e) const;
  // Pareto: the minimised objective vector (-accuracy, cost_1, ...), size 1 + metrics().
  std::vector<double> pareto_point(const Evaluation& e) const;

 private:
  ObjectiveOptions options_;
  Kind kind_;
  std::vector<CostKey> metrics_;
};

}  // namespace hwnas
