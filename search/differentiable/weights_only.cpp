// Supernet runs that train the weights only, for the one-shot workflow (train once, search many
// targets):
//  - warmup: the first train.warmup_epochs of another strategy's run (`paths`: its weight-step
//    path selection, read with its own keys), so that every device's search can start from one
//    checkpoint (hwnas_search --init-from) and reach the arch.json of a run that warmed up inline;
//  - spos: single-path one-shot training (Guo et al. 2020), each weight step on a path drawn
//    uniformly, for train.epochs; the trained supernet then serves as an accuracy evaluator
//    (evaluator: {type: supernet}) for the sampling strategies.
#include <random>
#include <stdexcept>

#include "core/config.h"
#include "core/error.h"
#include "search/differentiable/supernet_strategy.h"

namespace hwnas {

namespace {

class WeightsOnly : public SupernetStrategy {
 public:
  bool searches_architecture() const override { return false; }
  ArchStepResult arch_step(ArchStepContext&, const torch::Tensor&, const torch::Tensor&) const override {
    throw std::logic_error(name() + " takes no architecture steps");
  }
};

class Warmup : public WeightsOnly {
 public:
  explicit Warmup(std::unique_ptr<SupernetStrategy> paths) : paths_(std::move(paths)) {}
  std::string name() const override { return "warmup"; }
  std::string paths() const { return paths_->name(); }
  void select_weight_paths(Supernet& net, const BatchShard& batch, int epoch,
                           std::mt19937_64& rng) const override {
    paths_->select_weight_paths(net, batch, epoch, rng);
  }
  double temperature(int epoch) const override { return paths_->temperature(epoch); }
  int epochs_to_train(int epochs, int warmup_epochs) const override { return warmup_epochs; }

 private:
  std::unique_ptr<SupernetStrategy> paths_;
};

class Spos : public WeightsOnly {
 public:
  std::string name() const override { return "spos"; }
  void select_weight_paths(Supernet& net, const BatchShard& batch, int epoch,
                           std::mt19937_64& rng) const override {
    std::uniform_int_distribution<int> op(0, net->num_choices() - 1);
    std::vector<int> ops(net->num_slots());
    for (int& o : ops) o = op(rng);
    net->select_single(ops);
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
        return std::make_unique<Warmup>(SupernetStrategyRegistry::global().create(paths, s));
      });
  registry.add("spos", "built-in",
               "single-path one-shot training (uniform paths, no alphas): a supernet evaluator "
               "for the sampling strategies",
               [](const ConfigSection&) { return std::make_unique<Spos>(); });
}

}  // namespace hwnas
