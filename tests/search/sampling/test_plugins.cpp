// Plug-in strategies: the worked example loads and runs; broken libraries give clear errors.
#include <gtest/gtest.h>

#include "search/sampling/strategy.h"
#include "search/sampling/search_fixture.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::make_run;

std::string plugin_config(const std::string& library, const std::string& name) {
  return "strategy: {type: plugin, library: " + library + ", name: " + name +
         "}\nobjective: {limit: 5}\nbudget: {queries: 300}\n";
}

TEST(Plugins, ExampleLoadsRunsAndWritesItsOptions) {
  const Config config = Config::parse(plugin_config(HWNAS_EXAMPLE_PLUGIN, "annealing"), "p.yaml",
                                      {"strategy.cooling=0.99"});
  const SearchRun run = SearchRun::from_config(config, testing::shared_library());
  EXPECT_EQ(run.strategy().name(), "annealing");
  const SearchResult r = run.run_seed(/*seed=*/0);
  EXPECT_EQ(r.history.size(), 300u);
  EXPECT_GE(r.best, 0);
  EXPECT_LT(r.final_regret(), 3.0);
  const std::string resolved = config.resolved_yaml();
  EXPECT_NE(resolved.find("  cooling: 0.99\n"), std::string::npos) << resolved;
  EXPECT_NE(resolved.find("  initial_temperature: 2\n"), std::string::npos) << resolved;
  // Loading the same library again reuses it (no duplicate-name error).
  EXPECT_NO_THROW(make_run(plugin_config(HWNAS_EXAMPLE_PLUGIN, "annealing")));
  // Once loaded, its strategy is a registered type of its own.
  EXPECT_EQ(StrategyRegistry::global().origin("annealing"),
            std::string("plugin ") + HWNAS_EXAMPLE_PLUGIN);
}

TEST(Plugins, UnknownOptionOfAPluginIsAnError) {
  EXPECT_EQ(error_of([] {
              make_run(plugin_config(HWNAS_EXAMPLE_PLUGIN, "annealing"), {"strategy.colling=0.9"});
            }),
            "unknown key 'colling' in strategy (--set strategy.colling=0.9); known: type, library, "
            "name, initial_temperature, cooling, restart_after");
}

TEST(Plugins, MissingFile) {
  EXPECT_EQ(error_of([] { make_run(plugin_config("/nonexistent/libx.so", "x")); }),
            "bad value strategy.library = /nonexistent/libx.so (test.yaml:1:35): plugin library "
            "'/nonexistent/libx.so' not found");
}

TEST(Plugins, MissingSymbol) {
  const std::string lib = HWNAS_BAD_PLUGIN_MISSING_SYMBOL;
  EXPECT_EQ(error_of([&] { make_run(plugin_config(lib, "x")); }),
            "bad value strategy.library = " + lib + " (test.yaml:1:35): plugin library '" + lib +
                "' does not export 'hwnas_plugin_strategies' (declare it with HWNAS_PLUGIN_EXPORT "
                "from search/plugin_api.h)");
}

TEST(Plugins, AbiVersionMismatch) {
  const std::string lib = HWNAS_BAD_PLUGIN_WRONG_ABI;
  EXPECT_EQ(error_of([&] { make_run(plugin_config(lib, "x")); }),
            "bad value strategy.library = " + lib + " (test.yaml:1:35): plugin library '" + lib +
                "' was built for plugin ABI version 999, this hwnas has version 1; rebuild it "
                "against this hwnas's search/plugin_api.h");
}

TEST(Plugins, DuplicateName) {
  register_builtin_strategies();
  const std::string lib = HWNAS_BAD_PLUGIN_DUPLICATE_NAME;
  EXPECT_EQ(error_of([&] { make_run(plugin_config(lib, "random")); }),
            "bad value strategy.library = " + lib + " (test.yaml:1:35): strategy name 'random' "
            "from plugin " + lib + " is already registered by built-in; pick another name");
}

TEST(Plugins, NameNotInTheLibrary) {
  const std::string lib = HWNAS_EXAMPLE_PLUGIN;
  EXPECT_EQ(error_of([&] { make_run(plugin_config(lib, "anealing")); }),
            "bad value strategy.name = anealing (test.yaml:1:" + std::to_string(43 + lib.size()) +
                "): the library declares annealing");
}

}  // namespace
}  // namespace hwnas
