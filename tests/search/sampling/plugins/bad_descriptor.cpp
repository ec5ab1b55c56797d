// Broken plug-ins for tests: a valid library whose strategy list is wrong in one way, chosen by
// HWNAS_BAD_CASE (tests/CMakeLists.txt builds one library per case). Each must be refused with a
// message before the host touches the broken field.
#include <cstring>
#include <limits>

#include "search/plugin_api.h"

namespace {

int run(const hwnas_search_api*, char*, size_t) { return 0; }

// Each case uses one or two of these.
[[maybe_unused]] const hwnas_option_desc kOption[] = {{"depth", 3, "how deep"}};
[[maybe_unused]] const hwnas_option_desc kUnnamed[] = {{nullptr, 3, "no name"}};
[[maybe_unused]] const hwnas_option_desc kNoHelp[] = {{"depth", 3, nullptr}};
[[maybe_unused]] const hwnas_option_desc kNan[] = {
    {"depth", std::numeric_limits<double>::quiet_NaN(), "NaN"}};
[[maybe_unused]] const hwnas_option_desc kReserved[] = {{"library", 1, "the loader's key"}};
[[maybe_unused]] const hwnas_option_desc kTwice[] = {{"depth", 1, "once"}, {"depth", 2, "twice"}};
// 2,048 letters and no NUL: a name the host must not walk to its end.
[[maybe_unused]] const char* unterminated() {
  static char text[2048];
  std::memset(text, 'x', sizeof(text));
  return text;
}

struct Case {
  hwnas_strategy_desc strategies[2];
  int count;
};

Case make_case() {
  const hwnas_strategy_desc good = {"bad_case", "a strategy", kOption, 1, run};
  Case c{{good, good}, 1};
  hwnas_strategy_desc& d = c.strategies[0];
#if HWNAS_BAD_CASE == 1  // the audit's reproducer: options NULL, one option declared
  d.options = nullptr;
#elif HWNAS_BAD_CASE == 2
  d.num_options = -1;
#elif HWNAS_BAD_CASE == 3
  d.num_options = 1000000;
#elif HWNAS_BAD_CASE == 4
  d.name = nullptr;
#elif HWNAS_BAD_CASE == 5
  d.name = "";
#elif HWNAS_BAD_CASE == 6
  d.name = "my strategy";
#elif HWNAS_BAD_CASE == 7
  d.description = nullptr;
#elif HWNAS_BAD_CASE == 8
  d.run = nullptr;
#elif HWNAS_BAD_CASE == 9
  d.options = kUnnamed;
#elif HWNAS_BAD_CASE == 10
  d.options = kNoHelp;
#elif HWNAS_BAD_CASE == 11
  d.options = kNan;
#elif HWNAS_BAD_CASE == 12
  d.options = kReserved;
#elif HWNAS_BAD_CASE == 13
  d.options = kTwice;
  d.num_options = 2;
#elif HWNAS_BAD_CASE == 14
  c.count = 2;  // the same name twice
#elif HWNAS_BAD_CASE == 15
  c.count = 1000000;
#elif HWNAS_BAD_CASE == 16
  c.count = 0;
#elif HWNAS_BAD_CASE == 17
  d.name = unterminated();
#elif HWNAS_BAD_CASE == 18
  c.count = -7;
#elif HWNAS_BAD_CASE == 19
  // hwnas_plugin_strategies below
#else
#error "unknown HWNAS_BAD_CASE"
#endif
  return c;
}

const Case kCase = make_case();

}  // namespace

HWNAS_PLUGIN_EXPORT uint32_t hwnas_plugin_abi_version(void) { return HWNAS_PLUGIN_ABI_VERSION; }
HWNAS_PLUGIN_EXPORT int hwnas_plugin_strategies(const hwnas_strategy_desc** out) {
#if HWNAS_BAD_CASE == 19  // a count, but the list left NULL
  *out = nullptr;
  return 1;
#else
  *out = kCase.strategies;
  return kCase.count;
#endif
}
