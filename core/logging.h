#pragma once
// Console logging set-up of the executables (spdlog).
#include <string>

namespace hwnas {

// Console logging for the executables: "warn", "info" (default) or "debug". Library code logs
// through spdlog's default logger and never prints to std::cout.
void setup_logging(const std::string& level = "info");

// A run folder's log file whose run is ending by an exception (RunDir's destructor during
// unwinding): the error line run_main prints is appended there too, so log.txt tells why the run
// stopped.
void note_log_of_failing_run(const std::string& log_path);
// Appends "[time] error <line>" to the logs noted above (run_main calls it with its final line).
void log_error_to_files(const std::string& line);

}  // namespace hwnas
