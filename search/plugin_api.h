#pragma once
// hwnas plug-in strategies: the whole public surface, self-contained (no other hwnas header, no
// hwnas library to link). A plug-in is a shared library that exports two C functions:
//
//   HWNAS_PLUGIN_EXPORT uint32_t hwnas_plugin_abi_version(void) { return HWNAS_PLUGIN_ABI_VERSION; }
//   HWNAS_PLUGIN_EXPORT int hwnas_plugin_strategies(const hwnas_strategy_desc** out);  // count
//
// and is selected from YAML without rebuilding hwnas:
//   strategy: {type: plugin, library: path/to/libmy.so, name: my_strategy, my_option: 3}
// Its options are declared in its descriptor (name, default, help); hwnas reads them from the
// strategy section like any built-in option (unknown keys are errors) and writes them into
// config.resolved.yaml. The interface is plain C so the library may be built with another
// compiler or standard library; the C++ helpers below are inline. A strategy's run() is called
// once per seed, possibly from several threads at once: keep its state local.
// See experiments/custom_strategy/ for a worked example.
#include <stddef.h>
#include <stdint.h>

#define HWNAS_PLUGIN_ABI_VERSION 1u

#if defined(_WIN32)
#define HWNAS_PLUGIN_EXPORT extern "C" __declspec(dllexport)
#else
#define HWNAS_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
#endif

extern "C" {

typedef struct hwnas_query_result {
  double accuracy;  // top-1 %, of the objective's dataset
  double fitness;   // higher is better; -inf when a cost is unknown
  int feasible;     // within the objective's limits, with every cost known
  int known;        // every cost known
  double costs[4];  // the objective's metrics, in order (NaN = unknown)
  int num_costs;
} hwnas_query_result;

// What hwnas hands a strategy for one run. `handle` is opaque; pass it back to the callbacks.
typedef struct hwnas_search_api {
  uint32_t abi_version;  // HWNAS_PLUGIN_ABI_VERSION of the host
  void* handle;
  int num_decisions;  // the space's decisions: NB201 6 edges, FBNet 22 layers
  int num_choices;    // choices per decision: NB201 5 ops, FBNet 9 blocks
  uint64_t seed;
  int multi_objective;  // objective.type pareto
  // 1 once the budget is spent: stop querying then.
  int (*exhausted)(void* handle);
  // Evaluates `ops` (num_decisions choice indices). Returns 0, or -1 with `error` set (budget spent,
  // bad arch); the strategy should then return -1 too.
  int (*query)(void* handle, const int* ops, hwnas_query_result* out);
  // The configured value of a declared option.
  double (*option)(void* handle, const char* name);
  // A line in the run's log.
  void (*log)(void* handle, const char* message);
  // The last error of query/option, for messages.
  const char* (*error)(void* handle);
} hwnas_search_api;

// The host checks every field before use and refuses the library with a message naming it
// (search/sampling/plugin_checks.h): names are non-empty letters, digits and '_'; strings are
// non-NULL and NUL-terminated within 1,024 characters; counts are within 0..256 (strategies 1..256).
typedef struct hwnas_option_desc {
  const char* name;      // a key of the strategy section; not type, library or name
  double default_value;  // finite
  const char* help;
} hwnas_option_desc;

typedef struct hwnas_strategy_desc {
  const char* name;         // the YAML strategy.name; must not clash with registered names
  const char* description;  // one line
  const hwnas_option_desc* options;  // num_options of them (NULL only when 0)
  int num_options;
  // Runs one search. Returns 0 on success; otherwise writes a message into error (size
  // error_size, NUL-terminated) and returns non-zero. Must not throw.
  int (*run)(const hwnas_search_api* api, char* error, size_t error_size);
} hwnas_strategy_desc;

typedef uint32_t (*hwnas_plugin_abi_version_fn)(void);
typedef int (*hwnas_plugin_strategies_fn)(const hwnas_strategy_desc** out);
}

#ifdef __cplusplus
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace hwnas::plugin {

// A C++ view of the host API for plug-in authors.
class Search {
 public:
  explicit Search(const hwnas_search_api* api) : api_(api) {}
  int num_decisions() const { return api_->num_decisions; }
  int num_choices() const { return api_->num_choices; }
  uint64_t seed() const { return api_->seed; }
  bool exhausted() const { return api_->exhausted(api_->handle) != 0; }
  hwnas_query_result query(const std::vector<int>& ops) const {
    hwnas_query_result out{};
    if (static_cast<int>(ops.size()) != api_->num_decisions) {
      throw std::invalid_argument("query: expected " + std::to_string(api_->num_decisions) +
                                  " choices, got " + std::to_string(ops.size()));
    }
    if (api_->query(api_->handle, ops.data(), &out) != 0) {
      throw std::runtime_error(api_->error(api_->handle));
    }
    return out;
  }
  double option(const char* name) const { return api_->option(api_->handle, name); }
  void log(const std::string& message) const { api_->log(api_->handle, message.c_str()); }

 private:
  const hwnas_search_api* api_;
};

// Runs `body(search)` and turns any exception into the C error convention.
template <typename Body>
int run_guarded(const hwnas_search_api* api, char* error, size_t error_size, Body body) {
  try {
    Search search(api);
    body(search);
    return 0;
  } catch (const std::exception& e) {
    std::snprintf(error, error_size, "%s", e.what());
  } catch (...) {
    std::snprintf(error, error_size, "unknown exception");
  }
  return -1;
}

}  // namespace hwnas::plugin
#endif
