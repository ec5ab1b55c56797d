#include "search/sampling/strategy.h"

#include <mutex>

#include "core/config.h"
#include "core/error.h"

namespace hwnas {

StrategyRegistry& StrategyRegistry::global() {
  static StrategyRegistry registry;
  return registry;
}

void register_builtin_strategies() {
  static std::once_flag once;
  std::call_once(once, [] {
    StrategyRegistry& r = StrategyRegistry::global();
    register_random_strategy(r);
    register_evolution_strategy(r);
    register_reinforce_strategy(r);
    register_local_search_strategy(r);
    register_nsga2_strategy(r);
    register_plugin_loader(r);
  });
}

std::unique_ptr<SearchStrategy> make_strategy(const ConfigSection& section) {
  register_builtin_strategies();
  const StrategyRegistry& registry = StrategyRegistry::global();
  const std::string type =
      section.get_choice("type", "evolution", registry.names(), /*list_word=*/"registered");
  return registry.create(type, section);
}

}  // namespace hwnas
