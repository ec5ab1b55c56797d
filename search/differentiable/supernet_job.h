#pragma once
// A supernet search from its config to its run folder, as `hwnas_search --config X` (or
// `--resume DIR`) runs it and the Python package's hwnas.search() calls it: the folder is held
// for the run's life (a new run, or the resumed one with its --resume checks), the tables are
// loaded (or `library` used) and the supernet trained, checkpointing each epoch.
#include <memory>
#include <string>
#include <vector>

#include "search/differentiable/supernet_search.h"

namespace hwnas {

class Config;

// `sets`: the --set overrides of a resumed run (prepare_resume checks what they may change).
// `source`: how the log names the start ("--config configs/x.yaml", "--resume DIR").
SupernetSearchResult run_supernet_job(const SupernetSearchOptions& options, const Config& config,
                                      const std::string& dir, bool resume,
                                      const std::vector<std::string>& sets,
                                      const std::string& source,
                                      std::shared_ptr<const CostLibrary> library = nullptr);

}  // namespace hwnas
