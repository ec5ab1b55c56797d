#pragma once
// One `hwnas_search` job built from its config: tables, evaluator, objective, budget, strategy and
// the table's optimum, shared (read-only) by every seed. Top-level keys and defaults:
//
//   name: search            # run folder <output.dir>/<name>/
//   seed: 0                 # the run's seed (--seeds runs many)
//   space: nb201            # nb201 | fbnet (fbnet: evaluator.type supernet)
//   setting: cifar10        # the cost setting (fbnet: cifar10 | cifar100 | ImageNet)
//   data_dir: ""            # tables folder; "" = $HWNAS_DATA_DIR or the built-in data/
//   cost_tables: []         # extra LUT files (profiled/fitted devices; costmodels/cost_library.h)
//   objective: {...}        # search/sampling/objective.h
//   budget: {...}           # search/sampling/search_context.h (queries, train_seconds, time_model)
//   strategy: {type: ...}   # search/sampling/strategy.h and each strategy's options
//   evaluator: {type: table}  # table | supernet (search/differentiable/supernet_evaluator.h)
//   output: {dir: runs, plot: true, history: true}
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/run_header.h"
#include "costmodels/cost_library.h"
#include "search/sampling/search_result.h"
#include "search/sampling/strategy.h"

namespace hwnas {

class Config;
class CostLibrary;

struct RunOptions {
  RunHeader run{"search"};          // name, seed, output.dir
  std::string space = "nb201";      // nb201 | fbnet (fbnet needs evaluator.type supernet)
  std::string setting = "cifar10";  // the cost setting (fbnet: cifar10, cifar100, ImageNet)
  CostTablesOptions tables;         // data_dir, cost_tables
  bool plot = true;                 // output.plot: PNGs through gnuplot when it is installed
  bool history = true;              // output.history: metrics.csv with every query
};

class SearchRun {
 public:
  // Reads every section of `config` (then unknown keys are errors) and loads the tables, or uses
  // `library` when given (tests and benchmarks build many runs over one copy).
  static SearchRun from_config(const Config& config,
                               std::shared_ptr<const CostLibrary> library = nullptr);

  const RunOptions& options() const { return options_; }
  const CostLibrary& library() const { return *library_; }
  const Evaluator& evaluator() const { return *evaluator_; }
  const Objective& objective() const { return *objective_; }
  const Budget& budget() const { return budget_; }
  const SearchStrategy& strategy() const { return *strategy_; }
  const TableOptimum& optimum() const { return *optimum_; }

  SearchResult run_seed(uint64_t seed, const std::string& run_dir = "") const;
  // Seeds in parallel (TBB); results in the order of `seeds`.
  std::vector<SearchResult> run_seeds(const std::vector<uint64_t>& seeds) const;

 private:
  RunOptions options_;
  std::shared_ptr<const CostLibrary> library_;
  std::shared_ptr<const Evaluator> evaluator_;
  std::shared_ptr<const Objective> objective_;
  Budget budget_;
  std::shared_ptr<const SearchStrategy> strategy_;
  std::shared_ptr<const TableOptimum> optimum_;
};

// "7", "0-99", "1,2,10-12" -> seeds; InputError naming the text otherwise.
std::vector<uint64_t> parse_seed_list(const std::string& text);

// Query counts at which regret curves are reported: 1, 2, 5, 10, 20, 50, ... up to `max_queries`,
// which is always included.
std::vector<int> regret_checkpoints(int max_queries);

}  // namespace hwnas
