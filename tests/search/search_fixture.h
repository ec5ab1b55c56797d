#pragma once
// Shared pieces of the search tests: the tables loaded once, runs built from YAML text over them,
// and the example plug-in loaded so that its strategy joins the contract-test loop.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "costmodels/cost_library.h"
#include "search/search_run.h"

namespace hwnas::testing {

inline std::shared_ptr<const CostLibrary> shared_library() {
  static const auto loaded = CostLibrary::load();
  return loaded;
}

inline SearchRun make_run(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  return SearchRun::from_config(Config::parse(yaml, "test.yaml", sets), shared_library());
}

inline std::string error_text(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Registers the strategies of experiments/custom_strategy (built by the test build).
inline void load_example_plugin() {
  static const bool loaded = [] {
    make_run(std::string("strategy: {type: plugin, library: ") + HWNAS_EXAMPLE_PLUGIN +
             ", name: annealing}\nobjective: {limit: 5}\nbudget: {queries: 1}\n");
    return true;
  }();
  (void)loaded;
}

}  // namespace hwnas::testing
