#pragma once
// The outcome of one search run (Ceres-style Summary): the full history, the best arch (scalar
// objectives) or the found Pareto front, and regret against the best the table holds.
//
// Regret, the number strategies are compared by:
//  - constrained/scalarized: (best fitness of any feasible arch in the table) - (best fitness among
//    the run's feasible queries so far); before the first feasible query the run counts as 0
//    (accuracy 0 %). In accuracy points for `constrained`, reward points for `scalarized`.
//  - pareto: (hypervolume of the table's true front) - (hypervolume of the run's front so far),
//    both on objectives normalised to [0, 1] by the table's ideal and nadir points (over archs
//    with known costs), reference point (1, ..., 1).
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "search/sampling/search_context.h"

namespace hwnas {

// The best a tabular space holds for an objective (every arch evaluated once).
struct TableOptimum {
  bool available = false;  // false for spaces too large to enumerate
  Objective::Kind kind = Objective::Kind::Constrained;
  int num_archs = 0;
  int num_feasible = 0;
  int num_unknown = 0;  // archs with an unknown cost (never feasible)
  int best_code = -1;   // scalar objectives: the best feasible arch
  double best_value = 0;
  // Pareto: the true front (codes, raw minimised points) and its normalised hypervolume.
  std::vector<int> front_codes;
  std::vector<std::vector<double>> front_points;
  std::vector<double> ideal, nadir;
  double hypervolume = 0;

  static TableOptimum compute(const Evaluator& evaluator, const Objective& objective);
  std::vector<double> normalise(const std::vector<double>& point) const;
};

struct SearchResult {
  std::string strategy;
  uint64_t seed = 0;
  std::vector<QueryRecord> history;
  int best = -1;           // history index of the best feasible query (scalar objectives)
  std::vector<int> front;  // history indices of the found front (pareto), one per distinct point
  double hypervolume = 0;  // of the found front, normalised (pareto)
  std::vector<double> regret_by_query;  // regret after each query (see above)
  int unknown_cost_queries = 0;
  int infeasible_queries = 0;  // unknown-cost queries included
  double simulated_seconds = 0;
  double wall_seconds = 0;

  // NaN when the run has no regret curve (an evaluator whose optimum is not enumerated).
  double final_regret() const { return regret_by_query.empty() ? std::nan("") : regret_by_query.back(); }
  // Regret after `queries` queries (the last value when the run stopped earlier).
  double regret_after(int queries) const;
  // One line for terminals.
  std::string brief_report(const Evaluator& evaluator, const Objective& objective) const;
  // Several lines: budget, counts, found arch vs the table's best, regret, front.
  std::string full_report(const Evaluator& evaluator, const Objective& objective,
                          const TableOptimum& optimum) const;
};

// Best arch, front, counts and regret curve of a finished context (takes over its history).
SearchResult make_result(const std::string& strategy, SearchContext& ctx,
                         const TableOptimum& optimum);

}  // namespace hwnas
