// A broken plug-in for tests: built for a plug-in ABI this hwnas does not have.
#include "search/plugin_api.h"

HWNAS_PLUGIN_EXPORT uint32_t hwnas_plugin_abi_version(void) { return 999; }
HWNAS_PLUGIN_EXPORT int hwnas_plugin_strategies(const hwnas_strategy_desc** out) {
  *out = nullptr;
  return 0;
}
