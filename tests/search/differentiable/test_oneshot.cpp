// One-shot pieces on tiny generated data: a shared warm-up continued by a device search equals
// the search that warmed up inline; mismatched warm-ups are refused with the field named; an SPOS
// supernet serves as the accuracy evaluator of a sampling search.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "core/config.h"
#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/cost_library.h"
#include "search/differentiable/supernet_evaluator.h"
#include "search/differentiable/supernet_fixture.h"
#include "search/sampling/search_run.h"
#include "search/sampling/strategy.h"
#include "support/error_of.h"
#include "support/mirrored_tables.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::options_from;
using testing::shared_library;
using testing::tables_with_mirrored_accuracy;
using testing::TempDir;
using testing::tiny;

// Writes the resolved config like hwnas_search does, so that init.from / the evaluator find it.
void train(const std::string& yaml, const std::string& dir, const std::vector<std::string>& sets = {}) {
  const Config config = Config::parse(yaml, "<test>", sets);
  auto options = SupernetSearchOptions::read(config);
  config.check_unknown_keys();
  std::filesystem::create_directories(dir);
  write_text_file(dir + "/config.resolved.yaml", config.resolved_yaml());
  SupernetSearch(options, shared_library()).run(dir, /*resume=*/false);
}

TEST(SharedWarmup, ASearchFromTheWarmupEqualsTheInlineSearch) {
  for (const char* strategy : {"proxylessnas", "fbnet_dnas"}) {
    SCOPED_TRACE(strategy);
    const TempDir dir("warmup");
    const std::string yaml = tiny("nb201", strategy, "cost: {metrics: [fpga_latency]}\n");
    train(yaml, dir / "inline");
    train(yaml, dir / "warmup", {"strategy.type=warmup", std::string("strategy.paths=") + strategy});
    EXPECT_TRUE(std::filesystem::exists(dir / "warmup/supernet.json"));
    EXPECT_FALSE(std::filesystem::exists(dir / "warmup/arch.json"));
    train(yaml, dir / "branch", {"init.from=" + (dir / "warmup")});
    EXPECT_EQ(read_text_file(dir / "branch/arch.json"), read_text_file(dir / "inline/arch.json"));
  }
}

TEST(SharedWarmup, AMismatchedWarmupIsRefusedWithTheFieldNamed) {
  const TempDir dir("warmup_mismatch");
  const std::string yaml = tiny("nb201", "proxylessnas", "cost: {metrics: [fpga_latency]}\n");
  train(yaml, dir / "warmup", {"strategy.type=warmup"});
  const auto error_with = [&](const std::vector<std::string>& sets) {
    std::vector<std::string> all = sets;
    all.push_back("init.from=" + (dir / "warmup"));
    return error_of([&] { train(yaml, dir / "search", all); });
  };
  EXPECT_EQ(error_with({"seed=4"}),
            "init.from " + (dir / "warmup") + ": seed (it splits the images) is 3 there and 4 here; a "
            "run continues another only on the same supernet, images and schedule");
  EXPECT_NE(error_with({"space=fbnet", "cost.metrics=[edgegpu_latency]"}).find(": space is nb201 there and fbnet here"),
            std::string::npos);
  EXPECT_NE(error_with({"train.epochs=4"}).find(": train.epochs (the cosine schedule) is 3 there and 4 here"),
            std::string::npos);
  EXPECT_NE(error_with({"supernet.cells_per_stage=1"}).find(": supernet.cells_per_stage is 5 there and 1 here"),
            std::string::npos);
  EXPECT_NE(error_with({"data.synthetic_size=48"}).find(": data.synthetic_size is 32 there and 48 here"),
            std::string::npos);
  // A source that trained as long as this run would leaves it nothing to do.
  EXPECT_NE(error_with({"strategy.type=warmup"}).find("has trained 1 epochs; this run trains 1, so "
                                                      "nothing would be left to do"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { train(yaml, dir / "x", {"init.from=" + (dir / "missing")}); }),
            "init.from: " + (dir / "missing") + " is not a supernet run folder (no config.resolved.yaml)");
}

// A proxy supernet (one cell per stage, fewer channels) trains and its checkpoint serves the
// evaluator; the size is for NB201 only.
TEST(SupernetShape, AProxyNb201SupernetTrainsAndServesTheEvaluator) {
  const TempDir dir("proxy");
  const std::string yaml = tiny("nb201", "spos", "supernet: {channels: 8, cells_per_stage: 1}\n");
  EXPECT_EQ(options_from(yaml).shape.nb201_cells_per_stage, 1);
  train(yaml, dir / "proxy");
  register_supernet_evaluator();
  const Config search = Config::parse(
      "space: nb201\nobjective: {type: constrained, metric: fpga_latency, limit: 3}\n"
      "budget: {queries: 4}\nstrategy: {type: random}\n"
      "evaluator: {type: supernet, checkpoint: " + (dir / "proxy") + ", images: 8, bn_batches: 1, batch_size: 4, threads: 1}\n",
      "<test>");
  const auto result = SearchRun::from_config(search, shared_library()).run_seed(0);
  EXPECT_EQ(result.history.size(), 4u);
  EXPECT_EQ(error_of([] { options_from(tiny("fbnet", "spos", "supernet: {cells_per_stage: 1}\n")); }),
            "bad value supernet = {cells_per_stage: 1} (<test>:7:11): the supernet's size can be "
            "changed for space nb201 only (FBNet's LUT keys fix its layers)");
  EXPECT_EQ(error_of([] { options_from(tiny("nb201", "spos", "supernet: {cells_per_stage: 0}\n")); }),
            "bad value supernet.cells_per_stage = 0 (<test>:7:29): must be in 1..10");
}

// supernet.weights: FBNet's only; the resolved config of either space reads back.
TEST(SupernetShape, SharedWeightsAreAnFbnetOption) {
  EXPECT_EQ(options_from(tiny("fbnet", "spos", "")).shape.fbnet_weights, "separate");
  EXPECT_EQ(options_from(tiny("fbnet", "spos", "supernet: {weights: shared}\n")).shape.fbnet_weights, "shared");
  EXPECT_EQ(error_of([] { options_from(tiny("nb201", "spos", "supernet: {weights: shared}\n")); }),
            "bad value supernet.weights = shared (<test>:7:21): shares candidate weights in space "
            "fbnet only (NB201's candidates have no common shape)");
  EXPECT_NE(error_of([] { options_from(tiny("fbnet", "spos", "supernet: {weights: tied}\n")); }).find("supernet.weights"),
            std::string::npos);
}

TEST(SupernetEvaluator, AnSposSupernetScoresArchsForASamplingSearch) {
  const TempDir dir("spos_evaluator");
  const std::string spos =
      "space: nb201\nseed: 2\nthreads: 1\n"
      "data: {dataset: synthetic, synthetic_size: 96, augment: false, arch_fraction: 0.25}\n"
      "train: {epochs: 2, batch_size: 8, steps_per_epoch: 6, eval_batches: 1, log_every: 1000}\n"
      "strategy: {type: spos}\n";
  train(spos, dir / "spos");
  const auto supernet_json = nlohmann::json::parse(read_text_file(dir / "spos/supernet.json"));
  EXPECT_EQ(supernet_json["strategy"], "spos");
  EXPECT_EQ(supernet_json["epochs"], 2);

  register_supernet_evaluator();
  const std::string search =
      "space: nb201\nobjective: {type: constrained, metric: raspi4_latency, limit: 20}\n"
      "budget: {queries: 20}\nstrategy: {type: evolution, population_size: 4, sample_size: 2}\n"
      "evaluator: {type: supernet, checkpoint: " + (dir / "spos") +
      ", images: 24, bn_batches: 2, batch_size: 8, threads: 1}\n";
  const auto run = SearchRun::from_config(Config::parse(search, "<test>"), shared_library());
  EXPECT_FALSE(run.optimum().available);  // a supernet is not enumerated
  const auto result = run.run_seed(0);
  ASSERT_EQ(result.history.size(), 20u);
  const auto raspi = shared_library()->model(Space::NB201, "cifar10", parse_cost_key("raspi4_latency"));
  std::set<double> accuracies;
  int infeasible = 0;
  for (const auto& q : result.history) {
    EXPECT_EQ(q.eval.costs[0], raspi->cost(q.arch));
    EXPECT_EQ(q.feasible, q.eval.costs[0] <= 20);
    if (!q.feasible) {  // over the limit: not scored on the supernet
      EXPECT_TRUE(std::isnan(q.eval.accuracy));
      ++infeasible;
      continue;
    }
    EXPECT_GE(q.eval.accuracy, 0.0);
    EXPECT_LE(q.eval.accuracy, 100.0);
    accuracies.insert(q.eval.accuracy);
  }
  EXPECT_GT(infeasible, 0) << "the limit should reject some of 20 archs";
  EXPECT_GT(accuracies.size(), 1u) << "every arch scored alike: the path selection has no effect";
  const auto& scored = dynamic_cast<const SupernetEvaluator&>(run.evaluator());
  EXPECT_NE(scored.usage_report().find("supernet evaluator: " + std::to_string(20 - infeasible) + " scored"),
            std::string::npos)
      << scored.usage_report();
  ASSERT_GE(result.best, 0);

  // An arch's score does not depend on what was evaluated before it (fixed BN batches), and the
  // cache returns what a fresh evaluation gives.
  const auto& evaluator = dynamic_cast<const SupernetEvaluator&>(run.evaluator());
  const Arch a = nb201_from_code(100), b = nb201_from_code(9000);
  const double a_first = evaluator.supernet_accuracy(a);
  evaluator.supernet_accuracy(b);
  EXPECT_EQ(evaluator.supernet_accuracy(a), a_first);
  EXPECT_EQ(evaluator.evaluate(a).accuracy, a_first);
  EXPECT_EQ(evaluator.evaluate(a).accuracy, a_first);
  EXPECT_NE(evaluator.usage_report().find("from the cache"), std::string::npos);

  // The supernet must be of the searched space.
  EXPECT_NE(error_of([&] {
              SearchRun::from_config(Config::parse(search + "setting: cifar10\n", "<test>",
                                                   {"space=fbnet", "objective.metric=edgegpu_latency"}),
                                     shared_library());
            }).find("trained a nb201 supernet; this search is over fbnet"),
            std::string::npos);
}

// Over a trained FBNet supernet (22 decisions x 9 choices) every built-in sampling strategy runs:
// the space is searchable by all of them, not by the tables' NB201 alone.
TEST(SupernetEvaluator, EverySamplingStrategySearchesTheFbnetSpace) {
  const TempDir dir("fbnet_supernet");
  train(tiny("fbnet", "spos", ""), dir / "spos");
  register_supernet_evaluator();
  register_builtin_strategies();
  const std::string evaluator = "evaluator: {type: supernet, checkpoint: " + (dir / "spos") +
                                ", images: 8, bn_batches: 1, batch_size: 4, threads: 1}\n";
  for (const auto& name : StrategyRegistry::global().names()) {
    if (name == "plugin") continue;  // the loader type (test_plugins.cpp)
    SCOPED_TRACE(name);
    const bool pareto = name == "nsga2";
    const std::string yaml =
        "space: fbnet\nsetting: cifar10\nbudget: {queries: 6}\nstrategy: {type: " + name +
        (name == "evolution" ? ", population_size: 3, sample_size: 2" : "") +
        (pareto ? ", population_size: 4" : "") + "}\n" +
        (pareto ? "objective: {type: pareto, metrics: [edgegpu_latency]}\n"
                : "objective: {type: constrained, metric: edgegpu_latency, limit: 30}\n") + evaluator;
    const auto run = SearchRun::from_config(Config::parse(yaml, "<test>"), shared_library());
    const auto result = run.run_seed(1);
    ASSERT_EQ(result.history.size(), 6u);
    for (const auto& q : result.history) {
      EXPECT_EQ(q.arch.space, Space::FBNet);
      EXPECT_EQ(q.arch.ops.size(), 22u);
      EXPECT_TRUE(q.eval.known);
    }
  }
}

// The shipped one-shot configs: stage 1 reads as a supernet run, stage 2 builds a sampling search
// over a (tiny, generated) supernet of the right space in place of the real one.
TEST(SupernetEvaluator, EveryShippedOneShotConfigBuilds) {
  const TempDir dir("oneshot_configs");
  std::map<std::string, std::string> supernets;
  for (const char* space : {"nb201", "fbnet"}) {
    const std::string run = dir / (std::string(space) + "-spos");
    train(tiny(space, "spos", ""), run);
    supernets[space] = run;
  }
  register_supernet_evaluator();
  int built = 0;
  for (const char* folder : {"nb201-oneshot", "table5-oneshot", "oneshot_quality"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(HWNAS_SOURCE_DIR) + "/configs/" + folder)) {
      SCOPED_TRACE(entry.path().string());
      const std::string path = entry.path().string();
      const std::string file = entry.path().filename().string();
      if (file.rfind("spos", 0) == 0 || file == "warmup.yaml") {  // the shared supernet trainings
        const Config config = Config::load(path);
        EXPECT_FALSE(SupernetSearchOptions::read(config).algorithm->searches_architecture());
        EXPECT_NO_THROW(config.check_unknown_keys());
        continue;
      }
      // The supernet searches of oneshot_quality read in test_supernet_search.cpp.
      if (file.rfind("evolution", 0) != 0) continue;
      const std::string space = Config::load(path).root().get_string("space", "nb201");
      // The tabular references of oneshot_quality have no evaluator section.
      const auto sets = file.rfind("evolution_tabular", 0) == 0
                            ? std::vector<std::string>{}
                            : std::vector<std::string>{"evaluator.checkpoint=" + supernets.at(space),
                                                       "evaluator.images=8", "evaluator.bn_batches=1",
                                                       "evaluator.batch_size=4"};
      const auto run = SearchRun::from_config(Config::load(path, sets), shared_library());
      EXPECT_EQ(run.evaluator().space().name, space);
      ++built;
    }
  }
  EXPECT_EQ(built, 13);  // 5 + oneshot_quality's 4 supernet and 4 tabular evolutions
}

// experiments/oneshot_quality grades the one-shot searches with the accuracy table afterwards, so
// none of them may read it: with the CIFAR-10 column mirrored, ProxylessNAS, FBNet-DNAS (GDAS) and
// evolution over a supernet evaluator find the same archs; only the reported accuracy moves.
TEST(OneShotSearches, TheFoundArchDoesNotDependOnTheAccuracyTable) {
  const TempDir dir("accuracy_blind");
  const auto mirrored = CostLibrary::load(tables_with_mirrored_accuracy(dir));
  const std::string cost = "cost: {metrics: [fpga_latency], form: none, target: 2.9, dual_step: 0.5}\n";
  for (const auto& [strategy, keys] : std::vector<std::pair<std::string, std::string>>{
           {"proxylessnas", "arch_lr: 0.05"}, {"fbnet_dnas", "hard: true, arch_lr: 0.05"}}) {
    SCOPED_TRACE(strategy);
    const auto options = options_from(tiny("nb201", strategy, cost, keys));
    const auto real = SupernetSearch(options, shared_library()).run(dir / (strategy + "_real"), false);
    const auto blind = SupernetSearch(options, mirrored).run(dir / (strategy + "_mirrored"), false);
    EXPECT_EQ(arch_to_string(blind.arch), arch_to_string(real.arch));
    EXPECT_EQ(blind.probabilities, real.probabilities);
    EXPECT_DOUBLE_EQ(blind.table_accuracy, 100.0 - real.table_accuracy);  // the copy was read
  }

  train(tiny("nb201", "spos", ""), dir / "spos");
  register_supernet_evaluator();
  const std::string search =
      "space: nb201\nobjective: {type: constrained, metric: fpga_latency, limit: 2.9}\n"
      "budget: {queries: 12}\nstrategy: {type: evolution, population_size: 4, sample_size: 2}\n"
      "evaluator: {type: supernet, checkpoint: " + (dir / "spos") +
      ", images: 8, bn_batches: 1, batch_size: 4, threads: 1}\n";
  const auto real = SearchRun::from_config(Config::parse(search, "<test>"), shared_library()).run_seed(0);
  const auto blind = SearchRun::from_config(Config::parse(search, "<test>"), mirrored).run_seed(0);
  ASSERT_EQ(blind.history.size(), real.history.size());
  for (size_t q = 0; q < real.history.size(); ++q) {
    EXPECT_EQ(arch_to_string(blind.history[q].arch), arch_to_string(real.history[q].arch)) << q;
    // An arch over the limit is not scored (NaN) in either run.
    const double real_accuracy = real.history[q].eval.accuracy;
    if (std::isnan(real_accuracy)) {
      EXPECT_TRUE(std::isnan(blind.history[q].eval.accuracy)) << q;
    } else {
      EXPECT_EQ(blind.history[q].eval.accuracy, real_accuracy) << q;
    }
  }
}

}  // namespace
}  // namespace hwnas
