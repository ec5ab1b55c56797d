#include "core/run_dir.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/error.h"
#include "core/paths.h"

namespace hwnas {

void open_run_dir(const std::string& dir, const std::string& resolved_config) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) throw IoError("cannot create the run folder '" + dir + "': " + error.message());
  write_text_file(dir + "/config.resolved.yaml", resolved_config);
  auto file_sink =
      std::make_shared<spdlog::sinks::basic_file_sink_mt>(dir + "/log.txt", /*truncate=*/false);
  file_sink->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %l %v");
  const auto logger = spdlog::default_logger();
  const auto console_level = logger->level();
  for (auto& sink : logger->sinks()) sink->set_level(console_level);
  file_sink->set_level(std::min(console_level, spdlog::level::info));
  logger->sinks().push_back(file_sink);
  logger->set_level(std::min(console_level, spdlog::level::info));
}

}  // namespace hwnas
