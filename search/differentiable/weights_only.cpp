// Supernet runs that train the weights only, for the one-shot workflow (train once, search many
// targets):
//  - warmup: the first train.warmup_epochs of another strategy's run (`paths`: its weight-step
//    path selection, read with its own keys), so that every device's search can start from one
//    checkpoint (hwnas_search --init-from) and reach the arch.json of a run that warmed up inline;
//  - spos: single-path one-shot training (Guo et al. 2020), each weight step on a path drawn
//    uniformly, for train.epochs; the trained supernet then serves as an accuracy evaluator
//    (evaluator: {type: supernet}) for the sampling strategies.
// Both take `stages` (path_stages.h): progressive shrinking of the op sets their first epochs draw
// from.
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/error.h"
#include "search/differentiable/path_stages.h"
#include "search/differentiable/supernet_strategy.h"

namespace hwnas {

namespace {

class WeightsOnly : public SupernetStrategy {
 public:
  explicit WeightsOnly(PathStages stages) : stages_(std::move(stages)) {}
  bool searches_architecture() const override { return false; }
  ArchStepResult arch_step(ArchStepContext&, const torch::Tensor&, const torch::Tensor&) const override {
    throw std::logic_error(name() + " takes no architecture steps");
  }
  void bind_to_run(Space space, int epochs_trained) override { stages_.bind(space, epochs_trained); }
  void select_weight_paths(Supernet& net, const BatchShard& batch, int epoch,
                           std::mt19937_64& rng) const final {
    if (const auto* ops = stages_.ops_at(epoch)) {
      net->select_single(PathStages::draw(*ops, net->num_slots(), rng));
      return;
    }
    select_unstaged_paths(net, batch, epoch, rng);
  }

 protected:
  // The paths of the epochs after the stages (all of them without stages).
  virtual void select_unstaged_paths(Supernet& net, const BatchShard& batch, int epoch,
                                     std::mt19937_64& rng) const = 0;

 private:
  PathStages stages_;
};

class Warmup : public WeightsOnly {
 public:
  Warmup(std::unique_ptr<SupernetStrategy> paths, PathStages stages)
      : WeightsOnly(std::move(stages)), paths_(std::move(paths)) {}
  std::string name() const override { return "warmup"; }
  std::string paths() const { return paths_->name(); }
  double temperature(int epoch) const override { return paths_->temperature(epoch); }
  int epochs_to_train(int epochs, int warmup_epochs) const override { return warmup_epochs; }

 protected:
  void select_unstaged_paths(Supernet& net, const BatchShard& batch, int epoch,
                             std::mt19937_64& rng) const override {
    paths_->select_weight_paths(net, batch, epoch, rng);
  }

 private:
  std::unique_ptr<SupernetStrategy> paths_;
};

class Spos : public WeightsOnly {
 public:
  using WeightsOnly::WeightsOnly;
  std::string name() const override { return "spos"; }

 protected:
  void select_unstaged_paths(Supernet& net, const BatchShard&, int, std::mt19937_64& rng) const override {
    std::vector<int> all(net->num_choices());
    for (int op = 0; op < net->num_choices(); ++op) all[op] = op;
    net->select_single(PathStages::draw(all, net->num_slots(), rng));
  }
};

}  // namespace

void register_weights_only_strategies(SupernetStrategyRegistry& registry) {
  registry.add(
      "warmup", "built-in",
      "the weights-only warm-up of another strategy (paths: proxylessnas | fbnet_dnas), shared "
      "by every device's search (--init-from)",
      [](const ConfigSection& s) -> std::unique_ptr<SupernetStrategy> {
        const std::string paths = s.get_choice("paths", "proxylessnas", {"proxylessnas", "fbnet_dnas"});
        return std::make_unique<Warmup>(SupernetStrategyRegistry::global().create(paths, s),
                                        PathStages::read(s));
      });
  registry.add("spos", "built-in",
               "single-path one-shot training (uniform paths, no alphas): a supernet evaluator "
               "for the sampling strategies",
               [](const ConfigSection& s) { return std::make_unique<Spos>(PathStages::read(s)); });
}

}  // namespace hwnas
