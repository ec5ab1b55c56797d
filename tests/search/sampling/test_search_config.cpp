// Search configs: the shipped YAML files build and run, bad ones give the documented errors, and
// hwnas_search writes its run folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/run_command.h"
#include "search/sampling/search_fixture.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::make_run;

const std::string kSource = HWNAS_SOURCE_DIR;

TEST(SearchConfig, EveryShippedConfigBuilds) {
  std::vector<std::string> files = {kSource + "/configs/quickstart.yaml"};
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/configs/nb201")) {
    // Supernet configs (proxylessnas, fbnet_dnas) are checked by test_search_training.
    const std::string name = entry.path().filename().string();
    if (name.rfind("proxylessnas", 0) == 0 || name.rfind("fbnet_dnas", 0) == 0) continue;
    files.push_back(entry.path().string());
  }
  ASSERT_GE(files.size(), 5u);
  for (const auto& file : files) {
    SCOPED_TRACE(file);
    const Config config = Config::load(file, {"budget.queries=50"});
    const SearchRun run = SearchRun::from_config(config, testing::shared_library());
    EXPECT_EQ(run.run_seed(/*seed=*/0).history.size(), 50u);
  }
}

TEST(SearchConfig, QuickstartFindsAFeasibleArchCloseToTheTableBest) {
  const Config config = Config::load(kSource + "/configs/quickstart.yaml");
  const SearchRun run = SearchRun::from_config(config, testing::shared_library());
  const SearchResult r = run.run_seed(/*seed=*/0);
  ASSERT_GE(r.best, 0);
  EXPECT_LE(r.history[r.best].eval.costs[0], 5.0);
  EXPECT_LT(r.final_regret(), 1.0);  // accuracy points
}

TEST(SearchConfig, DocumentedErrors) {
  register_builtin_strategies();
  EXPECT_EQ(error_of([] { make_run("strategy: {type: evolutoin}\nobjective: {limit: 5}\n"); }),
            "unknown strategy.type 'evolutoin' (test.yaml:1:18); registered: annealing, "
            "evolution, local_search, nsga2, plugin, random, reinforce");
  EXPECT_EQ(error_of([] {
              make_run("objective: {limit: 5}\nstrategy:\n  type: evolution\n  popsize: 10\n");
            }),
            "unknown key 'popsize' in strategy (test.yaml:4:3); known: type, population_size, "
            "sample_size, reuse_evaluations");
  EXPECT_EQ(error_of([] { make_run("objective: {type: constrained}\n"); }),
            "missing key objective.limit (default): required when objective.type is constrained "
            "(the cost limit in the metric's unit: ms for latency, mJ for energy)");
  EXPECT_EQ(error_of([] { make_run("objective: {limit: 5}\nstrategy: {type: nsga2}\n"); }),
            "bad value strategy.type = nsga2 (test.yaml:2:18): strategy 'nsga2' does not handle "
            "objective.type constrained (nsga2 needs objective.type pareto)");
  EXPECT_EQ(error_of([] { make_run("objective: {type: pareto}\nstrategy: {type: evolution}\n"); }),
            "bad value strategy.type = evolution (test.yaml:2:18): strategy 'evolution' does not "
            "handle objective.type pareto (use nsga2, random or a plugin)");
  EXPECT_EQ(error_of([] { make_run("objective: {metric: edgegpu_latncy, limit: 5}\n"); }),
            "bad value objective.metric = edgegpu_latncy (test.yaml:1:21): 'edgegpu_latncy' is not "
            "a device metric; expected DEVICE_METRIC with METRIC one of latency, energy, "
            "arithmetic_intensity (e.g. edgegpu_latency; --list shows them all)");
  EXPECT_EQ(error_of([] { make_run("objective: {metric: edgegpu2_latency, limit: 5}\n"); }),
            "bad value objective.metric = edgegpu2_latency (test.yaml:1:21): nb201 has no metric "
            "'edgegpu2_latency'; known: edgegpu_latency, edgegpu_energy, raspi4_latency, "
            "edgetpu_latency, pixel3_latency, eyeriss_latency, eyeriss_energy, "
            "eyeriss_arithmetic_intensity, fpga_latency, fpga_energy, 1080ti_1_latency, "
            "1080ti_256_latency, 1080ti_32_latency, 2080ti_1_latency, 2080ti_256_latency, "
            "2080ti_32_latency, essential_ph_1_latency, gold_6226_latency, gold_6240_latency, "
            "pixel2_latency, samsung_a50_latency, samsung_s7_latency, silver_4114_latency, "
            "silver_4210r_latency, titan_rtx_1_latency, titan_rtx_256_latency, "
            "titan_rtx_32_latency, titanx_1_latency, titanx_256_latency, titanx_32_latency, "
            "titanxp_1_latency, titanxp_256_latency, titanxp_32_latency");
  EXPECT_EQ(error_of([] { make_run("objective: {limit: 0.1}\n"); }),
            "bad value objective.limit = 0.1 (test.yaml:1:20): no arch of the table satisfies it "
            "(3070 archs have an unknown cost)");
  EXPECT_EQ(error_of([] {
              make_run("objective: {limit: 5}\nbudget: {time_model: {metric: edgegpu_latency}}\n");
            }),
            "bad value budget.time_model.metric = edgegpu_latency (test.yaml:2:31): the "
            "training-time proxy needs a complete metric; edgegpu_latency knows 12555 of 15625 archs");
  EXPECT_EQ(error_of([] { make_run("objective: {limit: 5}\nbudget: {queries: 0}\n"); }),
            "bad value budget.queries = 0 (test.yaml:2:19): must be >= 1");
  EXPECT_EQ(error_of([] {
              make_run("objective: {type: pareto, metrics: [a_latency, b_latency, c_latency]}\n"
                       "strategy: {type: nsga2}\n");
            }),
            "bad value objective.metrics = [a_latency, b_latency, c_latency] (test.yaml:1:36): "
            "must name 1 or 2 cost metrics (the hypervolume is exact up to 3 objectives with "
            "accuracy)");
}

TEST(SearchConfig, SeedListsAndCheckpoints) {
  EXPECT_EQ(parse_seed_list("0-3"), (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(parse_seed_list("1,5,7-8"), (std::vector<uint64_t>{1, 5, 7, 8}));
  EXPECT_EQ(error_of([] { parse_seed_list("3-1"); }),
            "bad seed list '3-1': '3-1' is empty or negative; expected e.g. 7, 0-99 or 1,2,10-12");
  EXPECT_EQ(regret_checkpoints(1000), (std::vector<int>{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}));
  EXPECT_EQ(regret_checkpoints(300), (std::vector<int>{1, 2, 5, 10, 20, 50, 100, 200, 300}));
}

TEST(SearchCli, WritesTheRunFolder) {
  const std::string dir = ::testing::TempDir() + "/hwnas_search_cli_test";
  std::filesystem::remove_all(dir);
  const auto r = testing::run_command(std::string(HWNAS_SEARCH_BIN) + " --config " + kSource +
                                      "/configs/nb201/nsga2_edgegpu.yaml --set budget.queries=300 "
                                      "--out " + dir + " --log-level warn");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("found front"), std::string::npos) << r.output;
  for (const char* file : {"config.resolved.yaml", "log.txt", "metrics.csv", "arch.json",
                           "summary.txt", "pareto.csv", "true_front.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + file)) << file;
  }
  // The resolved config runs again to the same result.
  const std::string again = dir + "/again";
  const auto r2 = testing::run_command(std::string(HWNAS_SEARCH_BIN) + " --config " + dir +
                                       "/config.resolved.yaml --out " + again + " --log-level warn");
  ASSERT_EQ(r2.status, 0) << r2.output;
  std::ifstream a(dir + "/pareto.csv"), b(again + "/pareto.csv");
  const std::string ta((std::istreambuf_iterator<char>(a)), {}), tb((std::istreambuf_iterator<char>(b)), {});
  EXPECT_EQ(ta, tb);
  EXPECT_FALSE(ta.empty());
}

TEST(SearchCli, ManySeedsAndBadInput) {
  const std::string dir = ::testing::TempDir() + "/hwnas_search_cli_seeds";
  const auto r = testing::run_command(std::string(HWNAS_SEARCH_BIN) + " --config " + kSource +
                                      "/configs/quickstart.yaml --seeds 0-9 --set output.plot=false "
                                      "--out " + dir + " --log-level warn");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("mean regret"), std::string::npos) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/regret_curve.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/seeds.csv"));
  const auto bad = testing::run_command(std::string(HWNAS_SEARCH_BIN) + " --config " + kSource +
                                        "/configs/quickstart.yaml --set strategy.popsize=3 --out " +
                                        dir);
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.output.find("hwnas_search: unknown key 'popsize' in strategy (--set "
                            "strategy.popsize=3); known: type, population_size, sample_size, "
                            "reuse_evaluations"),
            std::string::npos)
      << bad.output;
  // An unknown type lists the sampling and the supernet strategies alike.
  const auto unknown = testing::run_command(std::string(HWNAS_SEARCH_BIN) + " --config " + kSource +
                                            "/configs/quickstart.yaml --set strategy.type=evolutoin");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.output.find("registered: evolution, fbnet_dnas, local_search, nsga2, plugin, "
                                "proxylessnas, random, reinforce"),
            std::string::npos)
      << unknown.output;
  const auto list = testing::run_command(std::string(HWNAS_SEARCH_BIN) + " --list");
  EXPECT_NE(list.output.find("sampling strategies"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("  proxylessnas"), std::string::npos) << list.output;
}

}  // namespace
}  // namespace hwnas
