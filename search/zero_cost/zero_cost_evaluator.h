#pragma once
// Training-free proxies (proxies.h) as the accuracy Evaluator of the sampling strategies: an arch
// is scored at initialisation in a fraction of a second instead of being trained. In a sampling
// search config (either space):
//
//   evaluator:
//     type: zero_cost
//     proxy: naswot            # one proxy, or a list: their rank combination
//     table: runs/zc/nb201.csv # optional: scores computed once by hwnas_score, read instead of
//                              # computed (archs missing from it are computed)
//     reference_archs: 100     # without a table: random archs of the space the scores are ranked
//     in batch_size: 64           # the inputs of the proxies (zero_cost_scorer.h) batches: 2 seed:
//     0 init: default            # or kaiming_normal data: {dataset: cifar10, path:
//     ../shared/data/cifar10} device: cpu threads: 0
//
// The "accuracy" a strategy sees is the arch's percentile (0-100) among reference archs under
// each proxy (percentile_scale.h), averaged over the listed proxies: the table's rows when there
// is one, else `reference_archs` random archs scored when the run starts. Costs come from the
// device tables as for every evaluator. The raw scores of every arch asked for are written to
// the run folder as zero_cost_scores.csv, itself a score table.
#include <memory>
#include <string>
#include <vector>

#include "search/sampling/evaluator.h"
#include "search/zero_cost/zero_cost_scorer.h"

namespace hwnas {

class ConfigSection;

struct ZeroCostEvaluatorOptions {
  std::vector<Proxy> members;
  std::string table;
  int reference_archs = 100;
  ZeroCostInputs inputs;

  static ZeroCostEvaluatorOptions read(const ConfigSection& section);
};

class ZeroCostEvaluator : public Evaluator {
 public:
  ZeroCostEvaluator(ZeroCostEvaluatorOptions options, const EvaluatorContext& context);
  ~ZeroCostEvaluator() override;

  const SearchSpace& space() const override;
  const std::vector<CostKey>& metrics() const override { return context_.metrics; }
  std::string describe() const override;
  Evaluation evaluate(const Arch& arch) const override;
  std::optional<Evaluation> evaluate_costs(const Arch& arch) const override;
  int arch_index(const Arch& arch) const override;
  std::string usage_report() const override;
  std::vector<std::pair<std::string, std::string>> run_files() const override;

  // The members' raw scores of `arch` (cached, as evaluate()).
  std::vector<double> raw_scores(const Arch& arch) const;

 private:
  struct State;
  ZeroCostEvaluatorOptions options_;
  EvaluatorContext context_;
  std::unique_ptr<State> state_;
};

// Registers evaluator.type "zero_cost" (hwnas_search and the Python package call it).
void register_zero_cost_evaluator();

}  // namespace hwnas
