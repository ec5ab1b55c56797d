#pragma once
// Pareto dominance on tables of objective vectors. Every objective is MINIMISED: callers negate
// what they maximise (accuracy). A point is a row of `points`; all rows have the same length m >= 1
// and finite values (InputError naming the row and column otherwise).
#include <cstddef>
#include <vector>

namespace hwnas {

// Indices of the non-dominated points, in increasing index order. A point dominates another when it
// is <= in every objective and < in at least one. Points equal in every objective are one point:
// only the lowest index is kept. O(n log n) for m = 1, 2 (sort + sweep), O(n^2 m) beyond.
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& points);

// Non-dominated sorting rank of every point (0 = the Pareto front, 1 = the front once rank 0 is
// removed, ...), as NSGA-II needs it. Unlike pareto_front, equal points share their rank.
// O(n^2 m).
std::vector<int> pareto_ranks(const std::vector<std::vector<double>>& points);

// Exact hypervolume (area for m = 2, volume for m = 3) of the region dominated by `points` and
// bounded by `reference`. `points` need not be a front: dominated points and points that are not
// strictly better than the reference in every objective add nothing. InputError for m > 3 (the
// limit of this implementation) or a reference of another length. O(n log n) for m = 2,
// O(n^2 log n) for m = 3.
double hypervolume(const std::vector<std::vector<double>>& points,
                   const std::vector<double>& reference);

}  // namespace hwnas
