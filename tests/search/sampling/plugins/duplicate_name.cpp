// A broken plug-in for tests: its strategy takes the name of a built-in one.
#include "search/plugin_api.h"

namespace {
int run(const hwnas_search_api*, char*, size_t) { return 0; }
const hwnas_strategy_desc kStrategies[] = {{"random", "clashes with the built-in", nullptr, 0, run}};
}  // namespace

HWNAS_PLUGIN_EXPORT uint32_t hwnas_plugin_abi_version(void) { return HWNAS_PLUGIN_ABI_VERSION; }
HWNAS_PLUGIN_EXPORT int hwnas_plugin_strategies(const hwnas_strategy_desc** out) {
  *out = kStrategies;
  return 1;
}
