#include "costmodels/analysis/analysis.h"

#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "core/csv.h"
#include "core/error.h"
#include "core/gnuplot.h"
#include "core/pareto.h"
#include "core/strings.h"
#include "costmodels/analysis/analysis_plots.h"

namespace hwnas {
namespace {

std::string with_unit(const MetricColumn& c) {
  return c.unit.empty() ? c.name : c.name + " [" + c.unit + "]";
}

// "a (0.91), b (0.88), c (0.85)": the `n` rows with the highest (or lowest) FLOPs tau.
std::string ranked_names(std::vector<ComplexityCorrelation> rows, size_t n, bool best) {
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [](const ComplexityCorrelation& r) { return std::isnan(r.flops[0]); }),
             rows.end());
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    return best ? a.flops[0] > b.flops[0] : a.flops[0] < b.flops[0];
  });
  std::vector<std::string> parts;
  for (size_t i = 0; i < std::min(n, rows.size()); ++i) {
    parts.push_back(rows[i].metric + " (" + format_fixed(rows[i].flops[0], 3) + ")");
  }
  return join(parts, ", ");
}

// Elapsed seconds since `start`, for the log.
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class RunWriter {
 public:
  RunWriter(std::string dir, AnalysisReport& report) : dir_(std::move(dir)), report_(report) {}
  const std::string& dir() const { return dir_; }
  void write(const std::string& name, const std::string& text) {
    write_text_file(dir_ + "/" + name, text);
    report_.files.push_back(name);
  }
  void add(const std::vector<std::string>& names) {
    report_.files.insert(report_.files.end(), names.begin(), names.end());
  }

 private:
  std::string dir_;
  AnalysisReport& report_;
};

std::string table_heading(const MetricTable& t) {
  std::string out = "## " + t.space + " / " + t.setting + " (" + t.label + ")\n\n" +
                    "Architectures: " + t.archs_note + ".\n";
  for (const auto& note : t.notes) out += "Note: " + note + ".\n";
  return out + "\n";
}

void run_pareto(const MetricTable& t, const AnalysisOptions& options, RunWriter& out,
                std::string& md) {
  const std::string dataset = to_string(options.dataset);
  const MetricColumn* accuracy = nullptr;
  for (const auto& a : t.accuracy) {
    if (a.name == dataset + "_test") accuracy = &a;
  }
  if (!accuracy) {
    throw DataError("no " + dataset + " test accuracies in the " + t.label +
                    " table (nb201_accuracy.csv not loaded?)");
  }
  const MetricColumn& highlight = t.cost(options.highlight);
  const std::vector<size_t> highlight_rows = accuracy_pareto_rows(highlight, *accuracy);

  const std::string sub = "pareto_" + t.label + "_" + dataset;
  std::filesystem::create_directories(out.dir() + "/" + sub);
  double y_min = 0;
  if (options.plots) {
    // One shared data file: accuracy, then every cost column (NaN where unknown).
    std::vector<std::vector<double>> rows(t.archs.size());
    std::vector<std::string> names = {accuracy->name};
    for (size_t i = 0; i < rows.size(); ++i) rows[i].push_back(accuracy->values[i]);
    for (const auto& c : t.costs) {
      names.push_back(c.name);
      for (size_t i = 0; i < rows.size(); ++i) rows[i].push_back(c.values[i]);
    }
    write_data_file(out.dir() + "/" + sub + "/all.dat", names, rows);
    out.add({sub + "/all.dat"});
    // The y axis starts at the 5th percentile: the ~5% of NB201 cells that do not train (10% on
    // cifar10) would otherwise squeeze the interesting band into a few pixels.
    std::vector<double> sorted = accuracy->values;
    std::sort(sorted.begin(), sorted.end());
    y_min = std::floor(sorted[sorted.size() / 20] - 1);
  }

  std::vector<ParetoSummary> summary;
  std::vector<AccuracyPlot> plots;
  for (size_t c = 0; c < t.costs.size(); ++c) {
    const MetricColumn& cost = t.costs[c];
    const std::vector<size_t> front = accuracy_pareto_rows(cost, *accuracy);
    ParetoSummary s;
    s.metric = cost.name;
    s.count = cost.known();
    s.front_size = front.size();
    std::vector<char> on_front(t.archs.size(), 0);
    for (size_t row : front) on_front[row] = 1;
    for (size_t row : highlight_rows) s.highlight_kept += on_front[row];
    s.tau_accuracy = correlate(Correlation::KendallTauB, cost.values, accuracy->values).value;
    summary.push_back(s);
    out.write(sub + "/" + cost.name + ".csv", pareto_csv(t, front, cost, *accuracy));

    if (options.plots) {
      AccuracyPlot plot;
      plot.stem = cost.name;
      plot.title = t.label + ": " + dataset + " test accuracy vs " + cost.name + " (" +
                   std::to_string(s.count) + " archs; y axis cut at the 5th percentile)";
      plot.x_label = with_unit(cost);
      plot.y_label = dataset + " test accuracy [%]";
      plot.all_file = "all.dat";
      plot.cost_column = static_cast<int>(c) + 2;
      plot.y_min = y_min;
      for (size_t row : front) plot.front.push_back({cost.values[row], accuracy->values[row]});
      if (cost.name != highlight.name) {
        for (size_t row : highlight_rows) {
          if (!std::isnan(cost.values[row])) {
            plot.highlight.push_back({cost.values[row], accuracy->values[row]});
          }
        }
        plot.highlight_name = highlight.name;
      }
      plots.push_back(std::move(plot));
    }
  }
  // gnuplot renders each scatter in its own process: run them side by side.
  std::vector<std::vector<std::string>> plot_files(plots.size());
  tbb::parallel_for(size_t{0}, plots.size(), [&](size_t i) {
    plot_files[i] = plot_accuracy_cost(out.dir() + "/" + sub, plots[i]);
  });
  for (auto& files : plot_files) {
    for (auto& f : files) f = sub + "/" + f;
    out.add(files);
  }

  std::string table = "### Accuracy vs cost: Pareto fronts (" + t.label + ", " + dataset +
                      " test accuracy)\n\n" + "Front: architectures no other beats in both cost "
                      "and accuracy. Kept: how many of the " +
                      std::to_string(highlight_rows.size()) + " architectures on the " +
                      highlight.name + " front are also on this metric's front. tau: Kendall "
                      "tau-b of cost vs accuracy.\n\n"
                      "| metric | archs | front | kept from " + highlight.name + " | tau(cost, acc) |\n"
                      "|---|---:|---:|---:|---:|\n";
  std::string csv = "metric,archs,front_size,highlight_kept,tau_cost_accuracy\n";
  for (const auto& s : summary) {
    table += "| " + s.metric + " | " + std::to_string(s.count) + " | " +
             std::to_string(s.front_size) + " | " + std::to_string(s.highlight_kept) + " | " +
             format_fixed(s.tau_accuracy, 3) + " |\n";
    csv += s.metric + "," + std::to_string(s.count) + "," + std::to_string(s.front_size) + "," +
           std::to_string(s.highlight_kept) + "," + csv_number(s.tau_accuracy) + "\n";
  }
  out.write(sub + "/summary.md", table);
  out.write(sub + "/summary.csv", csv);
  md += table + "\nFronts: " + sub + "/<metric>.csv" +
        (options.plots ? ", plots: " + sub + "/<metric>.png" : std::string()) + "\n\n";
}

}  // namespace

std::vector<ComplexityCorrelation> complexity_correlations(const MetricTable& table) {
  if (table.complexity.size() != 2) {
    throw InputError("table " + table.label + " has no FLOPs/params columns");
  }
  std::vector<ComplexityCorrelation> rows(table.costs.size());
  for (size_t c = 0; c < table.costs.size(); ++c) {
    const MetricColumn& cost = table.costs[c];
    ComplexityCorrelation& r = rows[c];
    r.metric = cost.name;
    r.unit = cost.unit;
    r.source = cost.source;
    for (size_t k = 0; k < kReportedCorrelations.size(); ++k) {
      const auto f = correlate(kReportedCorrelations[k], table.complexity[0].values, cost.values);
      r.flops[k] = f.value;
      r.count = f.count;
      r.params[k] =
          correlate(kReportedCorrelations[k], table.complexity[1].values, cost.values).value;
    }
  }
  return rows;
}

std::string complexity_markdown(const MetricTable& table,
                                const std::vector<ComplexityCorrelation>& rows) {
  std::string out = "### FLOPs and #params vs device metrics (" + table.label + ")\n\n" +
                    "tau: Kendall tau-b, rho: Spearman, r: Pearson, over the architectures with a "
                    "value for the metric.\n\n"
                    "| metric | source | archs | FLOPs tau | FLOPs rho | FLOPs r | params tau | "
                    "params rho | params r |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : rows) {
    out += "| " + r.metric + " | " + r.source + " | " + std::to_string(r.count);
    for (double v : r.flops) out += " | " + format_fixed(v, 3);
    for (double v : r.params) out += " | " + format_fixed(v, 3);
    out += " |\n";
  }
  out += "\nFLOPs ranks best: " + ranked_names(rows, 3, true) +
         ".\nFLOPs ranks worst: " + ranked_names(rows, 3, false) + ".\n";
  return out;
}

std::string complexity_csv(const std::vector<ComplexityCorrelation>& rows) {
  std::string out = "metric,unit,source,archs";
  for (const char* what : {"flops", "params"}) {
    for (Correlation k : kReportedCorrelations) out += std::string(",") + what + "_" + to_string(k);
  }
  out += "\n";
  for (const auto& r : rows) {
    out += r.metric + "," + r.unit + "," + r.source + "," + std::to_string(r.count);
    for (double v : r.flops) out += "," + csv_number(v);
    for (double v : r.params) out += "," + csv_number(v);
    out += "\n";
  }
  return out;
}

CorrelationMatrix cross_device_matrix(const MetricTable& table, Correlation kind) {
  std::vector<const std::vector<double>*> columns;
  for (const auto& c : table.costs) columns.push_back(&c.values);
  return correlation_matrix(kind, columns);
}

std::string matrix_markdown(const std::vector<std::string>& names, const CorrelationMatrix& m,
                            int decimals) {
  std::string out = "| # | metric |";
  std::string rule = "|---:|---|";
  for (size_t j = 0; j < names.size(); ++j) {
    out += " " + std::to_string(j + 1) + " |";
    rule += "---:|";
  }
  out += "\n" + rule + "\n";
  for (size_t i = 0; i < names.size(); ++i) {
    out += "| " + std::to_string(i + 1) + " | " + names[i] + " |";
    for (size_t j = 0; j < names.size(); ++j) out += " " + format_fixed(m.value[i][j], decimals) + " |";
    out += "\n";
  }
  return out;
}

std::string matrix_csv(const std::vector<std::string>& names, const CorrelationMatrix& m) {
  std::string out = "metric," + join(names, ",") + "\n";
  for (size_t i = 0; i < names.size(); ++i) {
    out += names[i];
    for (size_t j = 0; j < names.size(); ++j) out += "," + csv_number(m.value[i][j]);
    out += "\n";
  }
  return out;
}

std::vector<size_t> accuracy_pareto_rows(const MetricColumn& cost, const MetricColumn& accuracy) {
  if (cost.values.size() != accuracy.values.size()) {
    throw InputError("accuracy_pareto_rows: " + cost.name + " has " +
                     std::to_string(cost.values.size()) + " rows, " + accuracy.name + " has " +
                     std::to_string(accuracy.values.size()));
  }
  std::vector<size_t> rows;
  std::vector<std::vector<double>> points;
  for (size_t i = 0; i < cost.values.size(); ++i) {
    if (std::isnan(cost.values[i]) || std::isnan(accuracy.values[i])) continue;
    rows.push_back(i);
    points.push_back({cost.values[i], -accuracy.values[i]});  // minimise cost, maximise accuracy
  }
  std::vector<size_t> front;
  for (size_t p : pareto_front(points)) front.push_back(rows[p]);
  std::sort(front.begin(), front.end(), [&](size_t a, size_t b) {
    return cost.values[a] < cost.values[b] || (cost.values[a] == cost.values[b] && a < b);
  });
  return front;
}

std::string pareto_csv(const MetricTable& table, const std::vector<size_t>& rows,
                       const MetricColumn& cost, const MetricColumn& accuracy) {
  std::string out = "row,nb201_index,arch," + cost.name + "," + accuracy.name + "\n";
  for (size_t row : rows) {
    const int index = table.nb201_index.empty() ? -1 : table.nb201_index[row];
    out += std::to_string(row) + "," + std::to_string(index) + "," +
           (table.archs[row].space == Space::FBNet ? fbnet_arch_names(table.archs[row])
                                                   : nb201_string(table.archs[row])) +
           "," + csv_number(cost.values[row]) + "," + csv_number(accuracy.values[row]) + "\n";
  }
  return out;
}

void AnalysisOptions::validate() const {
  if (out_dir.empty()) throw InputError("analysis: out_dir is empty; expected a folder");
  if (!nb201 && !fbnet) throw InputError("analysis: no space selected; expected nb201 and/or fbnet");
  if (!complexity && !cross_device && !pareto) {
    throw InputError("analysis: no analysis selected; expected complexity, cross and/or pareto");
  }
  if (fbnet && fbnet_settings.empty() && !fbnet_help) {
    throw InputError("analysis: fbnet selected with no setting and no HELP table");
  }
  if (fbnet && !fbnet_settings.empty() && fbnet_samples == 0) {
    throw InputError("analysis: fbnet_samples is 0; expected at least 1 architecture");
  }
  if (fbnet_samples > kMaxFbnetSamples) {
    throw InputError("analysis: fbnet_samples is " + std::to_string(fbnet_samples) +
                     "; expected at most " + std::to_string(kMaxFbnetSamples));
  }
}

AnalysisReport run_analysis(const CostLibrary& library, const AnalysisOptions& options) {
  options.validate();
  if (options.plots && !gnuplot_available()) {
    throw DataError(
        "plots need gnuplot, which is not installed (Debian/Ubuntu: apt-get install gnuplot-nox); "
        "or run without plots");
  }
  std::filesystem::create_directories(options.out_dir);
  AnalysisReport report;
  RunWriter out(options.out_dir, report);
  std::string& md = report.markdown;
  md = "# Hardware-cost analysis\n\nData: " + library.dir() + "\n\n";

  std::vector<MetricTable> tables;
  auto start = std::chrono::steady_clock::now();
  if (options.nb201) tables.push_back(nb201_metric_table(library));
  if (options.fbnet) {
    for (FbnetSetting s : options.fbnet_settings) {
      tables.push_back(fbnet_metric_table(library, s, options.fbnet_samples, options.seed));
    }
    if (options.fbnet_help) {
      const auto help = HelpFbnetMeasurements::load(library.dir() + "/help/fbnet_cifar100_latency.csv");
      tables.push_back(fbnet_help_metric_table(library, help));
    }
  }
  spdlog::info("analysis: {} tables built in {:.2f} s", tables.size(), seconds_since(start));
  for (const MetricTable& t : tables) {
    // A bad --highlight should fail before minutes of other work, not after.
    if (options.pareto && !t.accuracy.empty()) t.cost(options.highlight);
  }

  for (const MetricTable& t : tables) {
    md += table_heading(t);
    if (options.complexity) {
      start = std::chrono::steady_clock::now();
      const auto rows = complexity_correlations(t);
      const std::string table = complexity_markdown(t, rows);
      out.write("complexity_" + t.label + ".md", table);
      out.write("complexity_" + t.label + ".csv", complexity_csv(rows));
      md += table + "\n";
      if (options.plots) {
        out.add(plot_complexity_bars(options.out_dir, "complexity_" + t.label,
                                     t.label + ": how well FLOPs and #params rank each device metric",
                                     rows));
      }
      spdlog::info("analysis: complexity {} in {:.2f} s", t.label, seconds_since(start));
    }
    if (options.cross_device) {
      start = std::chrono::steady_clock::now();
      const auto names = t.cost_names();
      const CorrelationMatrix m = cross_device_matrix(t);
      spdlog::info("analysis: cross-device Kendall matrix {} ({} x {}) in {:.3f} s", t.label,
                   names.size(), names.size(), seconds_since(start));
      const std::string table = "### Cross-device Kendall tau-b (" + t.label + ")\n\n" +
                                matrix_markdown(names, m);
      out.write("cross_device_" + t.label + ".md", table);
      out.write("cross_device_" + t.label + ".csv", matrix_csv(names, m));
      md += table + "\n";
      if (options.plots) {
        out.add(plot_heatmap(options.out_dir, "cross_device_" + t.label,
                             t.label + ": Kendall tau-b between device metrics", names, m));
      }
    }
    if (options.pareto && t.accuracy.empty()) {
      md += "(" + t.label + " has no accuracy table: no accuracy-cost Pareto fronts.)\n\n";
    }
    if (options.pareto && !t.accuracy.empty()) {
      start = std::chrono::steady_clock::now();
      run_pareto(t, options, out, md);
      spdlog::info("analysis: accuracy-cost Pareto fronts {} in {:.2f} s", t.label,
                   seconds_since(start));
    }
  }
  out.write("report.md", md);
  return report;
}

}  // namespace hwnas
