#include "core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <vector>

#include "core/error.h"
#include "core/strings.h"

namespace hwnas {

void setup_logging(const std::string& level) {
  // Logs go to stderr so that stdout carries only results (tables, JSON) that scripts parse.
  auto logger = spdlog::stderr_color_mt("hwnas");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%H:%M:%S] %^%l%$ %v");
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") {
    throw InputError("unknown log level '" + level + "'; known: debug, info, warn, error, off");
  }
  spdlog::set_level(parsed);
}

namespace {
std::vector<std::string>& failing_run_logs() {
  static std::vector<std::string> logs;
  return logs;
}
}  // namespace

void note_log_of_failing_run(const std::string& log_path) { failing_run_logs().push_back(log_path); }

void log_error_to_files(const std::string& line) {
  for (const auto& path : failing_run_logs()) {
    std::ofstream out(path, std::ios::app);
    out << "[" << utc_timestamp() << "] error " << line << "\n";  // best effort: stderr has it
  }
  failing_run_logs().clear();
}

}  // namespace hwnas
