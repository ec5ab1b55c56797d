#include <gtest/gtest.h>

#include "core/pareto.h"
#include "search/sampling/search_fixture.h"

namespace hwnas {
namespace {

using testing::make_run;

const char* kParetoConfig =
    "strategy: {type: nsga2, population_size: 40}\n"
    "objective: {type: pareto, metrics: [edgegpu_latency]}\n"
    "budget: {queries: 1000}\n";

TEST(Nsga2, FoundFrontIsNonDominatedAndKnown) {
  const SearchRun run = make_run(kParetoConfig);
  const SearchResult r = run.run_seed(/*seed=*/0);
  ASSERT_GE(r.front.size(), 3u);
  std::vector<std::vector<double>> points;
  for (int i : r.front) {
    ASSERT_TRUE(r.history[i].eval.known);
    points.push_back(run.objective().pareto_point(r.history[i].eval));
  }
  EXPECT_EQ(pareto_front(points).size(), points.size()) << "a front member is dominated";
  // No queried arch dominates a front member.
  for (const auto& q : r.history) {
    if (!q.eval.known) continue;
    const auto p = run.objective().pareto_point(q.eval);
    for (const auto& f : points) {
      const bool dominates = p[0] <= f[0] && p[1] <= f[1] && (p[0] < f[0] || p[1] < f[1]);
      EXPECT_FALSE(dominates);
    }
  }
}

TEST(Nsga2, HypervolumeGrowsAndStaysBelowTheTrueFront) {
  const SearchRun run = make_run(kParetoConfig);
  const SearchResult r = run.run_seed(/*seed=*/0);
  const TableOptimum& t = run.optimum();
  ASSERT_TRUE(t.available);
  EXPECT_GT(t.hypervolume, 0.5);
  EXPECT_LE(r.hypervolume, t.hypervolume + 1e-12);
  // Hypervolume regret after 40 (the random initial population), 200 and 1000 queries.
  EXPECT_GT(r.regret_after(40), r.regret_after(200));
  EXPECT_GT(r.regret_after(200), r.regret_after(1000));
  EXPECT_NEAR(t.hypervolume - r.regret_after(1000), r.hypervolume, 1e-12);
}

TEST(Nsga2, BeatsRandomSearchOnHypervolume) {
  double nsga2 = 0, random = 0;
  const auto a = make_run(kParetoConfig).run_seeds({0, 1, 2, 3, 4, 5, 6, 7});
  for (const auto& r : a) nsga2 += r.final_regret();
  const SearchRun random_run = make_run(
      "strategy: {type: random}\nobjective: {type: pareto, metrics: [edgegpu_latency]}\n"
      "budget: {queries: 1000}\n");
  for (const auto& r : random_run.run_seeds({0, 1, 2, 3, 4, 5, 6, 7})) random += r.final_regret();
  EXPECT_LT(nsga2, random);
}

TEST(Nsga2, ThreeObjectives) {
  const SearchRun run = make_run(
      "strategy: {type: nsga2}\nobjective: {type: pareto, metrics: [raspi4_latency, fpga_latency]}\n"
      "budget: {queries: 500}\n");
  const SearchResult r = run.run_seed(/*seed=*/2);
  EXPECT_GT(r.hypervolume, 0);
  EXPECT_LT(r.final_regret(), r.regret_after(50));
}

}  // namespace
}  // namespace hwnas
