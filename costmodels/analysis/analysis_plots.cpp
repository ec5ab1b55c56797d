#include "costmodels/analysis/analysis_plots.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/gnuplot.h"
#include "core/strings.h"

namespace hwnas {
namespace {

// gnuplot tic list: ("name" 0, "name" 1, ...).
std::string tic_list(const std::vector<std::string>& names) {
  std::string out = "(";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += gnuplot_quote(names[i]) + " " + std::to_string(i);
  }
  return out + ")";
}

std::vector<std::string> draw(const std::string& dir, const std::string& stem,
                              const std::string& script, std::vector<std::string> data_files) {
  write_text_file(dir + "/" + stem + ".gp", script);
  run_gnuplot(dir + "/" + stem + ".gp");
  data_files.push_back(stem + ".gp");
  data_files.push_back(stem + ".png");
  return data_files;
}

}  // namespace

std::vector<std::string> plot_complexity_bars(const std::string& dir, const std::string& stem,
                                              const std::string& title,
                                              const std::vector<ComplexityCorrelation>& rows) {
  std::vector<std::vector<double>> data;
  std::vector<std::string> names;
  for (size_t i = 0; i < rows.size(); ++i) {
    data.push_back({double(i), rows[i].flops[0], rows[i].params[0]});
    names.push_back(rows[i].metric);
  }
  write_data_file(dir + "/" + stem + ".dat", {"metric", "tau_flops", "tau_params"}, data);
  const int width = std::max(640, 40 * static_cast<int>(rows.size()) + 200);
  const std::string script =
      png_terminal(width, 560) + "set output " + gnuplot_quote(stem + ".png") + "\n" +
      "set title " + gnuplot_quote(title) + "\n" +
      "set ylabel 'Kendall tau-b with the device metric'\n"
      "set yrange [-0.2:1]\nset grid ytics\nset key top right\n"
      "set style fill solid 0.8 border -1\nset boxwidth 0.38\n"
      "set xtics rotate by 60 right " +
      tic_list(names) + "\n" + "set xrange [-0.6:" + std::to_string(rows.size()) + "-0.4]\n" +
      "plot " + gnuplot_quote(stem + ".dat") +
      " using ($1-0.2):2 with boxes lc rgb '#d62728' title 'FLOPs', '' using ($1+0.2):3 with "
      "boxes lc rgb '#1f77b4' title '#params'\n";
  return draw(dir, stem, script, {stem + ".dat"});
}

std::vector<std::string> plot_grouped_bars(const std::string& dir, const GroupedBars& bars) {
  const size_t n_series = bars.series.size(), n_groups = bars.groups.size();
  if (bars.values.size() != n_series) throw InputError("plot_grouped_bars: one row per series");
  std::vector<std::vector<double>> data;  // x, then one column per series
  for (size_t g = 0; g < n_groups; ++g) {
    std::vector<double> row{double(g)};
    for (size_t s = 0; s < n_series; ++s) row.push_back(bars.values[s].at(g));
    data.push_back(row);
  }
  std::vector<std::string> columns{"group"};
  columns.insert(columns.end(), bars.series.begin(), bars.series.end());
  write_data_file(dir + "/" + bars.stem + ".dat", columns, data);
  const double width = 0.8 / std::max<size_t>(n_series, 1);
  std::string plot = "plot ";
  static const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c",
                                   "#ff7f0e", "#9467bd", "#8c564b"};
  for (size_t s = 0; s < n_series; ++s) {
    const double shift = (double(s) - (double(n_series) - 1) / 2) * width;
    plot += std::string(s ? ", '' " : gnuplot_quote(bars.stem + ".dat") + " ") + "using ($1" +
            (shift < 0 ? "" : "+") + format_double(shift) + "):" + std::to_string(s + 2) +
            " with boxes lc rgb '" + kColours[s % 6] + "' title " + gnuplot_quote(bars.series[s]);
  }
  const std::string script =
      png_terminal(std::max<int>(640, 90 * int(n_groups * n_series) + 200), 480) + "set output " +
      gnuplot_quote(bars.stem + ".png") + "\n" + "set title " + gnuplot_quote(bars.title) + "\n" +
      "set ylabel " + gnuplot_quote(bars.y_label) + "\n" +
      "set yrange [0:*]\nset grid ytics\nset key top left\n"
      "set style fill solid 0.8 border -1\nset boxwidth " +
      format_double(width * 0.9) + "\n" + "set xtics " + tic_list(bars.groups) + "\n" +
      "set xrange [-0.6:" + std::to_string(n_groups) + "-0.4]\n" + plot + "\n";
  return draw(dir, bars.stem, script, {bars.stem + ".dat"});
}

std::vector<std::string> plot_heatmap(const std::string& dir, const std::string& stem,
                                      const std::string& title,
                                      const std::vector<std::string>& names,
                                      const CorrelationMatrix& matrix) {
  write_data_file(dir + "/" + stem + ".dat", {}, matrix.value);
  const int k = static_cast<int>(names.size());
  const int side = std::max(600, 32 * k + 260);
  const std::string font = k > 24 ? "5" : "8";
  const std::string script =
      png_terminal(side + 80, side * 9 / 10) + "set output " + gnuplot_quote(stem + ".png") + "\n" +
      "set title " + gnuplot_quote(title) + "\n" + "set xtics rotate by 90 right " +
      tic_list(names) + " font ',7'\n" + "set ytics " + tic_list(names) + " font ',7'\n" +
      "set xrange [-0.5:" + std::to_string(k) + "-0.5]\n" + "set yrange [" + std::to_string(k) +
      "-0.5:-0.5]\n" +  // row 0 at the top
      "set size ratio -1\nset cbrange [-1:1]\n"
      "set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')\n"
      "plot " +
      gnuplot_quote(stem + ".dat") +
      " matrix with image notitle, '' matrix using "
      "1:2:(sprintf('%.2f', $3)) with labels font '," +
      font + "' notitle\n";
  return draw(dir, stem, script, {stem + ".dat"});
}

std::vector<std::string> plot_accuracy_cost(const std::string& dir, const AccuracyPlot& plot) {
  write_data_file(dir + "/" + plot.stem + "_front.dat", {"cost", "accuracy"}, plot.front);
  std::vector<std::string> files = {plot.stem + "_front.dat"};
  std::string script = png_terminal(900, 620) + "set output " + gnuplot_quote(plot.stem + ".png") +
                       "\n" + "set title " + gnuplot_quote(plot.title) + "\n" + "set xlabel " +
                       gnuplot_quote(plot.x_label) + "\nset ylabel " + gnuplot_quote(plot.y_label) +
                       "\n" + "set yrange [" + format_double(plot.y_min) +
                       ":*]\nset grid\nset key bottom right\n" + "plot " +
                       gnuplot_quote(plot.all_file) + " using " + std::to_string(plot.cost_column) +
                       ":1 with points pt 7 ps 0.15 lc rgb '#b0b0b0' title 'all architectures', " +
                       gnuplot_quote(plot.stem + "_front.dat") +
                       " using 1:2 with linespoints pt 7 ps 0.7 lw 1.5 lc rgb '#d62728' title " +
                       gnuplot_quote("Pareto front (" + std::to_string(plot.front.size()) + ")");
  if (!plot.highlight.empty()) {
    write_data_file(dir + "/" + plot.stem + "_highlight.dat", {"cost", "accuracy"}, plot.highlight);
    files.push_back(plot.stem + "_highlight.dat");
    script += ", " + gnuplot_quote(plot.stem + "_highlight.dat") +
              " using 1:2 with points pt 6 ps 1.3 lw 1.2 lc rgb '#1f77b4' title " +
              gnuplot_quote(plot.highlight_name + " Pareto set (" +
                            std::to_string(plot.highlight.size()) + ")");
  }
  script += "\n";
  return draw(dir, plot.stem, script, files);
}

}  // namespace hwnas
