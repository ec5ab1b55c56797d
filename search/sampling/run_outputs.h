#pragma once
// The files of a run folder (README "The executables"), written after the search:
//  one seed:   summary.txt (full report), metrics.csv (every query, best so far, regret),
//              arch.json (make_arch_report of the found arch: costs on every device, FLOPs, params,
//              accuracies; for Pareto runs the most accurate arch of the found front),
//              and for Pareto runs pareto.csv (found front), true_front.csv, pareto.png.
//  many seeds: seeds.csv (one row per seed), regret_curve.csv (mean/std/min/max regret at the
//              checkpoints), summary.txt, regret_curve.png.
// config.resolved.yaml and log.txt are written by hwnas_search before the search starts.
#include <string>
#include <vector>

#include "search/sampling/search_run.h"

namespace hwnas {

// Returns the names of the files written.
std::vector<std::string> write_run_outputs(const std::string& dir, const SearchRun& run,
                                           const SearchResult& result);

struct SeedsSummary {
  std::vector<int> checkpoints;
  std::vector<double> mean, stddev, min, max;  // regret at each checkpoint over the seeds
  std::string table() const;                   // aligned text, one row per checkpoint
};
SeedsSummary summarise_seeds(const std::vector<SearchResult>& results, int max_queries);

std::vector<std::string> write_seeds_outputs(const std::string& dir, const SearchRun& run,
                                             const std::vector<SearchResult>& results,
                                             const SeedsSummary& summary);

}  // namespace hwnas
