// hwnas._hwnas, the compiled half of the Python package (python/hwnas/ is the other): bindings
// only; every computation is the engine's own code.
#include <pybind11/pybind11.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/logging.h"
#include "python/src/cost_library.h"
#include "python/src/errors.h"

namespace py = pybind11;

namespace hwnas::python {
void bind_search(py::module_& m);
}

PYBIND11_MODULE(_hwnas, m) {
  m.doc() = "hwnas engine bindings; import the hwnas package instead.";
  // The executables' console logging, on stderr; "warn" keeps a notebook quiet. Run folders still
  // get every info line in their log.txt.
  hwnas::setup_logging("warn");
  m.def(
      "set_log_level",
      [](const std::string& level) {
        const auto parsed = spdlog::level::from_str(level);
        if (parsed == spdlog::level::off && level != "off") {
          throw hwnas::InputError("unknown log level '" + level + "'; known: debug, info, warn, error, off");
        }
        // The console sink is the first; held run folders' log.txt sinks keep their info lines.
        const auto logger = spdlog::default_logger();
        logger->sinks().front()->set_level(parsed);
        logger->set_level(logger->sinks().size() > 1 ? std::min(parsed, spdlog::level::info) : parsed);
      },
      py::arg("level"), "Console log level: debug, info, warn (default), error, off.");
  hwnas::python::bind_errors(m);
  hwnas::python::bind_cost_library(m);
  hwnas::python::bind_search(m);
}
