#include "search/differentiable/supernet_job.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "core/config.h"
#include "core/run_dir.h"
#include "search/training/resume.h"

namespace hwnas {

SupernetSearchResult run_supernet_job(const SupernetSearchOptions& options, const Config& config,
                                      const std::string& dir, bool resume,
                                      const std::vector<std::string>& sets,
                                      const std::string& source,
                                      std::shared_ptr<const CostLibrary> library) {
  SupernetSearchOptions run_options = options;
  const auto ranks = join_run_ranks(options.distributed, options.run.device, run_options.run.threads);
  // Rank 0 holds the run folder and writes it; the other ranks only read its checkpoint.
  std::optional<RunDir> held;
  if (ranks->is_main()) {
    held.emplace(open_run_dir(dir, config.resolved_yaml(),
                              {"supernet search", resume ? RunDirMode::kResume : RunDirMode::kStart}));
    if (resume) prepare_resume(dir, "hwnas_search", options.train.epochs, sets, config.resolved_yaml());
  }
  spdlog::info("hwnas_search {} -> {}", source, dir);
  if (!library) library = options.tables.load();
  const auto result = SupernetSearch(run_options, library).run(dir, resume, *ranks);
  spdlog::info("wrote {}/: config.resolved.yaml, log.txt, metrics.csv, {}, checkpoints/", dir,
               result.trained_only.empty() ? "arch.json" : "supernet.json");
  return result;
}

}  // namespace hwnas
