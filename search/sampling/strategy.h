#pragma once
// Search strategies: one interface and a registry keyed by the YAML `strategy.type`, filled by an
// explicit register_builtin_strategies() (tiny-cuda-nn style). A strategy is created once from its
// config section and is then a const, shareable object: search() keeps all per-run state local, so
// one instance runs many seeds at once. Plug-in strategies (search/plugin_api.h) are registered
// into the same registry when their library is loaded.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/registry.h"
#include "search/sampling/search_context.h"

namespace hwnas {

class ConfigSection;

class SearchStrategy {
 public:
  virtual ~SearchStrategy() = default;
  virtual std::string name() const = 0;
  // Which objectives it handles: single-objective strategies climb Objective::fitness; Pareto
  // strategies need objective.type pareto.
  virtual bool supports(Objective::Kind kind) const { return kind != Objective::Kind::Pareto; }
  // Queries until ctx.exhausted() (or earlier when done); the history is the result.
  virtual void search(SearchContext& ctx) const = 0;
  // True for `external` strategies (search/sampling/external_search.h): the caller queries.
  virtual bool driven_externally() const { return false; }
};

using StrategyFactory = std::function<std::unique_ptr<SearchStrategy>(const ConfigSection&)>;

// The sampling strategies' registry (core/registry.h); origin "built-in" or "plugin <path>".
class StrategyRegistry : public NamedRegistry<SearchStrategy> {
 public:
  static StrategyRegistry& global();
};

// Registers random, evolution, reinforce, local_search, nsga2 and the `plugin` loader type.
// Idempotent and thread-safe.
void register_builtin_strategies();

// Reads `strategy.type` (listing the registered names when unknown) and creates the strategy.
std::unique_ptr<SearchStrategy> make_strategy(const ConfigSection& strategy_section);

// One entry per built-in strategy (defined in its own .cpp under search/strategies/).
void register_random_strategy(StrategyRegistry& registry);
void register_evolution_strategy(StrategyRegistry& registry);
void register_reinforce_strategy(StrategyRegistry& registry);
void register_local_search_strategy(StrategyRegistry& registry);
void register_nsga2_strategy(StrategyRegistry& registry);
void register_plugin_loader(StrategyRegistry& registry);

}  // namespace hwnas
