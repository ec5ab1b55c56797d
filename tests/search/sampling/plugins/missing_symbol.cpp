// A broken plug-in for tests: declares its ABI version but no strategy list.
#include "search/plugin_api.h"

HWNAS_PLUGIN_EXPORT uint32_t hwnas_plugin_abi_version(void) { return HWNAS_PLUGIN_ABI_VERSION; }
