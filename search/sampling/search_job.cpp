#include "search/sampling/search_job.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/config.h"
#include "core/error.h"
#include "core/run_dir.h"
#include "core/strings.h"
#include "search/sampling/run_outputs.h"

namespace hwnas {

SamplingJob run_sampling_job(const SearchRun& search, const Config& config, const std::string& dir,
                             const std::string& source,
                             const std::optional<std::vector<uint64_t>>& seeds) {
  if (search.strategy().driven_externally()) {
    throw InputError(source + ": strategy.type external is driven from outside the engine "
                     "(Python: hwnas.SearchSession); choose a strategy the engine runs (hwnas_search --list)");
  }
  // A sampling search keeps no checkpoint and takes seconds: a rerun redoes it, with a fresh log.
  const auto held = open_run_dir(dir, config.resolved_yaml(),
                                 {"sampling search", RunDirMode::kRerun, /*fresh_log=*/true});
  spdlog::info("hwnas_search --config {} -> {}", source, dir);
  spdlog::info("{}", search.evaluator().describe());
  spdlog::info("objective: {}; strategy: {}", search.objective().describe(), search.strategy().name());
  SamplingJob job;
  // The evaluator's usage is read after the searches (before them it has answered nothing).
  if (!seeds) {
    job.results.push_back(search.run_seed(static_cast<uint64_t>(search.options().run.seed), dir));
    const SearchResult& result = job.results.front();
    spdlog::info("{}", result.brief_report(search.evaluator(), search.objective()));
    const std::string usage = search.evaluator().usage_report();
    if (!usage.empty()) spdlog::info("{}", usage);
    job.files = write_run_outputs(dir, search, result);
    spdlog::info("wrote {}/: config.resolved.yaml, log.txt, {}", dir, join(job.files, ", "));
    job.report = result.full_report(search.evaluator(), search.objective(), search.optimum());
    return job;
  }
  const auto start = std::chrono::steady_clock::now();
  job.results = search.run_seeds(*seeds);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("{} seeds in {:.3f} s wall", seeds->size(), wall);
  const std::string usage = search.evaluator().usage_report();
  if (!usage.empty()) spdlog::info("{}", usage);
  for (const auto& r : job.results) spdlog::debug("{}", r.brief_report(search.evaluator(), search.objective()));
  const auto summary = summarise_seeds(job.results, search.budget().queries);
  job.files = write_seeds_outputs(dir, search, job.results, summary);
  spdlog::info("wrote {}/: config.resolved.yaml, log.txt, {}", dir, join(job.files, ", "));
  job.report = search.strategy().name() + ", " + std::to_string(seeds->size()) + " seeds, " +
               search.objective().describe() + "\n" + summary.table();
  return job;
}

}  // namespace hwnas
