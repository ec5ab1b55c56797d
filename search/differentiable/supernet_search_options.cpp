#include "core/config.h"
#include "core/strings.h"
#include "search/differentiable/supernet_search.h"

namespace hwnas {

SupernetDataOptions SupernetDataOptions::read(const ConfigSection& s) {
  SupernetDataOptions o;
  static_cast<ImageDataOptions&>(o) = ImageDataOptions::read(s);
  o.arch_fraction = s.get_double("arch_fraction", o.arch_fraction);
  s.validate([&] { o.validate(); });
  return o;
}

void SupernetDataOptions::validate() const {
  if (!(arch_fraction > 0 && arch_fraction < 1)) {
    throw InvalidOption("arch_fraction", "must be in (0, 1)");
  }
}

SupernetTrainOptions SupernetTrainOptions::read(const ConfigSection& s) {
  SupernetTrainOptions o;
  static_cast<TrainLoopOptions&>(o) = TrainLoopOptions::read(s, o);
  o.warmup_epochs = s.get_int("warmup_epochs", o.warmup_epochs);
  o.steps_per_epoch = s.get_int("steps_per_epoch", o.steps_per_epoch);
  s.validate([&] { o.validate(); });
  return o;
}

void SupernetTrainOptions::validate() const {
  if (warmup_epochs < 0 || warmup_epochs >= epochs) {
    throw InvalidOption("warmup_epochs", "must be in 0..epochs-1 (" + std::to_string(epochs - 1) +
                                             "), so that some epochs search the architecture");
  }
  if (steps_per_epoch < 0) throw InvalidOption("steps_per_epoch", "must be >= 0 (0 = one pass)");
}

bool is_supernet_strategy(const std::string& type) {
  register_builtin_supernet_strategies();
  return SupernetStrategyRegistry::global().has(type);
}

SupernetSearchOptions SupernetSearchOptions::read(const Config& config) {
  register_builtin_supernet_strategies();
  const auto& registry = SupernetStrategyRegistry::global();
  const ConfigSection root = config.root();
  SupernetSearchOptions o;
  o.run = RunHeader::read(root, o.run, RunHeader::Keys::WithTorch);
  o.space = parse_space(root.get_choice("space", "fbnet", {"fbnet", "nb201"}));
  o.setting = root.get_string("setting", o.setting);
  o.tables = CostTablesOptions::read(root);
  o.data = SupernetDataOptions::read(root.child("data"));
  o.train = SupernetTrainOptions::read(root.child("train"));
  const ConfigSection strategy = root.child("strategy");
  const std::string type = strategy.get_choice("type", o.strategy.type, registry.names(), "registered");
  const SupernetStrategyDefaults defaults = registry.info(type);
  o.strategy = SupernetStrategyOptions::read(strategy, defaults.options);
  o.algorithm = registry.create(type, strategy);
  o.cost = CostLossOptions::read(root.child("cost"), defaults.cost_form, defaults.cost_b);
  if (o.space == Space::NB201 && !o.setting.empty() && to_lower(o.setting) != "cifar10") {
    root.fail("setting", "nb201 has cost tables for the cifar10 setting only");
  }
  return o;
}

std::string SupernetSearchOptions::cost_setting() const {
  if (space == Space::NB201) return "cifar10";
  if (!setting.empty()) return setting;
  if (data.dataset == "cifar100") return "cifar100";
  if (data.dataset == "synthetic" && data.synthetic_classes == 100) return "cifar100";
  return "cifar10";
}

}  // namespace hwnas
