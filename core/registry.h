#pragma once
// A name-keyed factory registry (tiny-cuda-nn style): every extension point of the project (the
// sampling strategies, the supernet strategies, the evaluators) is an interface plus one of these, filled by an
// explicit register_builtin_*() and by plug-ins. Each entry keeps where it came from, a one-line
// description and `Info`, what the kind of entry publishes besides its factory (the supernet
// strategies: their default options). Thread-safe.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"

namespace hwnas {

class ConfigSection;

struct NoRegistryInfo {};

// `Args`: what a factory gets besides its config section (an evaluator: the run's context).
template <typename Product, typename Info = NoRegistryInfo, typename... Args>
class NamedRegistry {
 public:
  // Reads the product's keys from its config section (the `strategy:` map).
  using Factory = std::function<std::unique_ptr<Product>(const ConfigSection&, Args...)>;

  // `kind` names the entries in errors: "strategy", "evaluator".
  explicit NamedRegistry(std::string kind = "strategy") : kind_(std::move(kind)) {}

  // Error when `name` is taken (names the origin of both).
  void add(const std::string& name, const std::string& origin, const std::string& description,
           Factory factory, Info info = {}) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(name);
    if (it != entries_.end()) {
      throw InputError(kind_ + " name '" + name + "' from " + origin +
                       " is already registered by " + it->second.origin + "; pick another name");
    }
    entries_[name] = {origin, description, std::move(info), std::move(factory)};
  }
  bool has(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.count(name) > 0;
  }
  std::vector<std::string> names() const {  // sorted
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> names;
    for (const auto& entry : entries_) names.push_back(entry.first);
    return names;
  }
  std::string origin(const std::string& name) const { return entry(name).origin; }
  std::string description(const std::string& name) const { return entry(name).description; }
  Info info(const std::string& name) const { return entry(name).info; }
  std::unique_ptr<Product> create(const std::string& name, const ConfigSection& section,
                                  Args... args) const {
    const Factory factory = entry(name).factory;  // called unlocked: a factory may register more
    return factory(section, args...);
  }

 private:
  struct Entry {
    std::string origin;
    std::string description;
    Info info;
    Factory factory;
  };
  Entry entry(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(name);
    if (it == entries_.end()) throw InputError("no " + kind_ + " named '" + name + "' is registered");
    return it->second;
  }

  std::string kind_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace hwnas
