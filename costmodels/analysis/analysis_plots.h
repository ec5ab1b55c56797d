#pragma once
// gnuplot figures of the hardware-cost analyses (used by run_analysis). Each call writes its data
// file(s) and script next to the PNG in `dir` and returns the file names it wrote (relative to dir).
#include <string>
#include <vector>

#include "costmodels/analysis/analysis.h"

namespace hwnas {

// Bars of Kendall tau-b (FLOPs and params) per device metric.
std::vector<std::string> plot_complexity_bars(const std::string& dir, const std::string& stem,
                                              const std::string& title,
                                              const std::vector<ComplexityCorrelation>& rows);

// Grouped bars: one group per x label, one bar per series in each group (values[series][group];
// NaN leaves a gap). Used for the device-specific search table (cost of each found arch per device).
struct GroupedBars {
  std::string stem, title, y_label;
  std::vector<std::string> groups;  // x tic labels
  std::vector<std::string> series;  // legend entries
  std::vector<std::vector<double>> values;
};
std::vector<std::string> plot_grouped_bars(const std::string& dir, const GroupedBars& bars);

// A k x k matrix in [-1, 1] as a labelled heatmap with the values printed in the cells.
std::vector<std::string> plot_heatmap(const std::string& dir, const std::string& stem,
                                      const std::string& title,
                                      const std::vector<std::string>& names,
                                      const CorrelationMatrix& matrix);

// Accuracy vs cost of every architecture (column `cost_column` of the shared data file
// `all_file`, 1-based, accuracy in column 1), this metric's Pareto front as a line, and the
// highlight metric's Pareto set as open circles at their cost on this metric.
struct AccuracyPlot {
  std::string stem, title, x_label, y_label;
  std::string all_file;
  int cost_column = 2;
  double y_min = 0;  // lower end of the y axis (the broken 10%-accuracy archs are cut off)
  std::vector<std::vector<double>> front;      // (cost, accuracy) points, by cost
  std::vector<std::vector<double>> highlight;  // (cost, accuracy) points
  std::string highlight_name;
};
std::vector<std::string> plot_accuracy_cost(const std::string& dir, const AccuracyPlot& plot);

}  // namespace hwnas
