#include "costmodels/analysis/device_comparison.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/gnuplot.h"
#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/analysis/analysis_plots.h"

namespace hwnas {
namespace {

// "9.427" for one value, "9.43 ± 0.51" for several (sample standard deviation).
std::string mean_sd(const std::vector<double>& values, int digits) {
  double mean = 0;
  for (double v : values) mean += v / double(values.size());
  if (values.size() == 1) return format_fixed(mean, digits);
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return format_fixed(mean, digits - 1) + " ± " +
         format_fixed(std::sqrt(ss / double(values.size() - 1)), digits - 1);
}

std::string column_title(const CostKey& key) {
  const std::string unit = metric_unit(key.metric);
  return key.to_string() + (unit.empty() ? "" : " (" + unit + ")");
}

}  // namespace

FoundArchRun FoundArchRun::read(const std::string& dir, const CostLibrary& library) {
  FoundArchRun run;
  run.dir = dir;
  if (!std::filesystem::exists(dir + "/arch.json")) {
    throw InputError(dir + ": no arch.json (expected the folder of a finished search or retrain)");
  }
  run.found = ArchFile::read(dir + "/arch.json", library);
  const std::string result_path = dir + "/result.json";
  if (std::filesystem::exists(result_path)) {
    try {
      run.top1 = nlohmann::json::parse(read_text_file(result_path)).at("top1").get<double>();
    } catch (const nlohmann::json::exception& e) {
      throw InputError(result_path + ": expected a result.json of hwnas_train with 'top1' (" +
                       e.what() + ")");
    }
  }
  return run;
}

double DeviceComparison::Row::mean_cost(size_t column) const {
  double sum = 0;
  for (const auto& run_costs : costs) sum += run_costs.at(column);
  return sum / double(costs.size());
}

std::optional<double> DeviceComparison::Row::mean_top1() const {
  double sum = 0;
  for (const auto& run : runs) {
    if (!run.top1) return std::nullopt;
    sum += *run.top1;
  }
  return sum / double(runs.size());
}

std::optional<size_t> DeviceComparison::column_of(const CostKey& key) const {
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c] == key) return c;
  }
  return std::nullopt;
}

bool DeviceComparison::target_is_cheapest(size_t r) const {
  const auto column = column_of(rows.at(r).target);
  if (!column) return false;
  for (size_t other = 0; other < rows.size(); ++other) {
    if (other != r && rows[other].mean_cost(*column) <= rows[r].mean_cost(*column)) return false;
  }
  return true;
}

std::string DeviceComparison::to_markdown() const {
  std::string out = "| search target | top-1 (%) |";
  std::string rule = "|---|---|";
  for (const auto& key : columns) {
    out += " " + column_title(key) + " |";
    rule += "---|";
  }
  out += "\n" + rule + "\n";
  for (const auto& row : rows) {
    std::vector<double> top1;
    for (const auto& run : row.runs) {
      if (run.top1) top1.push_back(*run.top1);
    }
    out += "| " + row.target.to_string() + " | " +
           (top1.size() == row.runs.size() ? mean_sd(top1, 2) : "not retrained") + " |";
    for (size_t c = 0; c < columns.size(); ++c) {
      std::vector<double> values;
      for (const auto& run_costs : row.costs) values.push_back(run_costs[c]);
      const std::string cell = mean_sd(values, 3);
      out += " " + (columns[c] == row.target ? "**" + cell + "**" : cell) + " |";
    }
    out += "\n";
  }
  const size_t seeds = rows.empty() ? 0 : rows.front().runs.size();
  out += "\nBold: the cost on the search's own target" +
         std::string(seeds > 1 ? "; cells are mean ± standard deviation over the seeds" : "") +
         ". Costs from the tables of the `" +
         (rows.empty() ? "" : rows.front().runs.front().found.setting) + "` setting.\n\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto column = column_of(rows[r].target);
    if (!column) continue;
    out += "- " + rows[r].target.to_string() +
           " target: " + (target_is_cheapest(r) ? "cheapest" : "NOT the cheapest") + " of the " +
           std::to_string(rows.size()) + " found architectures on " + rows[r].target.to_string() +
           "\n";
  }
  out += "\nFound architectures:\n";
  for (const auto& row : rows) {
    for (const auto& run : row.runs) {
      out += "- " + row.target.to_string() + " (" + run.dir + "): `" +
             arch_to_string(run.found.arch) + "`\n";
    }
  }
  return out;
}

std::string DeviceComparison::to_csv() const {
  std::string out = "target,run,top1,arch";
  for (const auto& key : columns) out += "," + key.to_string();
  out += ",target_rank\n";
  for (const auto& row : rows) {
    const auto target_column = column_of(row.target);
    for (size_t i = 0; i < row.runs.size(); ++i) {
      const auto& run = row.runs[i];
      // The arch's names space-separated: the project's CSV files have no quoting.
      std::string arch = arch_to_string(run.found.arch);
      std::replace(arch.begin(), arch.end(), ',', ' ');
      out += row.target.to_string() + "," + run.dir + "," +
             (run.top1 ? format_double(*run.top1) : "") + "," + arch;
      for (double cost : row.costs[i]) out += "," + format_double(cost);
      if (target_column) {
        int rank = 1;
        for (const auto& other : rows) {
          if (&other != &row && other.mean_cost(*target_column) < row.costs[i][*target_column])
            ++rank;
        }
        out += "," + std::to_string(rank);
      } else {
        out += ",";
      }
      out += "\n";
    }
  }
  return out;
}

std::vector<std::string> DeviceComparison::write(const std::string& dir,
                                                 const std::string& name) const {
  std::filesystem::create_directories(dir);
  write_text_file(dir + "/" + name + ".md", to_markdown());
  write_text_file(dir + "/" + name + ".csv", to_csv());
  std::vector<std::string> files{name + ".md", name + ".csv"};
  if (!gnuplot_available()) {
    spdlog::warn("gnuplot not found: {}/{}.png not drawn (apt-get install gnuplot-nox)", dir, name);
    return files;
  }
  GroupedBars bars;
  bars.stem = name;
  bars.title = "Cost of the architecture found for each search target, per device";
  if (!columns.empty()) {  // a mixed latency/energy table keeps the first column's unit
    const std::string unit = metric_unit(columns.front().metric);
    bars.y_label = to_string(columns.front().metric) + (unit.empty() ? "" : " (" + unit + ")");
  }
  for (const auto& key : columns) bars.groups.push_back(key.device);
  for (const auto& row : rows) {
    const auto top1 = row.mean_top1();
    bars.series.push_back(row.target.device + " target" +
                          (top1 ? " (top-1 " + format_fixed(*top1, 2) + " %)" : ""));
    std::vector<double> values;
    for (size_t c = 0; c < columns.size(); ++c) values.push_back(row.mean_cost(c));
    bars.values.push_back(values);
  }
  for (const auto& file : plot_grouped_bars(dir, bars)) files.push_back(file);
  return files;
}

DeviceComparison compare_found_archs(
    const CostLibrary& library,
    const std::vector<std::pair<CostKey, std::vector<std::string>>>& rows,
    std::vector<CostKey> columns) {
  if (rows.empty()) throw InputError("compare_found_archs: no runs to compare");
  if (columns.empty()) {
    for (const auto& row : rows) columns.push_back(row.first);
  }
  DeviceComparison table;
  table.columns = columns;
  std::optional<ArchFile> first;
  for (const auto& [target, dirs] : rows) {
    if (dirs.empty())
      throw InputError("compare_found_archs: no run folder for " + target.to_string());
    DeviceComparison::Row row;
    row.target = target;
    for (const auto& dir : dirs) {
      auto run = FoundArchRun::read(dir, library);
      if (!first) first = run.found;
      if (run.found.arch.space != first->arch.space || run.found.setting != first->setting) {
        throw InputError(dir + "/arch.json: space " + to_string(run.found.arch.space) +
                         ", setting " + run.found.setting + "; the table's first run has " +
                         to_string(first->arch.space) + ", " + first->setting +
                         " (compare architectures of one space and setting)");
      }
      std::vector<double> costs;
      for (const auto& key : columns) {
        costs.push_back(
            library.model(run.found.arch.space, run.found.setting, key)->cost(run.found.arch));
      }
      row.costs.push_back(costs);
      row.runs.push_back(std::move(run));
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace hwnas
