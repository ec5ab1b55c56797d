#include "core/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "core/error.h"

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

}  // namespace hwnas
