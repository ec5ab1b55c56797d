#pragma once
// The hardware-cost analyses of the HW-NAS-Bench paper, over any MetricTable:
//   1. complexity: how well FLOPs / #params rank each device metric (Kendall tau-b, Spearman,
//      Pearson, over the architectures the metric knows);
//   2. cross-device: Kendall tau-b between every pair of device metrics;
//   3. accuracy vs cost (NB201): the Pareto-optimal architectures of each metric (min cost, max
//      accuracy) and how many of one reference device's Pareto set stay optimal elsewhere.
// run_analysis() runs them all into a folder: Markdown tables, CSV and gnuplot PNGs.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "costmodels/analysis/analysis_table.h"
#include "costmodels/stats.h"

namespace hwnas {

// ---- 1. FLOPs / params vs cost --------------------------------------------------------------
constexpr std::array<Correlation, 3> kReportedCorrelations = {
    Correlation::KendallTauB, Correlation::Spearman, Correlation::Pearson};

struct ComplexityCorrelation {
  std::string metric, unit, source;
  size_t count = 0;                // architectures with a value for the metric
  std::array<double, 3> flops{};   // in kReportedCorrelations order
  std::array<double, 3> params{};
};
std::vector<ComplexityCorrelation> complexity_correlations(const MetricTable& table);
// One row per device metric (33 columns would not fit a page), sorted as the table's columns.
std::string complexity_markdown(const MetricTable& table,
                                const std::vector<ComplexityCorrelation>& rows);
std::string complexity_csv(const std::vector<ComplexityCorrelation>& rows);

// ---- 2. cross-device correlation ------------------------------------------------------------
CorrelationMatrix cross_device_matrix(const MetricTable& table,
                                      Correlation kind = Correlation::KendallTauB);
// Columns are numbered (the names are in the row labels) so the matrix stays readable.
std::string matrix_markdown(const std::vector<std::string>& names, const CorrelationMatrix& m,
                            int decimals = 2);
std::string matrix_csv(const std::vector<std::string>& names, const CorrelationMatrix& m);

// ---- 3. accuracy vs cost --------------------------------------------------------------------
// Rows of `table` on the (min cost, max accuracy) Pareto front, over the rows with both values,
// sorted by increasing cost. Architectures equal in both are listed once (lowest row).
std::vector<size_t> accuracy_pareto_rows(const MetricColumn& cost, const MetricColumn& accuracy);

struct ParetoSummary {
  std::string metric;
  size_t count = 0;          // architectures with a cost
  size_t front_size = 0;
  size_t highlight_kept = 0;  // members of the highlight metric's front also on this front
  double tau_accuracy = 0;    // Kendall tau-b of cost vs accuracy
};
// CSV of one front: row, NB201 index (FBNet: -1), arch, cost, accuracy.
std::string pareto_csv(const MetricTable& table, const std::vector<size_t>& rows,
                       const MetricColumn& cost, const MetricColumn& accuracy);

// ---- the whole run --------------------------------------------------------------------------
struct AnalysisOptions {
  std::string out_dir = "runs/analysis";
  bool nb201 = true;
  bool fbnet = true;
  std::vector<FbnetSetting> fbnet_settings = {FbnetSetting::Cifar100, FbnetSetting::ImageNet};
  // Random archs per fbnet setting, 1..kMaxFbnetSamples: each costs a row of every metric, and
  // the cross-device and FLOPs correlations converge long before the maximum.
  static constexpr size_t kMaxFbnetSamples = 1000000;
  size_t fbnet_samples = 10000;
  uint64_t seed = 0;
  bool fbnet_help = true;  // the HELP 5,000-arch table with its 23 extra devices
  bool complexity = true;
  bool cross_device = true;
  bool pareto = true;  // NB201 only: the FBNet tables have no accuracies
  Nb201Dataset dataset = Nb201Dataset::Cifar10;
  std::string highlight = "edgegpu_latency";  // its Pareto set is marked on every other plot
  bool plots = true;

  // InputError naming the option and the rule.
  void validate() const;
};

struct AnalysisReport {
  std::string markdown;            // every table, as printed on stdout and saved as report.md
  std::vector<std::string> files;  // everything written, relative to out_dir
};

// Writes into options.out_dir (created if needed). DataError when a file cannot be written or
// gnuplot fails (plots = false skips gnuplot entirely).
AnalysisReport run_analysis(const CostLibrary& library, const AnalysisOptions& options);

}  // namespace hwnas
