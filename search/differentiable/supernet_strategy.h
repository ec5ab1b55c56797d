#pragma once
// Supernet (differentiable) search strategies: one interface and a registry keyed by the YAML
// `strategy.type`, filled by register_builtin_supernet_strategies() like the sampling registry
// (core/registry.h). The search loop (supernet_search.h) owns the data, the weights and their
// optimizer, the cost term, checkpoints and outputs; a strategy decides which path(s) each weight
// step trains and how an architecture step moves the alphas. A new strategy is one file (a class
// and its register_* function) plus one line in register_builtin_supernet_strategies(); the
// contract tests loop over every registered name.
#include <torch/optim/optimizer.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "core/registry.h"
#include "search/distributed/batch_shard.h"
#include "supernet/supernet.h"

namespace hwnas {

class ConfigSection;
class CostLoss;

// The keys every supernet strategy shares, in the `strategy:` map.
struct SupernetStrategyOptions {
  std::string type = "proxylessnas";
  int arch_every = 1;        // architecture step every N weight steps (after warm-up)
  double arch_lr = 1e-3;     // Adam on the alphas
  double arch_beta1 = 0.0;
  double arch_beta2 = 0.999;
  // The final arch (search/differentiable/derive_arch.h): auto = most_probable_feasible when
  // cost.target > 0 (the limit holds for the reported arch), else argmax.
  std::string derive = "auto";  // auto | argmax | most_probable_feasible
  bool derive_without_none = false;  // NB201: `none` is never chosen for the final arch

  // Keys the section does not give keep the values of `defaults` (the strategy's).
  static SupernetStrategyOptions read(const ConfigSection& section,
                                      const SupernetStrategyOptions& defaults);
  void validate() const;
};

// What a strategy publishes besides its factory: its defaults for the shared keys and for the
// cost loss (cost.form, cost.b), as the strategy's paper sets them.
struct SupernetStrategyDefaults {
  SupernetStrategyOptions options;
  std::string cost_form = "mul_log";
  double cost_b = 0.3;
};

// What one architecture step works with.
struct ArchStepContext {
  Supernet& net;
  const CostLoss& cost;
  // Adam over net->alphas(). In a data-parallel run its step() first sums the ranks' gradients,
  // each weighted by its share of the batch: a strategy computes the gradient of the loss over
  // its own rows and steps, as in one process.
  torch::optim::Optimizer& optimizer;
  bool use_ce;                         // false: the cost term alone (no forward pass needed)
  int epoch;
  std::mt19937_64& rng;                // the epoch's architecture-sampling stream (same on every rank)
  BatchShard shard{};                  // the images' rows of the global batch ({} = all of it)

  // The shard of a step on `rows` images: `shard`, or all the rows in one process.
  BatchShard batch(int64_t rows) const { return shard.global > 0 ? shard : BatchShard::all(rows); }
};

struct ArchStepResult {
  double expected_cost = 0;  // E[cost] of the step (drives the Lagrange multiplier)
  double ce = std::nan("");  // the step's cross-entropy; NaN when it computed none
};

class SupernetStrategy {
 public:
  virtual ~SupernetStrategy() = default;
  virtual std::string name() const = 0;
  // Sets the net's selection for the next weight step, on the rows `batch` of a global batch.
  // Whatever is drawn from `rng` is drawn for the whole global batch (per-example samples too),
  // so every rank's stream stays the same; the selection then covers this rank's rows.
  virtual void select_weight_paths(Supernet& net, const BatchShard& batch, int epoch,
                                   std::mt19937_64& rng) const = 0;
  // One step of the alphas on a batch of the architecture split; leaves the gradient in the
  // optimizer's parameters and steps it.
  virtual ArchStepResult arch_step(ArchStepContext& ctx, const torch::Tensor& images,
                                   const torch::Tensor& labels) const = 0;
  // A relaxation temperature, for metrics.csv (0 for strategies that have none).
  virtual double temperature(int epoch) const { return 0; }
  // False for runs that train the weights only (a shared warm-up, SPOS): no architecture steps,
  // no cost term, and the run writes supernet.json (what it trained) instead of arch.json.
  virtual bool searches_architecture() const { return true; }
  // How many epochs the run trains, of a train: section with `epochs` and `warmup_epochs`.
  virtual int epochs_to_train(int epochs, int warmup_epochs) const { return epochs; }
  // Called once the run's space and the epochs it trains are known, before any step: resolves the
  // strategy's keys that depend on them (op names), throwing InvalidOption for one that does not fit.
  virtual void bind_to_run(Space space, int epochs_trained) {}
};

class SupernetStrategyRegistry : public NamedRegistry<SupernetStrategy, SupernetStrategyDefaults> {
 public:
  static SupernetStrategyRegistry& global();
};

// Registers proxylessnas, fbnet_dnas, warmup and spos. Idempotent and thread-safe.
void register_builtin_supernet_strategies();

// One entry per built-in strategy (each in its own .cpp beside this header).
void register_proxylessnas_strategy(SupernetStrategyRegistry& registry);
void register_fbnet_dnas_strategy(SupernetStrategyRegistry& registry);
void register_weights_only_strategies(SupernetStrategyRegistry& registry);  // warmup, spos

}  // namespace hwnas
