#include "search/differentiable/supernet_strategy.h"

#include <mutex>

#include "core/config.h"

namespace hwnas {

SupernetStrategyOptions SupernetStrategyOptions::read(const ConfigSection& s,
                                                      const SupernetStrategyOptions& defaults) {
  SupernetStrategyOptions o = defaults;
  o.type = s.get_string("type", o.type);
  o.arch_every = s.get_int("arch_every", o.arch_every);
  o.arch_lr = s.get_double("arch_lr", o.arch_lr);
  o.arch_beta1 = s.get_double("arch_beta1", o.arch_beta1);
  o.arch_beta2 = s.get_double("arch_beta2", o.arch_beta2);
  o.derive = s.get_choice("derive", o.derive, {"auto", "argmax", "most_probable_feasible"});
  o.derive_without_none = s.get_bool("derive_without_none", o.derive_without_none);
  s.validate([&] { o.validate(); });
  return o;
}

void SupernetStrategyOptions::validate() const {
  if (arch_every < 1) throw InvalidOption("arch_every", "must be >= 1");
  if (!(arch_lr > 0)) throw InvalidOption("arch_lr", "must be > 0");
  if (arch_beta1 < 0 || arch_beta1 >= 1) throw InvalidOption("arch_beta1", "must be in [0, 1)");
  if (arch_beta2 < 0 || arch_beta2 >= 1) throw InvalidOption("arch_beta2", "must be in [0, 1)");
}

SupernetStrategyRegistry& SupernetStrategyRegistry::global() {
  static SupernetStrategyRegistry registry;
  return registry;
}

void register_builtin_supernet_strategies() {
  static std::once_flag once;
  std::call_once(once, [] {
    SupernetStrategyRegistry& r = SupernetStrategyRegistry::global();
    register_proxylessnas_strategy(r);
    register_fbnet_dnas_strategy(r);
    register_weights_only_strategies(r);
  });
}

}  // namespace hwnas
