#pragma once
// Progressive shrinking (Once-for-All, Cai et al. 2020) for the weights-only runs (warmup, spos):
// `strategy.stages` lists op sets, and the weight steps of the epochs of stage i draw every slot's
// op uniformly from set i, for `strategy.stage_epochs` epochs each; after the last stage the run
// draws as it would without stages. Why: drawn uniformly over all nine FBNet ops from the first
// step, the supernet's training loss first rises above chance (for hundreds of steps with
// supernet.weights: shared, for all of the first epoch with separate weights), while one trained on
// the largest op first and widened a few ops at a time learns from its first steps
// (experiments/supernet_learning).
#include <random>
#include <string>
#include <vector>

#include "costmodels/space.h"

namespace hwnas {

class ConfigSection;

class PathStages {
 public:
  // strategy.stages: ["k5_e6", "k3_e6,k5_e6", ...] (op names of the run's space, comma-separated);
  // strategy.stage_epochs: epochs per stage (default 1). Absent: no stages.
  static PathStages read(const ConfigSection& strategy);

  // Resolves the names against `space` and checks that every stage ends within the `epochs` the
  // run trains; an InvalidOption names the key otherwise.
  void bind(Space space, int epochs);

  // The op indices the weight steps of `epoch` draw from; nullptr after the last stage.
  const std::vector<int>* ops_at(int epoch) const;
  // One uniformly drawn op of `ops` per slot.
  static std::vector<int> draw(const std::vector<int>& ops, int slots, std::mt19937_64& rng);

 private:
  std::vector<std::string> names_;
  std::vector<std::vector<int>> ops_;  // filled by bind()
  int stage_epochs_ = 1;
};

}  // namespace hwnas
