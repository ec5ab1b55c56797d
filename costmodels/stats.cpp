#include "costmodels/stats.h"

#include <tbb/parallel_for.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

#include "core/error.h"
#include "core/strings.h"

namespace hwnas {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_pair(const char* what, const std::vector<double>& x, const std::vector<double>& y,
                bool allow_nan, size_t min_size = 2) {
  if (x.size() != y.size()) {
    throw InputError(std::string(what) + ": x has " + std::to_string(x.size()) + " values, y has " +
                     std::to_string(y.size()) + "; expected equal lengths");
  }
  for (const auto* v : {&x, &y}) {
    for (size_t i = 0; i < v->size(); ++i) {
      const double value = (*v)[i];
      if (std::isinf(value) || (!allow_nan && std::isnan(value))) {
        throw InputError(std::string(what) + ": " + (v == &x ? "x" : "y") + "[" +
                         std::to_string(i) + "] is " + format_double(value) +
                         "; expected a finite number");
      }
    }
  }
  if (!allow_nan && x.size() < min_size) {
    throw InputError(std::string(what) + ": " + std::to_string(x.size()) +
                     " values; a correlation needs at least " + std::to_string(min_size));
  }
}

// Dense ranks 0..levels-1 of the known values (equal values share a rank, gaps never occur);
// -1 for NaN. Order-preserving, so the ranks of a full column stay valid on any subset of rows:
// the cross-device matrix ranks each column once.
struct DenseRanks {
  std::vector<int32_t> rank;
  int32_t levels = 0;
};

// Order-preserving map of a double onto an unsigned integer (sign bit flipped for positives, all
// bits for negatives; -0 and +0 equal), so values can be radix-sorted.
uint64_t sortable_bits(double value) {
  if (value == 0) value = 0;  // -0 -> +0
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return (bits >> 63) ? ~bits : bits | (uint64_t{1} << 63);
}

DenseRanks dense_ranks(const std::vector<double>& x) {
  DenseRanks out;
  out.rank.assign(x.size(), -1);
  // LSD radix sort of (key, row) with 11-bit digits, skipping digits every key shares: 2-3x faster
  // than std::sort here, and the ranks are most of the cost of one tau-b.
  std::vector<uint64_t> keys, keys_tmp;
  std::vector<uint32_t> rows, rows_tmp;
  keys.reserve(x.size());
  rows.reserve(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) continue;
    keys.push_back(sortable_bits(x[i]));
    rows.push_back(static_cast<uint32_t>(i));
  }
  const size_t n = keys.size();
  keys_tmp.resize(n);
  rows_tmp.resize(n);
  constexpr int kBits = 11;
  constexpr uint64_t kMask = (uint64_t{1} << kBits) - 1;
  std::vector<uint32_t> count(size_t{1} << kBits);
  for (int shift = 0; shift < 64 && n > 0; shift += kBits) {
    std::fill(count.begin(), count.end(), 0u);
    for (size_t i = 0; i < n; ++i) ++count[(keys[i] >> shift) & kMask];
    if (count[(keys[0] >> shift) & kMask] == n) continue;  // all keys share this digit
    uint32_t sum = 0;
    for (auto& c : count) sum += std::exchange(c, sum);
    for (size_t i = 0; i < n; ++i) {
      const uint32_t at = count[(keys[i] >> shift) & kMask]++;
      keys_tmp[at] = keys[i];
      rows_tmp[at] = rows[i];
    }
    keys.swap(keys_tmp);
    rows.swap(rows_tmp);
  }
  for (size_t k = 0; k < n; ++k) {
    if (k > 0 && keys[k] != keys[k - 1]) ++out.levels;
    out.rank[rows[k]] = out.levels;
  }
  if (n > 0) ++out.levels;
  return out;
}

int64_t tie_pairs(int64_t group) { return group * (group - 1) / 2; }

// Knight (1966): sort by (x, y), then count the discordant pairs as the swaps a merge sort of the
// y sequence makes. rx, ry: dense ranks of the n complete rows.
double tau_b_of_ranks(const std::vector<int32_t>& rx, int32_t levels_x,
                      const std::vector<int32_t>& ry, int32_t levels_y) {
  const size_t n = rx.size();
  if (n < 2) return kNaN;
  // Counting sorts (stable): by y, then by x, give (x, y) order in O(n + levels).
  std::vector<uint32_t> count(static_cast<size_t>(std::max(levels_x, levels_y)) + 1);
  std::vector<uint32_t> by_y(n), by_xy(n);
  auto counting_sort = [&](const std::vector<int32_t>& key, int32_t levels, const uint32_t* in,
                           uint32_t* out) {
    std::fill(count.begin(), count.begin() + levels + 1, 0u);
    for (size_t i = 0; i < n; ++i) ++count[key[in ? in[i] : i] + 1];
    for (int32_t l = 0; l < levels; ++l) count[l + 1] += count[l];
    for (size_t i = 0; i < n; ++i) {
      const uint32_t row = in ? in[i] : static_cast<uint32_t>(i);
      out[count[key[row]]++] = row;
    }
  };
  counting_sort(ry, levels_y, nullptr, by_y.data());
  counting_sort(rx, levels_x, by_y.data(), by_xy.data());

  // Ties in x (n1), in both (n3), then the y sequence in (x, y) order.
  int64_t n1 = 0, n3 = 0;
  std::vector<int32_t> ys(n), buffer(n);
  int64_t run_x = 1, run_xy = 1;
  ys[0] = ry[by_xy[0]];
  for (size_t i = 1; i < n; ++i) {
    const uint32_t a = by_xy[i - 1], b = by_xy[i];
    ys[i] = ry[b];
    if (rx[a] == rx[b]) {
      ++run_x;
      if (ry[a] == ry[b]) {
        ++run_xy;
      } else {
        n3 += tie_pairs(run_xy);
        run_xy = 1;
      }
    } else {
      n1 += tie_pairs(run_x);
      n3 += tie_pairs(run_xy);
      run_x = run_xy = 1;
    }
  }
  n1 += tie_pairs(run_x);
  n3 += tie_pairs(run_xy);

  // Bottom-up merge sort of ys counting the pairs it puts in order (strict inversions only:
  // equal y values are taken from the left first and never counted).
  int64_t swaps = 0;
  // Insertion sort of short blocks first (each shift is one inverted pair), then merges.
  constexpr size_t kBlock = 32;
  for (size_t lo = 0; lo < n; lo += kBlock) {
    const size_t hi = std::min(lo + kBlock, n);
    for (size_t i = lo + 1; i < hi; ++i) {
      const int32_t v = ys[i];
      size_t j = i;
      while (j > lo && ys[j - 1] > v) {
        ys[j] = ys[j - 1];
        --j;
      }
      swaps += static_cast<int64_t>(i - j);
      ys[j] = v;
    }
  }
  for (size_t width = kBlock; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      const size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        if (ys[i] <= ys[j]) {
          buffer[k++] = ys[i++];
        } else {
          swaps += static_cast<int64_t>(mid - i);
          buffer[k++] = ys[j++];
        }
      }
      while (i < mid) buffer[k++] = ys[i++];
      while (j < hi) buffer[k++] = ys[j++];
    }
    ys.swap(buffer);
  }
  int64_t n2 = 0, run_y = 1;
  for (size_t i = 1; i < n; ++i) {
    if (ys[i] == ys[i - 1]) {
      ++run_y;
    } else {
      n2 += tie_pairs(run_y);
      run_y = 1;
    }
  }
  n2 += tie_pairs(run_y);

  const int64_t n0 = tie_pairs(static_cast<int64_t>(n));
  const double denominator = std::sqrt(static_cast<double>(n0 - n1) * static_cast<double>(n0 - n2));
  if (denominator == 0) return kNaN;
  return static_cast<double>(n0 - n1 - n2 + n3 - 2 * swaps) / denominator;
}

// Average ranks (1-based) of the rows' dense ranks: ties get the mean of the positions they span.
std::vector<double> average_ranks_of(const std::vector<int32_t>& r, int32_t levels) {
  std::vector<double> first(static_cast<size_t>(levels) + 1, 0);
  for (int32_t v : r) first[v + 1] += 1;
  // first[l] = number of rows below level l; the tied block occupies positions first+1..first+c.
  std::vector<double> mean(levels);
  double below = 0;
  for (int32_t l = 0; l < levels; ++l) {
    const double c = first[l + 1];
    mean[l] = below + (c + 1) / 2;
    below += c;
  }
  std::vector<double> out(r.size());
  for (size_t i = 0; i < r.size(); ++i) out[i] = mean[r[i]];
  return out;
}

double pearson_unchecked(const double* x, const double* y, size_t n) {
  if (n < 2) return kNaN;
  // Two passes (centre, then multiply) keep the result exact enough for ranks and raw costs alike.
  const Eigen::Map<const Eigen::ArrayXd> ax(x, static_cast<Eigen::Index>(n));
  const Eigen::Map<const Eigen::ArrayXd> ay(y, static_cast<Eigen::Index>(n));
  const Eigen::ArrayXd cx = ax - ax.mean();
  const Eigen::ArrayXd cy = ay - ay.mean();
  const double sxx = cx.square().sum(), syy = cy.square().sum();
  if (sxx == 0 || syy == 0) return kNaN;
  return std::clamp((cx * cy).sum() / std::sqrt(sxx * syy), -1.0, 1.0);
}

// Rows where both ranks are known, as two rank vectors.
void complete_rows(const DenseRanks& a, const DenseRanks& b, std::vector<int32_t>& ra,
                   std::vector<int32_t>& rb) {
  ra.clear();
  rb.clear();
  for (size_t i = 0; i < a.rank.size(); ++i) {
    if (a.rank[i] >= 0 && b.rank[i] >= 0) {
      ra.push_back(a.rank[i]);
      rb.push_back(b.rank[i]);
    }
  }
}

// Rank-based correlations of two pre-ranked columns over their complete rows.
PairedCorrelation rank_correlation(Correlation kind, const DenseRanks& a, const DenseRanks& b) {
  std::vector<int32_t> ra, rb;
  complete_rows(a, b, ra, rb);
  PairedCorrelation out;
  out.count = ra.size();
  if (kind == Correlation::KendallTauB) {
    out.value = tau_b_of_ranks(ra, a.levels, rb, b.levels);
  } else {
    const auto xa = average_ranks_of(ra, a.levels), xb = average_ranks_of(rb, b.levels);
    out.value = pearson_unchecked(xa.data(), xb.data(), xa.size());
  }
  return out;
}

PairedCorrelation pearson_complete(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> cx, cy;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isnan(x[i]) && !std::isnan(y[i])) {
      cx.push_back(x[i]);
      cy.push_back(y[i]);
    }
  }
  return {pearson_unchecked(cx.data(), cy.data(), cx.size()), cx.size()};
}

}  // namespace

std::vector<double> average_ranks(const std::vector<double>& x) {
  check_pair("average_ranks", x, x, /*allow_nan=*/false, /*min_size=*/0);
  const DenseRanks r = dense_ranks(x);
  return average_ranks_of(r.rank, r.levels);
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair("pearson", x, y, /*allow_nan=*/false);
  return pearson_unchecked(x.data(), y.data(), x.size());
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair("spearman", x, y, /*allow_nan=*/false);
  return rank_correlation(Correlation::Spearman, dense_ranks(x), dense_ranks(y)).value;
}

double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
  check_pair("kendall_tau_b", x, y, /*allow_nan=*/false);
  const DenseRanks rx = dense_ranks(x), ry = dense_ranks(y);
  return tau_b_of_ranks(rx.rank, rx.levels, ry.rank, ry.levels);
}

std::string to_string(Correlation kind) {
  switch (kind) {
    case Correlation::Pearson:
      return "pearson";
    case Correlation::Spearman:
      return "spearman";
    case Correlation::KendallTauB:
      return "kendall";
  }
  return "?";
}

Correlation parse_correlation(std::string_view name) {
  const std::string n = to_lower(trim(name));
  if (n == "pearson") return Correlation::Pearson;
  if (n == "spearman") return Correlation::Spearman;
  if (n == "kendall" || n == "tau" || n == "kendall_tau_b" || n == "tau_b") {
    return Correlation::KendallTauB;
  }
  throw InputError("unknown correlation '" + std::string(name) +
                   "'; known: pearson, spearman, kendall");
}

PairedCorrelation correlate(Correlation kind, const std::vector<double>& x,
                            const std::vector<double>& y) {
  check_pair(("correlate (" + to_string(kind) + ")").c_str(), x, y, /*allow_nan=*/true);
  if (kind == Correlation::Pearson) return pearson_complete(x, y);
  return rank_correlation(kind, dense_ranks(x), dense_ranks(y));
}

CorrelationMatrix correlation_matrix(Correlation kind,
                                     const std::vector<const std::vector<double>*>& columns) {
  const size_t k = columns.size();
  for (size_t c = 1; c < k; ++c) {
    if (columns[c]->size() != columns[0]->size()) {
      throw InputError("correlation_matrix: column " + std::to_string(c) + " has " +
                       std::to_string(columns[c]->size()) + " rows, column 0 has " +
                       std::to_string(columns[0]->size()));
    }
  }
  std::vector<DenseRanks> ranks(k);
  if (kind != Correlation::Pearson) {
    tbb::parallel_for(size_t{0}, k, [&](size_t c) { ranks[c] = dense_ranks(*columns[c]); });
  }
  std::vector<std::pair<size_t, size_t>> pairs;
  for (size_t i = 0; i < k; ++i)
    for (size_t j = i; j < k; ++j) pairs.emplace_back(i, j);

  CorrelationMatrix m;
  m.value.assign(k, std::vector<double>(k, kNaN));
  m.count.assign(k, std::vector<size_t>(k, 0));
  tbb::parallel_for(size_t{0}, pairs.size(), [&](size_t p) {
    const auto [i, j] = pairs[p];
    const PairedCorrelation r = kind == Correlation::Pearson
                                    ? pearson_complete(*columns[i], *columns[j])
                                    : rank_correlation(kind, ranks[i], ranks[j]);
    m.value[i][j] = m.value[j][i] = r.value;
    m.count[i][j] = m.count[j][i] = r.count;
  });
  return m;
}

}  // namespace hwnas
