#include <gtest/gtest.h>

#include "support/error_of.h"

#include <cmath>
#include <functional>
#include <random>

#include "core/error.h"
#include "costmodels/stats.h"

namespace hwnas {
namespace {

using testing::error_of;

// Expected values computed independently with Debian 12's python3-scipy 1.10.1:
//   /usr/bin/python3 -c 'import scipy.stats as s; x=[...]; y=[...];
//     print(repr(s.kendalltau(x,y,variant="b").statistic), repr(s.pearsonr(x,y).statistic),
//           repr(s.spearmanr(x,y).statistic))'
struct Pinned {
  const char* name;
  std::vector<double> x, y;
  double tau_b, pearson, spearman;
};

std::vector<Pinned> pinned() {
  return {
      {"no_ties", {1, 2, 3, 4, 5, 6, 7, 8}, {2, 1, 4, 3, 6, 5, 8, 7},
       0.7142857142857142, 0.9047619047619045, 0.9047619047619048},
      {"ties_in_both", {1, 2, 2, 3, 3, 3, 4, 5, 5, 6}, {3, 1, 2, 2, 5, 4, 4, 6, 6, 5},
       0.6173309979059936, 0.7561001062031496, 0.7843903202730563},
      {"floats_ties_negative",
       {0.5, 1.25, -3.0, 2.0, 2.0, 7.5, 0.5, 4.0, -1.0, 2.0, 3.25, 0.5},
       {10.0, 3.5, -2.0, 3.5, 1.0, 8.0, 0.0, 4.0, -1.0, 9.0, 3.5, 2.0},
       0.5367450401216932, 0.5777987577540931, 0.6071583460737409},
      {"reversed", {1, 2, 3, 4, 5}, {5, 4, 3, 2, 1}, -0.9999999999999999, -1.0, -0.9999999999999999},
      {"balanced_ties", {1, 1, 2, 2}, {1, 2, 1, 2}, 0.0, 0.0, 0.0},
  };
}

TEST(Stats, MatchesScipyOnPinnedVectors) {
  for (const auto& p : pinned()) {
    EXPECT_NEAR(kendall_tau_b(p.x, p.y), p.tau_b, 1e-14) << p.name;
    EXPECT_NEAR(pearson(p.x, p.y), p.pearson, 1e-14) << p.name;
    EXPECT_NEAR(spearman(p.x, p.y), p.spearman, 1e-14) << p.name;
  }
}

// n = 3000 with heavy ties (101 x levels, ~130 y levels), deterministic so scipy sees the same:
//   x=[(i*37)%101 for i in range(3000)]; y=[(i*37)%101 + (i*53)%31 for i in range(3000)]
TEST(Stats, MatchesScipyOnALargeTiedSample) {
  std::vector<double> x, y;
  for (int i = 0; i < 3000; ++i) {
    x.push_back((i * 37) % 101);
    y.push_back((i * 37) % 101 + (i * 53) % 31);
  }
  EXPECT_NEAR(kendall_tau_b(x, y), 0.8185590241032692, 1e-13);
  EXPECT_NEAR(pearson(x, y), 0.9560075893362494, 1e-13);
  EXPECT_NEAR(spearman(x, y), 0.9587026514736448, 1e-13);
}

// Ranks come from a radix sort of the values' bits: signs, -0 == +0 and tiny gaps must order right.
TEST(Stats, RanksOrderSignsZerosAndCloseValues) {
  EXPECT_EQ(average_ranks({0.0, -0.0, -1.5, 1e-300, -1e-300, -2e300, 2e300, 1.0, 1.0 + 1e-15}),
            (std::vector<double>{4.5, 4.5, 2, 6, 3, 1, 9, 7, 8}));
}

TEST(Stats, AverageRanksMatchScipyRankdata) {
  // scipy.stats.rankdata([0.5,1.25,-3.0,2.0,2.0,7.5,0.5,4.0,-1.0,2.0,3.25,0.5])
  EXPECT_EQ(average_ranks({0.5, 1.25, -3.0, 2.0, 2.0, 7.5, 0.5, 4.0, -1.0, 2.0, 3.25, 0.5}),
            (std::vector<double>{4, 6, 1, 8, 8, 12, 4, 11, 2, 8, 10, 4}));
}

// The O(n log n) tau-b must equal the O(n^2) definition exactly (same integer counts).
TEST(Stats, TauBAgreesWithQuadraticDefinition) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 20; ++trial) {
    std::uniform_int_distribution<int> value(0, 1 + trial);
    std::vector<double> x(200), y(200);
    for (size_t i = 0; i < x.size(); ++i) {
      x[i] = value(rng);
      y[i] = value(rng) + (trial % 2 ? x[i] : 0);
    }
    long long concordant = 0, discordant = 0, only_x = 0, only_y = 0;
    for (size_t i = 0; i < x.size(); ++i)
      for (size_t j = i + 1; j < x.size(); ++j) {
        const double dx = x[i] - x[j], dy = y[i] - y[j];
        if (dx * dy > 0) ++concordant;
        if (dx * dy < 0) ++discordant;
        if (dx != 0 && dy == 0) ++only_x;
        if (dx == 0 && dy != 0) ++only_y;
      }
    const double expected = (concordant - discordant) /
                            std::sqrt(double(concordant + discordant + only_x) *
                                      double(concordant + discordant + only_y));
    EXPECT_NEAR(kendall_tau_b(x, y), expected, 1e-14) << "trial " << trial;
  }
}

TEST(Stats, ConstantInputIsNaNAsInScipy) {
  EXPECT_TRUE(std::isnan(kendall_tau_b({1, 1, 1}, {1, 2, 3})));
  EXPECT_TRUE(std::isnan(pearson({1, 2, 3}, {4, 4, 4})));
  EXPECT_TRUE(std::isnan(spearman({1, 1}, {1, 2})));
}

TEST(Stats, CorrelateSkipsUnknownRows) {
  const double nan = std::nan("");
  // Dropping the NaN rows leaves the "ties_in_both" vectors.
  const std::vector<double> x = {1, nan, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7};
  const std::vector<double> y = {3, 9, 1, 2, 2, 5, 4, 4, 6, 6, 5, nan};
  const auto r = correlate(Correlation::KendallTauB, x, y);
  EXPECT_EQ(r.count, 10u);
  EXPECT_NEAR(r.value, 0.6173309979059936, 1e-14);
  EXPECT_NEAR(correlate(Correlation::Spearman, x, y).value, 0.7843903202730563, 1e-14);
  EXPECT_NEAR(correlate(Correlation::Pearson, x, y).value, 0.7561001062031496, 1e-14);
}

TEST(Stats, MatrixEqualsPairwiseCorrelations) {
  const double nan = std::nan("");
  const std::vector<double> a = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<double> b = {2, 1, 4, 3, 6, 5, 8, 7};
  const std::vector<double> c = {5, nan, 2, 2, 9, 1, nan, 3};
  for (Correlation kind : {Correlation::Pearson, Correlation::Spearman, Correlation::KendallTauB}) {
    const auto m = correlation_matrix(kind, {&a, &b, &c});
    EXPECT_NEAR(m.value[0][0], 1.0, 1e-15);
    EXPECT_EQ(m.count[0][2], 6u);
    EXPECT_EQ(m.value[1][2], m.value[2][1]);
    EXPECT_NEAR(m.value[0][1], correlate(kind, a, b).value, 1e-15) << to_string(kind);
    EXPECT_NEAR(m.value[1][2], correlate(kind, b, c).value, 1e-15) << to_string(kind);
  }
}

TEST(Stats, ErrorsNameTheProblem) {
  EXPECT_EQ(error_of([] { kendall_tau_b({1, 2}, {1}); }),
            "kendall_tau_b: x has 2 values, y has 1; expected equal lengths");
  EXPECT_EQ(error_of([] { pearson({1, std::nan("")}, {1, 2}); }),
            "pearson: x[1] is nan; expected a finite number");
  EXPECT_EQ(error_of([] { spearman({1}, {1}); }),
            "spearman: 1 values; a correlation needs at least 2");
  EXPECT_EQ(error_of([] { parse_correlation("cosine"); }),
            "unknown correlation 'cosine'; known: pearson, spearman, kendall");
}

}  // namespace
}  // namespace hwnas
