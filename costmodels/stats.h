#pragma once
// Correlation statistics for comparing cost metrics: Pearson, Spearman (average ranks) and Kendall
// tau-b (ties handled, O(n log n) by Knight's merge-sort algorithm), matching scipy.stats
// (pearsonr, spearmanr, kendalltau(variant='b')). A correlation with a constant input is
// undefined and returned as NaN, as scipy does.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas {

// Plain forms: x and y of equal length >= 2, finite values, else InputError.
double pearson(const std::vector<double>& x, const std::vector<double>& y);
double spearman(const std::vector<double>& x, const std::vector<double>& y);
double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y);

// 1-based ranks, tied values getting the mean of their ranks (scipy.stats.rankdata 'average').
std::vector<double> average_ranks(const std::vector<double>& x);

enum class Correlation { Pearson, Spearman, KendallTauB };
std::string to_string(Correlation kind);  // "pearson", "spearman", "kendall"
Correlation parse_correlation(std::string_view name);  // also "tau", "kendall_tau_b"

struct PairedCorrelation {
  double value = 0;  // NaN when fewer than 2 complete pairs or an input is constant on them
  size_t count = 0;  // pairs used: rows where both values are known
};

// Correlation over the rows where both x and y are known; NaN marks an unknown value (the tables'
// convention). Lengths must match (InputError); infinities are InputErrors.
PairedCorrelation correlate(Correlation kind, const std::vector<double>& x,
                            const std::vector<double>& y);

// All pairs of columns (NaN = unknown, compared over the rows both know). Symmetric, diagonal 1
// (or NaN for a constant column). Kendall ranks each column once and runs the pairs in parallel.
struct CorrelationMatrix {
  std::vector<std::vector<double>> value;
  std::vector<std::vector<size_t>> count;
};
CorrelationMatrix correlation_matrix(Correlation kind,
                                     const std::vector<const std::vector<double>*>& columns);

}  // namespace hwnas
