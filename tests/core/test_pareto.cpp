#include <gtest/gtest.h>

#include "support/error_of.h"

#include <cmath>
#include <functional>
#include <random>

#include "core/error.h"
#include "core/pareto.h"

namespace hwnas {
namespace {

using Points = std::vector<std::vector<double>>;

using testing::error_of;

// The definition, checked pair by pair: the reference the fast paths must agree with.
std::vector<size_t> brute_front(const Points& p) {
  std::vector<size_t> front;
  for (size_t i = 0; i < p.size(); ++i) {
    bool keep = true;
    for (size_t k = 0; k < p.size(); ++k) {
      bool le = true, lt = false;
      for (size_t j = 0; j < p[i].size(); ++j) {
        le = le && p[k][j] <= p[i][j];
        lt = lt || p[k][j] < p[i][j];
      }
      if ((le && lt) || (k < i && p[k] == p[i])) keep = false;
    }
    if (keep) front.push_back(i);
  }
  return front;
}

// A hand-made (latency, -accuracy) table: latency minimised, accuracy maximised.
//   idx  latency  accuracy
//    0     1.0      70      front (fastest)
//    1     2.0      80      front
//    2     2.0      75      dominated by 1 (same latency, lower accuracy)
//    3     3.0      80      dominated by 1 (slower, same accuracy)
//    4     4.0      90      front
//    5     2.0      80      duplicate of 1: kept once, as index 1
//    6     5.0      89      dominated by 4
//    7     6.0      91      front (most accurate)
TEST(Pareto, HandMadeTwoObjectiveTable) {
  const Points p = {{1, -70}, {2, -80}, {2, -75}, {3, -80}, {4, -90}, {2, -80}, {5, -89}, {6, -91}};
  EXPECT_EQ(pareto_front(p), (std::vector<size_t>{0, 1, 4, 7}));
  EXPECT_EQ(pareto_ranks(p), (std::vector<int>{0, 0, 1, 1, 0, 0, 1, 0}));
}

TEST(Pareto, ThreeObjectivesAndDuplicates) {
  const Points p = {{1, 2, 3}, {3, 2, 1}, {1, 2, 3}, {2, 2, 2}, {2, 3, 2}, {0, 5, 5}, {1, 2, 4}};
  // 2 duplicates 0; 4 is dominated by 3; 6 by 0.
  EXPECT_EQ(pareto_front(p), (std::vector<size_t>{0, 1, 3, 5}));
}

TEST(Pareto, OneObjectiveKeepsLowestIndexOfTheMinimum) {
  EXPECT_EQ(pareto_front({{3}, {1}, {2}, {1}}), (std::vector<size_t>{1}));
}

TEST(Pareto, EmptyInput) {
  EXPECT_TRUE(pareto_front({}).empty());
  EXPECT_EQ(hypervolume({}, {1, 1}), 0.0);
}

TEST(Pareto, FastPathsAgreeWithDefinitionOnRandomTablesWithTies) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> value(0, 9);  // small range: many ties and duplicates
  for (int m : {2, 3, 4}) {
    for (int trial = 0; trial < 50; ++trial) {
      Points p(60, std::vector<double>(m));
      for (auto& row : p)
        for (auto& v : row) v = value(rng);
      ASSERT_EQ(pareto_front(p), brute_front(p)) << "m=" << m << " trial=" << trial;
    }
  }
}

TEST(Pareto, RejectsRaggedAndNonFiniteRows) {
  EXPECT_EQ(error_of([] { pareto_front({{1, 2}, {3}}); }),
            "pareto_front: row 1 has 1 objectives, row 0 has 2");
  EXPECT_EQ(error_of([] { pareto_front({{1, 2}, {3, std::nan("")}}); }),
            "pareto_front: row 1, objective 1 is nan; expected a finite number");
}

TEST(Hypervolume, TwoObjectivesExact) {
  // Front (1,3), (2,2), (3,1) against reference (4,4): staircase of 3 + 2 + 1 = 6 unit squares.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 6.0);
  // Dominated points, duplicates and points outside the reference box change nothing.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {2, 2}, {5, 0}, {0, 4}}, {4, 4}), 6.0);
  EXPECT_DOUBLE_EQ(hypervolume({{0.5, 0.25}}, {1, 1}), 0.375);
}

TEST(Hypervolume, ThreeObjectivesExact) {
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 0}}, {2, 3, 4}), 24.0);
  // Two boxes [1,3]x[0,3]x[0,3] (18) and [0,3]x[1,3]x[1,3] (12) overlapping in
  // [1,3]x[1,3]x[1,3] (8): union 22.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 0, 0}, {0, 1, 1}}, {3, 3, 3}), 22.0);
}

TEST(Hypervolume, ThreeObjectivesMatchesMonteCarloFreeGridCount) {
  // Integer points in a 6^3 grid: count the unit cells dominated by some point exactly.
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> value(0, 5);
  Points p(12, std::vector<double>(3));
  for (auto& row : p)
    for (auto& v : row) v = value(rng);
  int cells = 0;
  for (int x = 0; x < 6; ++x)
    for (int y = 0; y < 6; ++y)
      for (int z = 0; z < 6; ++z) {
        bool covered = false;
        for (const auto& q : p) covered = covered || (q[0] <= x && q[1] <= y && q[2] <= z);
        cells += covered;
      }
  EXPECT_DOUBLE_EQ(hypervolume(p, {6, 6, 6}), cells);
}

TEST(Hypervolume, NamesTheLimits) {
  EXPECT_EQ(error_of([] { hypervolume({{1, 1, 1, 1}}, {2, 2, 2, 2}); }),
            "hypervolume: 4 objectives; exact hypervolume is implemented for 1, 2 and 3 objectives");
  EXPECT_EQ(error_of([] { hypervolume({{1, 1}}, {2, 2, 2}); }),
            "hypervolume: points have 2 objectives, the reference point has 3");
}

}  // namespace
}  // namespace hwnas
