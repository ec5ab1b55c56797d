#include "search/strategy.h"

#include "core/config.h"
#include "core/error.h"

namespace hwnas {

StrategyRegistry& StrategyRegistry::global() {
  static StrategyRegistry registry;
  return registry;
}

void StrategyRegistry::add(const std::string& name, const std::string& origin,
                           const std::string& description, StrategyFactory factory) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(name);
  if (it != entries_.end()) {
    throw InputError("strategy name '" + name + "' from " + origin + " is already registered by " +
                     it->second.origin + "; pick another name");
  }
  entries_[name] = {origin, description, std::move(factory)};
}

bool StrategyRegistry::has(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.count(name) > 0;
}

std::vector<std::string> StrategyRegistry::names() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

std::string StrategyRegistry::origin(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(name);
  return it == entries_.end() ? "" : it->second.origin;
}

std::string StrategyRegistry::description(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(name);
  return it == entries_.end() ? "" : it->second.description;
}

std::unique_ptr<SearchStrategy> StrategyRegistry::create(const std::string& name,
                                                         const ConfigSection& section) const {
  StrategyFactory factory;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(name);
    if (it == entries_.end()) throw InputError("no strategy named '" + name + "' is registered");
    factory = it->second.factory;
  }
  return factory(section);
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
