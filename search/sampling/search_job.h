#pragma once
// A sampling search from its config to its run folder, as `hwnas_search --config X` runs it and
// the Python package's hwnas.search() calls it: the folder is held for the run's life (lock,
// config.resolved.yaml, a fresh log.txt), the config's seed or many seeds run, and the outputs of
// run_outputs.h are written.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "search/sampling/search_run.h"

namespace hwnas {

struct SamplingJob {
  std::vector<SearchResult> results;  // one per seed, in the order given
  std::vector<std::string> files;     // the outputs written into the run folder
  std::string report;                 // what hwnas_search prints: the full report or the seeds table
};

// `seeds` unset: the config's seed, with the one-seed outputs; set: those seeds in parallel, with
// the many-seed outputs. `source` names the config in the log ("configs/quickstart.yaml").
SamplingJob run_sampling_job(const SearchRun& search, const Config& config, const std::string& dir,
                             const std::string& source,
                             const std::optional<std::vector<uint64_t>>& seeds);

}  // namespace hwnas
