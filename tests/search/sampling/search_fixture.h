#pragma once
// Shared pieces of the sampling-search tests: runs built from YAML text over the tables loaded
// once, and the example plug-in loaded so that its strategy joins the contract-test loop.
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "search/sampling/search_run.h"
#include "support/error_of.h"
#include "support/library_fixture.h"

namespace hwnas::testing {

inline SearchRun make_run(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  return SearchRun::from_config(Config::parse(yaml, "test.yaml", sets), shared_library());
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
