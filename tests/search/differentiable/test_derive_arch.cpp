// The rule that reads the final arch off the alphas, pinned on crafted distributions: argmax (with
// and without `none`), and the most probable arch that meets a limit, exact on NB201 (checked
// against all 15,625 archs) and on FBNet's additive costs; a hard-constrained search ends feasible.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "core/paths.h"
#include "core/strings.h"
#include "search/differentiable/cost_loss.h"
#include "search/differentiable/derive_arch.h"
#include "search/differentiable/supernet_fixture.h"
#include "support/error_of.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::library;

CostLoss loss_on(Space space, const std::string& metric) {
  CostLossOptions o;
  o.metrics = {metric};
  o.weights = {1.0};
  return CostLoss(o, library(), space, space == Space::NB201 ? "cifar10" : "cifar10");
}

// Each slot prefers `favourite` (probability 0.6), the rest share 0.4 unevenly.
std::vector<std::vector<double>> favouring(int slots, int choices, int favourite) {
  std::vector<std::vector<double>> probs(slots, std::vector<double>(choices, 0));
  for (int s = 0; s < slots; ++s) {
    double rest = 0.4;
    for (int c = 0; c < choices; ++c) {
      if (c == favourite) continue;
      probs[s][c] = rest / 2;  // 0.2, 0.1, 0.05, ...: distinct, so the optimum is unique
      rest /= 2;
    }
    probs[s][favourite] = 0.6 + rest;
  }
  return probs;
}

double log_probability(const std::vector<std::vector<double>>& probs, const Arch& arch) {
  double score = 0;
  for (size_t s = 0; s < arch.ops.size(); ++s) score += std::log(probs[s][arch.ops[s]]);
  return score;
}

TEST(DeriveArch, ArgmaxAndArgmaxWithoutNone) {
  auto probs = favouring(6, 5, /*favourite=*/0);  // `none` everywhere
  EXPECT_EQ(derive_arch(Space::NB201, probs, {"argmax", false}).ops, std::vector<int>(6, 0));
  // Without none: the second most probable op, 1 (skip_connect, 0.2).
  EXPECT_EQ(derive_arch(Space::NB201, probs, {"argmax", true}).ops, std::vector<int>(6, 1));
}

TEST(DeriveArch, MostProbableFeasibleIsExactOnNb201) {
  const CostLoss cost = loss_on(Space::NB201, "fpga_latency");
  const double limit = 2.90576;  // the 25th percentile of fpga_latency over the space
  const auto probs = favouring(6, 5, /*favourite=*/3);  // nor_conv_3x3 everywhere: too slow
  const Arch argmax = derive_arch(Space::NB201, probs, {"argmax", false});
  ASSERT_GT(cost.cost(argmax), limit);
  for (bool without_none : {false, true}) {
    const Arch found = derive_arch(Space::NB201, probs, {"most_probable_feasible", without_none}, &cost, limit);
    EXPECT_LE(cost.cost(found), limit);
    // No feasible arch (without none: none that avoids it) is more probable.
    double best = -INFINITY;
    for (int code = 0; code < kNb201Archs; ++code) {
      const Arch a = nb201_from_code(code);
      if (without_none && std::count(a.ops.begin(), a.ops.end(), 0) > 0) continue;
      if (cost.cost(a) <= limit) best = std::max(best, log_probability(probs, a));
    }
    EXPECT_DOUBLE_EQ(log_probability(probs, found), best);
    if (without_none) {
      EXPECT_EQ(std::count(found.ops.begin(), found.ops.end(), 0), 0);
    }
  }
  // A limit above the argmax arch's cost keeps the argmax.
  EXPECT_EQ(derive_arch(Space::NB201, probs, {"most_probable_feasible", false}, &cost, 100.0), argmax);
  EXPECT_EQ(error_of([&] { derive_arch(Space::NB201, probs, {"most_probable_feasible", false}, &cost, 0.01); }),
            "cost.target 0.01: no architecture meets it (the cheapest allowed one costs " +
                format_double(cost.cost(nb201_from_code(0))) + "); raise the target");
}

TEST(DeriveArch, MostProbableFeasibleOnFbnetMeetsTheLimitAndBeatsRandomFeasibleArchs) {
  const CostLoss cost = loss_on(Space::FBNet, "edgegpu_latency");
  const auto probs = favouring(22, 9, /*favourite=*/7);  // k5_e6 everywhere: the slowest
  const Arch argmax = derive_arch(Space::FBNet, probs, {"argmax", false});
  const Arch cheap{Space::FBNet, std::vector<int>(22, 8)};  // all skip
  const double limit = 0.5 * (cost.cost(argmax) + cost.cost(cheap));
  const Arch found = derive_arch(Space::FBNet, probs, {"most_probable_feasible", false}, &cost, limit);
  EXPECT_LE(cost.cost(found), limit);
  EXPECT_GT(cost.cost(found), 0.98 * limit);  // it spends the budget on probable ops
  std::mt19937 rng(5);
  for (int trial = 0; trial < 2000; ++trial) {
    Arch a{Space::FBNet, std::vector<int>(22)};
    for (int& op : a.ops) op = std::uniform_int_distribution<int>(0, 8)(rng);
    if (cost.cost(a) <= limit) {
      EXPECT_LE(log_probability(probs, a), log_probability(probs, found));
    }
  }
  EXPECT_EQ(derive_arch(Space::FBNet, probs, {"most_probable_feasible", false}, &cost, 1e6), argmax);
}

TEST(DeriveArch, AHardConstrainedSearchEndsFeasible) {
  const testing::TempDir dir("derive_search");
  for (const char* strategy : {"proxylessnas", "fbnet_dnas"}) {
    SCOPED_TRACE(strategy);
    const double target = 2.6;  // below most archs' fpga_latency
    const auto options = testing::options_from(testing::tiny(
        "nb201", strategy, "cost: {metrics: [fpga_latency], target: " + format_double(target) + "}\n"));
    const auto result = SupernetSearch(options, testing::shared_library()).run(dir / strategy, false);
    EXPECT_LE(result.arch_cost, target);
    EXPECT_TRUE(std::filesystem::exists(dir / strategy + "/arch.json"));
  }
  std::string yaml = testing::tiny("nb201", "proxylessnas", "");
  yaml.replace(yaml.find("{type: proxylessnas}"), 20, "{type: proxylessnas, derive: most_probable_feasible}");
  EXPECT_NE(error_of([&] { testing::options_from(yaml); })
                .find("bad value strategy.derive = most_probable_feasible (<test>:"),
            std::string::npos);
}

}  // namespace
}  // namespace hwnas
