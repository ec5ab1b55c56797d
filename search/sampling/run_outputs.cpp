#include "search/sampling/run_outputs.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/csv.h"
#include "core/gnuplot.h"
#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"

namespace hwnas {

namespace {

std::string cost_header(const Objective& objective) {
  std::string out;
  for (const auto& key : objective.metrics()) out += "," + key.to_string();
  return out;
}

std::string cost_values(const Evaluation& e, const Objective& objective) {
  std::string out;
  for (size_t m = 0; m < objective.metrics().size(); ++m) out += "," + csv_number(e.costs[m]);
  return out;
}

// One row of metrics.csv: the i-th query (0-based) and the best feasible fitness so far.
struct QueryRow {
  size_t i = 0;
  const QueryRecord* query = nullptr;
  double best = -INFINITY;
  const double* regret = nullptr;  // none once the run's regret curve ends
};

std::string finite_or_empty(double value) { return std::isfinite(value) ? format_double(value) : ""; }

std::string metrics_csv(const SearchRun& run, const SearchResult& result) {
  using R = QueryRow;
  const Evaluator& evaluator = run.evaluator();
  CsvColumns<QueryRow> columns = {
      {"query", [](const R& r) { return std::to_string(r.i + 1); }},
      {"index", [&evaluator](const R& r) { return std::to_string(evaluator.arch_index(r.query->arch)); }},
      {"arch", [](const R& r) { return csv_arch(r.query->arch); }},
      // Empty for an arch over a hard limit that was not scored (SearchContext::query).
      {"accuracy", [](const R& r) { return finite_or_empty(r.query->eval.accuracy); }},
  };
  const auto& metrics = run.objective().metrics();
  for (size_t m = 0; m < metrics.size(); ++m) {
    columns.add({metrics[m].to_string(), [m](const R& r) { return csv_number(r.query->eval.costs[m]); }});
  }
  columns.add({"known", [](const R& r) { return std::string(r.query->eval.known ? "1" : "0"); }})
      .add({"feasible", [](const R& r) { return std::string(r.query->feasible ? "1" : "0"); }})
      .add({"fitness", [](const R& r) { return finite_or_empty(r.query->fitness); }})
      .add({"best_fitness", [](const R& r) { return finite_or_empty(r.best); }})
      .add({"regret", [](const R& r) { return r.regret ? format_double(*r.regret) : ""; }})
      .add({"simulated_seconds", [](const R& r) { return format_double(r.query->elapsed_seconds); }});
  std::string out = columns.header() + "\n";
  QueryRow row;
  for (size_t i = 0; i < result.history.size(); ++i) {
    row.i = i;
    row.query = &result.history[i];
    if (row.query->feasible) row.best = std::max(row.best, row.query->fitness);
    row.regret = i < result.regret_by_query.size() ? &result.regret_by_query[i] : nullptr;
    out += columns.line(row) + "\n";
  }
  return out;
}

std::string front_csv(const SearchRun& run, const std::vector<Arch>& archs) {
  const Objective& objective = run.objective();
  std::string out = "index,arch,accuracy" + cost_header(objective) + "\n";
  for (const Arch& arch : archs) {
    const Evaluation e = run.evaluator().evaluate(arch);
    out += std::to_string(run.evaluator().arch_index(arch)) + "," + csv_arch(arch) + "," +
           format_double(e.accuracy) + cost_values(e, objective) + "\n";
  }
  return out;
}

// Accuracy against the first cost: the found front over the table's true front.
void plot_fronts(const std::string& dir, const SearchRun& run, const std::vector<Arch>& found,
                 const std::vector<Arch>& truth, std::vector<std::string>& written) {
  const auto rows = [&run](const std::vector<Arch>& archs) {
    std::vector<std::vector<double>> rows;
    for (const Arch& arch : archs) {
      const Evaluation e = run.evaluator().evaluate(arch);
      rows.push_back({e.costs[0], e.accuracy});
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  const CostKey& key = run.objective().metrics()[0];
  const std::string x_label = key.to_string() + " (" + metric_unit(key.metric) + ")";
  write_data_file(dir + "/pareto_found.dat", {x_label, "accuracy"}, rows(found));
  write_data_file(dir + "/pareto_true.dat", {x_label, "accuracy"}, rows(truth));
  const std::string dataset = run.objective().options().dataset;
  write_text_file(dir + "/pareto.gp",
                  png_terminal(900, 600) + "set output 'pareto.png'\n" +
                      "set title " + gnuplot_quote("NB201 " + dataset + ": " + run.strategy().name() +
                                                   " front vs the table's true front") + "\n" +
                      "set xlabel " + gnuplot_quote(x_label) + "\n" +
                      "set ylabel " + gnuplot_quote(dataset + " test accuracy (%)") + "\n" +
                      "set key bottom right\nset grid\n"
                      "plot 'pareto_true.dat' using 1:2 with steps lw 2 lc rgb '#999999' title "
                      "'true front (table)', \\\n"
                      "     'pareto_found.dat' using 1:2 with points pt 7 ps 1.2 lc rgb '#d62728' "
                      "title 'found front'\n");
  run_gnuplot(dir + "/pareto.gp");
  written.push_back("pareto.png");
}

// What the evaluator adds to the run folder (its own scores, say).
void write_evaluator_files(const std::string& dir, const SearchRun& run,
                           std::vector<std::string>& written) {
  for (const auto& [name, content] : run.evaluator().run_files()) {
    write_text_file(dir + "/" + name, content);
    written.push_back(name);
  }
}

}  // namespace

std::vector<std::string> write_run_outputs(const std::string& dir, const SearchRun& run,
                                           const SearchResult& result) {
  std::vector<std::string> written;
  const Objective& objective = run.objective();
  const TableOptimum& optimum = run.optimum();
  write_text_file(dir + "/summary.txt", result.full_report(run.evaluator(), objective, optimum));
  written.push_back("summary.txt");
  if (run.options().history) {
    write_text_file(dir + "/metrics.csv", metrics_csv(run, result));
    written.push_back("metrics.csv");
  }
  int shown = result.best;
  if (objective.multi_objective()) {
    for (int i : result.front) {
      if (shown < 0 || result.history[i].eval.accuracy > result.history[shown].eval.accuracy) {
        shown = i;
      }
    }
  }
  if (shown >= 0) {
    const auto report = make_arch_report(run.library(), result.history[shown].arch, run.options().setting);
    write_text_file(dir + "/arch.json", report.to_json() + "\n");
    written.push_back("arch.json");
  }
  if (objective.multi_objective()) {
    std::vector<Arch> found, truth;
    for (int i : result.front) found.push_back(result.history[i].arch);
    for (int code : optimum.front_codes) truth.push_back(nb201_from_code(code));
    write_text_file(dir + "/pareto.csv", front_csv(run, found));
    write_text_file(dir + "/true_front.csv", front_csv(run, truth));
    written.push_back("pareto.csv");
    written.push_back("true_front.csv");
    if (run.options().plot) {
      if (gnuplot_available()) {
        plot_fronts(dir, run, found, truth, written);
      } else {
        spdlog::warn("gnuplot not found: pareto.png skipped (Debian package gnuplot-nox)");
      }
    }
  }
  write_evaluator_files(dir, run, written);
  return written;
}

SeedsSummary summarise_seeds(const std::vector<SearchResult>& results, int max_queries) {
  SeedsSummary s;
  s.checkpoints = regret_checkpoints(max_queries);
  for (int q : s.checkpoints) {
    double sum = 0, sum_sq = 0, lo = INFINITY, hi = -INFINITY;
    for (const auto& r : results) {
      const double v = r.regret_after(q);
      sum += v;
      sum_sq += v * v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    const double n = static_cast<double>(results.size());
    const double mean = sum / n;
    s.mean.push_back(mean);
    s.stddev.push_back(n > 1 ? std::sqrt(std::max(0.0, (sum_sq - n * mean * mean) / (n - 1))) : 0.0);
    s.min.push_back(lo);
    s.max.push_back(hi);
  }
  return s;
}

std::string SeedsSummary::table() const {
  if (std::all_of(mean.begin(), mean.end(), [](double m) { return std::isnan(m); })) {
    // A supernet evaluator: the space's optimum is not enumerated, so there is no regret.
    return "regret: n/a (the evaluator is not enumerable, so the space's optimum is unknown; "
           "seeds.csv has each seed's best arch)\n";
  }
  std::string out = "queries   mean regret   std       min       max\n";
  for (size_t i = 0; i < checkpoints.size(); ++i) {
    char line[160];
    std::snprintf(line, sizeof(line), "%7d   %11.4f   %-8.4f  %-8.4f  %-8.4f\n", checkpoints[i],
                  mean[i], stddev[i], min[i], max[i]);
    out += line;
  }
  return out;
}

std::vector<std::string> write_seeds_outputs(const std::string& dir, const SearchRun& run,
                                             const std::vector<SearchResult>& results,
                                             const SeedsSummary& summary) {
  std::vector<std::string> written;
  const Objective& objective = run.objective();
  std::string seeds = "seed,queries,simulated_seconds,unknown_cost_queries,infeasible_queries,"
                      "final_regret,index,arch,accuracy" + cost_header(objective) +
                      ",front_size,hypervolume\n";
  for (const auto& r : results) {
    std::string arch_part = ",,";
    std::string cost_part(objective.metrics().size(), ',');
    if (r.best >= 0) {
      const QueryRecord& q = r.history[r.best];
      arch_part = std::to_string(run.evaluator().arch_index(q.arch)) + "," + csv_arch(q.arch) +
                  "," + format_double(q.eval.accuracy);
      cost_part = cost_values(q.eval, objective);
    }
    seeds += std::to_string(r.seed) + "," + std::to_string(r.history.size()) + "," +
             format_double(r.simulated_seconds) + "," + std::to_string(r.unknown_cost_queries) +
             "," + std::to_string(r.infeasible_queries) + "," + csv_number(r.final_regret()) + "," +
             arch_part + cost_part + "," + std::to_string(r.front.size()) + "," +
             format_double(r.hypervolume) + "\n";
  }
  write_text_file(dir + "/seeds.csv", seeds);
  written.push_back("seeds.csv");

  std::string curve = "queries,mean_regret,std_regret,min_regret,max_regret\n";
  std::vector<std::vector<double>> rows;
  for (size_t i = 0; i < summary.checkpoints.size(); ++i) {
    curve += std::to_string(summary.checkpoints[i]) + "," + format_double(summary.mean[i]) + "," +
             format_double(summary.stddev[i]) + "," + format_double(summary.min[i]) + "," +
             format_double(summary.max[i]) + "\n";
    rows.push_back({double(summary.checkpoints[i]), summary.mean[i], summary.stddev[i]});
  }
  write_text_file(dir + "/regret_curve.csv", curve);
  written.push_back("regret_curve.csv");

  double wall = 0, unknown = 0;
  for (const auto& r : results) {
    wall += r.wall_seconds;
    unknown += r.unknown_cost_queries;
  }
  const TableOptimum& optimum = run.optimum();
  std::string text = "strategy   " + run.strategy().name() + ", " + std::to_string(results.size()) +
                     " seeds\nobjective  " + objective.describe() + "\nevaluator  " +
                     run.evaluator().describe() + "\n";
  if (!objective.multi_objective() && optimum.best_code >= 0) {
    text += "table best " + run.evaluator().arch_label(nb201_from_code(optimum.best_code)) +
            ", fitness " + format_double(optimum.best_value) + "\n";
  } else if (objective.multi_objective()) {
    text += "true front " + std::to_string(optimum.front_codes.size()) + " archs, hypervolume " +
            format_fixed(optimum.hypervolume, 4) + "\n";
  }
  text += "unknown-cost queries per seed (treated as infeasible): " +
          format_fixed(unknown / results.size(), 1) + "\nsummed search wall time " + format_fixed(wall, 3) +
          " s\n\n" + summary.table();
  write_text_file(dir + "/summary.txt", text);
  written.push_back("summary.txt");

  if (run.options().plot && gnuplot_available()) {
    write_data_file(dir + "/regret_curve.dat", {"queries", "mean", "std"}, rows);
    write_text_file(dir + "/regret_curve.gp",
                    png_terminal(800, 550) + "set output 'regret_curve.png'\n" +
                        "set title " + gnuplot_quote(run.strategy().name() + ", " +
                                                     std::to_string(results.size()) + " seeds") +
                        "\nset logscale x\nset xlabel 'queries'\nset ylabel 'regret (mean +- std)'\n"
                        "set grid\nplot 'regret_curve.dat' using 1:2:3 with yerrorlines title "
                        "'mean regret'\n");
    run_gnuplot(dir + "/regret_curve.gp");
    written.push_back("regret_curve.png");
  }
  write_evaluator_files(dir, run, written);
  return written;
}

}  // namespace hwnas
