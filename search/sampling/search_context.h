#pragma once
// What a strategy gets for one run: the space, the evaluator, the objective, the budget, a seeded
// generator and the run folder; every query goes through query(), which evaluates, scores and
// records it, so budgets and histories are the framework's business, not each strategy's.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "search/sampling/evaluator.h"
#include "search/sampling/objective.h"

namespace hwnas {

class ConfigSection;

struct Budget {
  int queries = 1000;          // maximum number of queries (evaluations), >= 1
  double train_seconds = 0;    // maximum simulated training time, 0 = no limit
  TrainTimeModel time_model;   // how a query's simulated training time is reckoned

  static Budget read(const ConfigSection& section);
  void validate() const;  // InvalidOption
};

struct QueryRecord {
  Arch arch;
  Evaluation eval;
  double fitness = 0;          // Objective::fitness
  bool feasible = false;       // Objective::feasible
  double elapsed_seconds = 0;  // simulated training time spent so far, this query included
};

class SearchContext {
 public:
  SearchContext(const Evaluator& evaluator, const Objective& objective, const Budget& budget,
                uint64_t seed, std::string run_dir = "");

  const SearchSpace& space() const { return evaluator_.space(); }
  const Evaluator& evaluator() const { return evaluator_; }
  const Objective& objective() const { return objective_; }
  const Budget& budget() const { return budget_; }
  uint64_t seed() const { return seed_; }
  std::mt19937_64& rng() { return rng_; }
  const std::string& run_dir() const { return run_dir_; }

  // True once either budget is spent; a strategy stops querying then.
  bool exhausted() const;
  // Evaluates, scores and records `arch`. Error when called after the budget is spent (a strategy
  // bug, caught by the contract tests).
  const QueryRecord& query(const Arch& arch);
  const std::vector<QueryRecord>& history() const { return history_; }
  // Hands the history over when the run is finished (no copy); the context is spent afterwards.
  std::vector<QueryRecord> take_history() { return std::move(history_); }

  // Helpers most strategies need.
  Arch random_arch();
  // A copy of `arch` with one decision changed to a different choice.
  Arch mutate_one(const Arch& arch);

 private:
  const Evaluator& evaluator_;
  const Objective& objective_;
  Budget budget_;
  uint64_t seed_;
  std::mt19937_64 rng_;
  std::string run_dir_;
  std::vector<QueryRecord> history_;
  double elapsed_seconds_ = 0;
};

}  // namespace hwnas
