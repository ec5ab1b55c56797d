// The zero_cost evaluator and hwnas_score on generated images: sampling searches over it in both
// spaces, the same scores on any thread count, score tables written and read back, searches that
// never read the accuracy table, and bad keys refused with one line.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/config.h"
#include "core/paths.h"
#include "costmodels/cost_library.h"
#include "search/sampling/search_run.h"
#include "search/zero_cost/score_table.h"
#include "search/zero_cost/zero_cost_evaluator.h"
#include "search/zero_cost/zero_cost_scorer.h"
#include "support/error_of.h"
#include "support/library_fixture.h"
#include "support/mirrored_tables.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::shared_library;
using testing::TempDir;

// Tiny inputs: 2 batches of 8 generated 32x32 images.
const std::string kInputs =
    "batch_size: 8, batches: 2, threads: 1, data: {dataset: synthetic, synthetic_size: 32}";

std::string search_config(const std::string& space, const std::string& evaluator_keys,
                          int queries = 8, const std::string& inputs = kInputs) {
  const std::string metric = space == "nb201" ? "fpga_latency" : "edgegpu_latency";
  const std::string limit = space == "nb201" ? "2.9" : "30";
  return "space: " + space + "\n" + (space == "fbnet" ? "setting: cifar10\n" : "") +
         "objective: {type: constrained, metric: " + metric + ", limit: " + limit +
         "}\n"
         "budget: {queries: " +
         std::to_string(queries) +
         "}\n"
         "strategy: {type: evolution, population_size: 4, sample_size: 2}\n"
         "evaluator: {type: zero_cost, " +
         evaluator_keys + ", " + inputs + "}\n";
}

SearchRun run_of(const std::string& yaml,
                 std::shared_ptr<const CostLibrary> library = shared_library()) {
  register_zero_cost_evaluator();
  return SearchRun::from_config(Config::parse(yaml, "<test>"), std::move(library));
}

TEST(ZeroCostEvaluator, RanksAnEvolutionOverNb201AndWritesItsScores) {
  const auto run = run_of(search_config("nb201", "proxy: [naswot, synflow], reference_archs: 6"));
  EXPECT_NE(
      run.evaluator().describe().find("rank combination of the zero-cost proxies naswot, synflow"),
      std::string::npos)
      << run.evaluator().describe();
  const auto result = run.run_seed(0);
  ASSERT_EQ(result.history.size(), 8u);
  int feasible = 0;
  std::set<double> scores;
  for (const auto& q : result.history) {
    if (!q.feasible) {
      EXPECT_TRUE(std::isnan(q.eval.accuracy)) << "an arch over the limit is not scored";
      continue;
    }
    ++feasible;
    EXPECT_GT(q.eval.accuracy, 0.0);
    EXPECT_LT(q.eval.accuracy, 100.0);
    scores.insert(q.eval.accuracy);
  }
  ASSERT_GT(feasible, 1);
  EXPECT_GT(scores.size(), 1u) << "every arch scored alike";
  const auto& evaluator = dynamic_cast<const ZeroCostEvaluator&>(run.evaluator());
  const auto files = evaluator.run_files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].first, "zero_cost_scores.csv");
  EXPECT_EQ(files[0].second.substr(0, files[0].second.find('\n')), "index,arch,naswot,synflow");
  const std::string usage = evaluator.usage_report();
  EXPECT_NE(usage.find("zero-cost evaluator: " + std::to_string(feasible) + " scored queries"),
            std::string::npos)
      << usage;
}

TEST(ZeroCostEvaluator, ScoresFbnetChildNets) {
  const auto run = run_of(search_config("fbnet", "proxy: zico, reference_archs: 3", 4));
  const auto result = run.run_seed(0);
  ASSERT_EQ(result.history.size(), 4u);
  const auto& evaluator = dynamic_cast<const ZeroCostEvaluator&>(run.evaluator());
  const auto raw = evaluator.raw_scores(result.history[0].arch);
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_TRUE(std::isfinite(raw[0])) << raw[0];
}

TEST(ZeroCostScorer, GivesTheSameScoresOnOneAndTwoThreadsAndInAnyOrder) {
  ZeroCostInputs inputs;
  inputs.batch_size = 8;
  inputs.data.dataset = "synthetic";
  inputs.data.synthetic_size = 32;
  const std::vector<Proxy> proxies(all_proxies());
  // Archs whose every proxy is defined (a cell whose output receives only `none` has no gradient).
  const std::vector<Arch> archs = {
      parse_nb201_string("|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|"
                         "nor_conv_3x3~2|"),
      parse_nb201_string("|skip_connect~0|+|none~0|nor_conv_3x3~1|+|nor_conv_1x1~0|avg_pool_3x3~1|"
                         "skip_connect~2|"),
      parse_nb201_string(
          "|avg_pool_3x3~0|+|nor_conv_1x1~0|none~1|+|none~0|none~1|nor_conv_3x3~2|")};
  inputs.threads = 1;
  const ZeroCostScorer one(inputs, Space::NB201, "cifar10", proxies);
  std::vector<std::vector<double>> first;
  for (const auto& a : archs) first.push_back(one.score(a));
  // Reversed order on the same scorer: bit-identical (each arch starts from the seed).
  for (size_t i = archs.size(); i-- > 0;) {
    const auto again = one.score(archs[i]);
    for (size_t p = 0; p < proxies.size(); ++p) {
      ASSERT_TRUE(std::isfinite(first[i][p]))
          << to_string(proxies[p]) << " of " << arch_to_string(archs[i]);
      EXPECT_EQ(again[p], first[i][p]) << to_string(proxies[p]);
    }
  }
  inputs.threads = 2;
  const ZeroCostScorer two(inputs, Space::NB201, "cifar10", proxies);
  for (size_t i = 0; i < archs.size(); ++i) {
    const auto scores = two.score(archs[i]);
    for (size_t p = 0; p < proxies.size(); ++p) {
      // Another thread count sums in another order: float rounding only.
      EXPECT_NEAR(scores[p], first[i][p], 1e-3 * std::max(1.0, std::abs(first[i][p])))
          << to_string(proxies[p]) << " of " << arch_to_string(archs[i]);
    }
  }
}

TEST(ZeroCostEvaluator, ReadsAScoreTableThatHwnasScoreWrote) {
  const TempDir dir("zero_cost_table");
  const std::string score = std::string(HWNAS_SCORE_BIN) +
                            " --space nb201 --archs 12 --proxies params,naswot --batch 8"
                            " --dataset synthetic --out " +
                            (dir / "t");
  const auto first = testing::run_command(score + " 2>&1");
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("| naswot | 12 |"), std::string::npos) << first.output;
  const std::string csv = read_text_file(dir / "t/scores.csv");
  // Rerun: every row is there already, none is scored again, the table is unchanged.
  const auto again = testing::run_command(score + " 2>&1");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("12 archs already scored"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("0 archs scored in this call"), std::string::npos) << again.output;
  EXPECT_EQ(read_text_file(dir / "t/scores.csv"), csv);
  // Other inputs into the same folder: refused.
  const auto other = testing::run_command(score + " --seed 3 2>&1");
  EXPECT_EQ(other.status, 2) << other.output;
  EXPECT_NE(other.output.find("holds scores of other inputs"), std::string::npos) << other.output;

  const auto table = ScoreTable::load(dir / "t/scores.csv", Space::NB201);
  EXPECT_EQ(table.size(), 12u);
  // hwnas_score's inputs: 256 generated images (its default), batch 8.
  const std::string inputs = "batch_size: 8, threads: 1, data: {dataset: synthetic}";
  const std::string keys = "proxy: naswot, table: " + (dir / "t/scores.csv");
  const auto run = run_of(search_config("nb201", keys, 8, inputs));
  EXPECT_NE(run.evaluator().describe().find("percentile among 12 archs of"), std::string::npos)
      << run.evaluator().describe();
  const auto result = run.run_seed(0);
  const auto& evaluator = dynamic_cast<const ZeroCostEvaluator&>(run.evaluator());
  // An arch of the table gets the table's score; the others are computed with the same inputs.
  for (const auto& q : result.history) {
    if (!q.feasible) continue;
    const auto stored = table.find(q.arch, Proxy::Naswot);
    if (stored) {
      EXPECT_EQ(evaluator.raw_scores(q.arch)[0], *stored);
    }
  }
  EXPECT_NE(evaluator.usage_report().find("read from the table"), std::string::npos);

  // Archs the table lacks would be computed from other inputs: refused.
  const std::string mismatch =
      error_of([&] { run_of(search_config("nb201", keys, 8, inputs + ", seed: 3")); });
  EXPECT_NE(
      mismatch.find(
          "was scored on nb201 cifar10; 2 batches of 8 synthetic (256) training images, seed 0"),
      std::string::npos)
      << mismatch;
  EXPECT_NE(mismatch.find("this evaluator's inputs are nb201 cifar10; 2 batches of 8 synthetic "
                          "(256) training images, seed 3"),
            std::string::npos)
      << mismatch;
  // A table of the other space, a table without the proxy.
  EXPECT_NE(error_of([&] {
              run_of(search_config("fbnet", "proxy: naswot, table: " + (dir / "t/scores.csv"), 8,
                                   inputs));
            })
                .find("evaluator.table: " + (dir / "t/scores.csv") +
                      ": line 2 holds an nb201 arch; this search is over fbnet"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] {
        run_of(search_config("nb201", "proxy: zico, table: " + (dir / "t/scores.csv"), 8, inputs));
      }).find("has no zico column"),
      std::string::npos);
}

TEST(ZeroCostEvaluator, TheFoundArchDoesNotDependOnTheAccuracyTable) {
  const TempDir dir("zero_cost_blind");
  const auto mirrored = CostLibrary::load(testing::tables_with_mirrored_accuracy(dir));
  const std::string yaml =
      search_config("nb201", "proxy: [params, naswot], reference_archs: 4", 10);
  const auto real = run_of(yaml).run_seed(0);
  const auto blind = run_of(yaml, mirrored).run_seed(0);
  ASSERT_EQ(blind.history.size(), real.history.size());
  for (size_t q = 0; q < real.history.size(); ++q) {
    EXPECT_EQ(arch_to_string(blind.history[q].arch), arch_to_string(real.history[q].arch)) << q;
  }
  EXPECT_EQ(blind.best, real.best);
}

TEST(ZeroCostEvaluator, RefusesBadKeysWithOneLineNamingTheKey) {
  const auto message = [](const std::string& keys) {
    return error_of([&] { run_of(search_config("nb201", keys)); });
  };
  EXPECT_NE(message("proxy: fisher").find("evaluator.proxy"), std::string::npos)
      << message("proxy: fisher");
  EXPECT_NE(message("proxy: fisher").find("unknown zero-cost proxy 'fisher'"), std::string::npos);
  EXPECT_NE(message("proxy: [naswot, naswot]").find("lists naswot twice"), std::string::npos);
  EXPECT_NE(message("reference_archs: 2").find("evaluator.proxy"), std::string::npos);
  const std::string zero_batch = error_of([] {
    register_zero_cost_evaluator();
    SearchRun::from_config(
        Config::parse(
            "space: nb201\nobjective: {type: constrained, metric: fpga_latency, limit: 2.9}\n"
            "evaluator: {type: zero_cost, proxy: naswot, batch_size: 0}\n",
            "<test>"),
        shared_library());
  });
  EXPECT_NE(zero_batch.find("evaluator.batch_size"), std::string::npos) << zero_batch;
  EXPECT_NE(zero_batch.find("must be in 1..4096"), std::string::npos) << zero_batch;
  EXPECT_EQ(zero_batch.find('\n'), std::string::npos) << zero_batch;
  EXPECT_NE(message("proxy: naswot, init: xavier").find("evaluator.init"), std::string::npos);
  EXPECT_NE(message("proxy: naswot, table: /nonexistent/scores.csv")
                .find("evaluator.table: /nonexistent/scores.csv"),
            std::string::npos);
}

}  // namespace
}  // namespace hwnas
