#include "search/differentiable/supernet_job.h"

#include <spdlog/spdlog.h>

#include "core/config.h"
#include "core/run_dir.h"
#include "search/training/resume.h"

namespace hwnas {

SupernetSearchResult run_supernet_job(const SupernetSearchOptions& options, const Config& config,
                                      const std::string& dir, bool resume,
                                      const std::vector<std::string>& sets,
                                      const std::string& source,
                                      std::shared_ptr<const CostLibrary> library) {
  const auto held = open_run_dir(
      dir, config.resolved_yaml(),
      {"supernet search", resume ? RunDirMode::kResume : RunDirMode::kStart});
  if (resume) prepare_resume(dir, "hwnas_search", options.train.epochs, sets, config.resolved_yaml());
  spdlog::info("hwnas_search {} -> {}", source, dir);
  if (!library) library = options.tables.load();
  const auto result = SupernetSearch(options, library).run(dir, resume);
  spdlog::info("wrote {}/: config.resolved.yaml, log.txt, metrics.csv, {}, checkpoints/", dir,
               result.trained_only.empty() ? "arch.json" : "supernet.json");
  return result;
}

}  // namespace hwnas
