#pragma once
// A trained supernet as the accuracy Evaluator of the sampling strategies (one-shot NAS: train
// once, search many targets). An arch's accuracy is the top-1 of the supernet on that single path
// over held-out images of the run that trained it (never its weight-training images), after the
// BatchNorm statistics are re-estimated on a few fixed training batches: a supernet's running
// statistics mix every path's, the standard one-shot practice (SPOS) re-estimates them per arch.
// Costs come from the tables, as for the tabular evaluator. In a sampling-search config:
//
//   space: nb201                   # or fbnet (with setting:), the space the supernet was trained on
//   evaluator:
//     type: supernet
//     checkpoint: runs/nb201-spos  # a supernet run folder (strategy spos, warmup, or a search)
//     split: valid                 # valid: the run's held-out split | test: its test set
//     images: 1000                 # the first N images of the split (0 = all)
//     bn_batches: 4                # fixed training batches re-estimating BN per arch (0 = keep)
//     batch_size: 250
//     device: cpu
//     threads: 0                   # 0 = every core
//
// Evaluations are cached by arch, so a strategy that revisits an arch pays once. One supernet
// serves every seed of a run: evaluation is serialised by a mutex (the BN re-estimation writes
// the net's buffers) and each evaluation uses the intra-op threads.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "search/sampling/evaluator.h"

namespace hwnas {

class ConfigSection;

struct SupernetEvaluatorOptions {
  std::string checkpoint;
  std::string split = "valid";
  int64_t images = 1000;
  int bn_batches = 4;
  int batch_size = 250;
  std::string device = "cpu";
  int threads = 0;

  static SupernetEvaluatorOptions read(const ConfigSection& section);
  void validate() const;
};

class SupernetEvaluator : public Evaluator {
 public:
  SupernetEvaluator(SupernetEvaluatorOptions options, const EvaluatorContext& context);
  ~SupernetEvaluator() override;

  const SearchSpace& space() const override;
  const std::vector<CostKey>& metrics() const override { return metrics_; }
  std::string describe() const override;
  Evaluation evaluate(const Arch& arch) const override;
  // The table's costs without scoring the arch on the supernet.
  std::optional<Evaluation> evaluate_costs(const Arch& arch) const override;
  int arch_index(const Arch& arch) const override;
  std::string usage_report() const override;

  // Top-1 (%) of `arch` without the cache (what evaluate() caches).
  double supernet_accuracy(const Arch& arch) const;

 private:
  double score(const Arch& arch) const;  // supernet_accuracy with the mutex held

  struct Net;  // the LibTorch side (kept out of this header)
  SupernetEvaluatorOptions options_;
  EvaluatorContext context_;
  std::vector<CostKey> metrics_;
  std::unique_ptr<Net> net_;
};

// Registers evaluator.type "supernet" (hwnas_search calls it; the sampling library has no torch).
void register_supernet_evaluator();

}  // namespace hwnas
