#pragma once
// Console logging set-up of the executables (spdlog).
#include <string>

namespace hwnas {

// Console logging for the executables: "warn", "info" (default) or "debug". Library code logs
// through spdlog's default logger and never prints to std::cout.
void setup_logging(const std::string& level = "info");

}  // namespace hwnas
