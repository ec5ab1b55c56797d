#pragma once
// The run folder every search, retraining and profile writes: created with its resolved config
// and its log.
#include <string>

namespace hwnas {

// Creates a run folder, writes config.resolved.yaml into it and adds its log.txt to the default
// logger (info lines and above, whatever the console shows; appended, so a resumed run keeps its
// history). DataError naming the folder when it cannot be created.
void open_run_dir(const std::string& dir, const std::string& resolved_config);

}  // namespace hwnas
