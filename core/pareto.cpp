#include "core/pareto.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/error.h"
#include "core/strings.h"

namespace hwnas {
namespace {

// Number of objectives; InputError unless every row has it and holds finite values.
size_t check_points(const std::vector<std::vector<double>>& points, const char* what) {
  if (points.empty()) return 0;
  const size_t m = points[0].size();
  if (m == 0) throw InputError(std::string(what) + ": points have no objectives (row 0 is empty)");
  for (size_t i = 0; i < points.size(); ++i) {
    if (points[i].size() != m) {
      throw InputError(std::string(what) + ": row " + std::to_string(i) + " has " +
                       std::to_string(points[i].size()) + " objectives, row 0 has " +
                       std::to_string(m));
    }
    for (size_t j = 0; j < m; ++j) {
      if (!std::isfinite(points[i][j])) {
        throw InputError(std::string(what) + ": row " + std::to_string(i) + ", objective " +
                         std::to_string(j) + " is " + format_double(points[i][j]) +
                         "; expected a finite number");
      }
    }
  }
  return m;
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool strictly = false;
  for (size_t j = 0; j < a.size(); ++j) {
    if (a[j] > b[j]) return false;
    strictly = strictly || a[j] < b[j];
  }
  return strictly;
}

// Indices sorted by (objective 0, objective 1, index): the sweep order of the 2-D algorithms, and
// the lowest index first among equal points.
std::vector<size_t> sorted_2d(const std::vector<std::vector<double>>& points) {
  std::vector<size_t> order(points.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (points[a][0] != points[b][0]) return points[a][0] < points[b][0];
    if (points[a][1] != points[b][1]) return points[a][1] < points[b][1];
    return a < b;
  });
  return order;
}

// Area dominated by `points` (2 objectives, each strictly inside the reference).
double area_2d(const std::vector<std::vector<double>>& points, double ref_x, double ref_y) {
  double area = 0;
  double best_y = ref_y;
  for (size_t i : sorted_2d(points)) {
    if (points[i][1] < best_y) {
      area += (ref_x - points[i][0]) * (best_y - points[i][1]);
      best_y = points[i][1];
    }
  }
  return area;
}

}  // namespace

std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& points) {
  const size_t m = check_points(points, "pareto_front");
  std::vector<size_t> front;
  if (points.empty()) return front;
  if (m == 1) {
    size_t best = 0;
    for (size_t i = 1; i < points.size(); ++i) {
      if (points[i][0] < points[best][0]) best = i;
    }
    return {best};
  }
  if (m == 2) {
    // In (x, y, index) order a point is non-dominated iff its y beats every y before it: an
    // earlier point has x <= and, unless y is strictly lower, dominates or duplicates it.
    double best_y = std::numeric_limits<double>::infinity();
    for (size_t i : sorted_2d(points)) {
      if (points[i][1] < best_y) {
        front.push_back(i);
        best_y = points[i][1];
      }
    }
    std::sort(front.begin(), front.end());
    return front;
  }
  for (size_t i = 0; i < points.size(); ++i) {
    bool keep = true;
    for (size_t k = 0; k < points.size() && keep; ++k) {
      // An equal point with a lower index stands for this one.
      keep = !(dominates(points[k], points[i]) || (k < i && points[k] == points[i]));
    }
    if (keep) front.push_back(i);
  }
  return front;
}

std::vector<int> pareto_ranks(const std::vector<std::vector<double>>& points) {
  check_points(points, "pareto_ranks");
  const size_t n = points.size();
  // Deb's fast non-dominated sort: count who dominates each point, peel fronts off.
  std::vector<std::vector<size_t>> dominated(n);
  std::vector<size_t> dominators(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = i + 1; k < n; ++k) {
      if (dominates(points[i], points[k])) {
        dominated[i].push_back(k);
        ++dominators[k];
      } else if (dominates(points[k], points[i])) {
        dominated[k].push_back(i);
        ++dominators[i];
      }
    }
  }
  std::vector<int> rank(n, -1);
  std::vector<size_t> current;
  for (size_t i = 0; i < n; ++i) {
    if (dominators[i] == 0) current.push_back(i);
  }
  for (int r = 0; !current.empty(); ++r) {
    std::vector<size_t> next;
    for (size_t i : current) {
      rank[i] = r;
      for (size_t k : dominated[i]) {
        if (--dominators[k] == 0) next.push_back(k);
      }
    }
    current.swap(next);
  }
  return rank;
}

double hypervolume(const std::vector<std::vector<double>>& points,
                   const std::vector<double>& reference) {
  check_points({reference}, "hypervolume reference");
  const size_t m = check_points(points, "hypervolume");
  if (points.empty()) return 0;
  if (m != reference.size()) {
    throw InputError("hypervolume: points have " + std::to_string(m) +
                     " objectives, the reference point has " + std::to_string(reference.size()));
  }
  if (m > 3) {
    throw InputError("hypervolume: " + std::to_string(m) +
                     " objectives; exact hypervolume is implemented for 1, 2 and 3 objectives");
  }
  // Only points strictly better than the reference in every objective enclose any volume.
  std::vector<std::vector<double>> inside;
  for (const auto& p : points) {
    bool in = true;
    for (size_t j = 0; j < m; ++j) in = in && p[j] < reference[j];
    if (in) inside.push_back(p);
  }
  if (inside.empty()) return 0;
  if (m == 1) {
    double best = reference[0];
    for (const auto& p : inside) best = std::min(best, p[0]);
    return reference[0] - best;
  }
  if (m == 2) return area_2d(inside, reference[0], reference[1]);

  // m == 3: sweep along the third objective; between consecutive z values the dominated region's
  // cross-section is the 2-D area of the points already passed.
  std::sort(inside.begin(), inside.end(),
            [](const std::vector<double>& a, const std::vector<double>& b) { return a[2] < b[2]; });
  double volume = 0;
  std::vector<std::vector<double>> slab;
  for (size_t i = 0; i < inside.size(); ++i) {
    slab.push_back(inside[i]);
    const double next_z = i + 1 < inside.size() ? inside[i + 1][2] : reference[2];
    if (next_z > inside[i][2]) volume += area_2d(slab, reference[0], reference[1]) * (next_z - inside[i][2]);
  }
  return volume;
}

}  // namespace hwnas
