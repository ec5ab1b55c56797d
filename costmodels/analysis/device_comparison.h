#pragma once
// The table that closes device-specific searches (HW-NAS-Bench Table 5): one row per search target,
// the found architecture's top-1 after retraining and its cost on each compared device. Costs come
// from the cost library for the setting the arch was searched in, never from the run's own files,
// so the table always agrees with hwnas_query. With several seeds per target a cell is the mean
// (and standard deviation) over the seeds; the CSV keeps one line per run.
#include <optional>
#include <string>
#include <vector>

#include "costmodels/arch_report.h"
#include "costmodels/cost_library.h"

namespace hwnas {

// One search (and, when retrained, its retraining) for one target.
struct FoundArchRun {
  std::string dir;  // folder with arch.json, plus result.json once retrained
  ArchFile found;
  std::optional<double> top1;  // result.json's test top-1 (%)

  // InputError naming the folder when arch.json is missing or not hwnas's.
  static FoundArchRun read(const std::string& dir, const CostLibrary& library);
};

struct DeviceComparison {
  struct Row {
    CostKey target;
    std::vector<FoundArchRun> runs;
    std::vector<std::vector<double>> costs;  // [run][column]
    double mean_cost(size_t column) const;
    std::optional<double> mean_top1() const;  // when every run was retrained
  };
  std::vector<CostKey> columns;
  std::vector<Row> rows;

  // Whether row r's arch (mean over seeds) is the cheapest of all rows on its own target column;
  // false when the target is not a column.
  bool target_is_cheapest(size_t r) const;
  std::optional<size_t> column_of(const CostKey& key) const;

  // Markdown: top-1 and one column per compared metric, the target's own cell in bold, then one
  // line per row saying whether it is the cheapest on its target.
  std::string to_markdown() const;
  // One line per run: target, run folder, top-1, arch (names separated by spaces), one column per
  // compared metric,
  // target_rank (1 = the cheapest row on the target's column).
  std::string to_csv() const;
  // `<name>.md`, `<name>.csv` and the grouped bar chart `<name>.png` (with its .dat/.gp) in `dir`;
  // returns the file names. The chart is skipped with a warning when gnuplot is missing.
  std::vector<std::string> write(const std::string& dir, const std::string& name) const;
};

// `rows`: (target metric, run folders) in table order. `columns` empty = the targets in row order.
// InputError when runs of one table have different spaces or settings, or a metric is unknown.
DeviceComparison compare_found_archs(
    const CostLibrary& library,
    const std::vector<std::pair<CostKey, std::vector<std::string>>>& rows,
    std::vector<CostKey> columns = {});

}  // namespace hwnas
