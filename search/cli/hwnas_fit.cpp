// hwnas_fit: additive FBNet latency tables fitted to HELP's whole-network latencies (devices with
// no per-block table), written as LUT files the cost library can load, plus a fit report.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>

#include "core/cli_args.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/fitted_table.h"

namespace {

double number_flag(const hwnas::CliArgs& args, const std::string& flag, double fallback) {
  if (!args.has(flag)) return fallback;
  double value = 0;
  if (!hwnas::parse_double(args.value(flag), value)) {
    throw hwnas::InputError("--" + flag + " '" + args.value(flag) + "' is not a number");
  }
  return value;
}

// FitOptions::validate() names the option and the rule; this adds the flag the value came from.
template <typename Set>
void check_flag(const std::string& flag, Set set) {
  hwnas::FitOptions probe;  // the defaults are valid, so only the value set here can fail
  set(probe);
  try {
    probe.validate();
  } catch (const hwnas::InputError& e) {
    throw hwnas::InputError("--" + flag + ": " + e.what());
  }
}

uint64_t seed_flag(const hwnas::CliArgs& args) {
  if (!args.has("seed")) return 0;
  const std::string text(hwnas::trim(args.value("seed")));
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  errno = 0;
  const unsigned long long value = digits ? std::strtoull(text.c_str(), nullptr, 10) : 0;
  if (!digits || errno == ERANGE) {
    throw hwnas::InputError("--seed '" + args.value("seed") +
                            "' is not a seed; expected an integer in 0.." +
                            std::to_string(std::numeric_limits<uint64_t>::max()));
  }
  return value;
}

// --device values (comma-separated or repeated): "all" = every measured device.
std::vector<std::string> requested_devices(const hwnas::CliArgs& args,
                                           const hwnas::HelpFbnetMeasurements& help) {
  std::vector<std::string> known;
  for (const auto& column : help.columns) known.push_back(column.device);
  std::vector<std::string> devices;
  for (const auto& value : args.values("device")) {
    for (auto piece : hwnas::split_any(value, ", ")) {
      const std::string name(piece);
      if (name == "all") {
        for (const auto& d : hwnas::help_measured_devices(help)) devices.push_back(d);
      } else if (std::find(known.begin(), known.end(), name) != known.end()) {
        devices.push_back(name);
      } else {
        throw hwnas::InputError("--device '" + name + "' is not a HELP fbnet device of " +
                                help.file + "; known: all, " + hwnas::join(known, ", "));
      }
    }
  }
  if (devices.empty()) throw hwnas::InputError("--device is empty; expected a device or 'all'");
  std::vector<std::string> unique;  // in the order asked, each once
  for (const auto& d : devices) {
    if (std::find(unique.begin(), unique.end(), d) == unique.end()) unique.push_back(d);
  }
  return unique;
}

int run(int argc, const char* const* argv) {
  hwnas::CliArgs args(
      "hwnas_fit",
      "Fit additive fbnet (cifar100) latency tables to HELP's whole-network latencies by ridge\n"
      "least squares; writes OUT/<device>_latency.json (HW-NAS-Bench LUT format) per device and\n"
      "OUT/fit_report.md / .csv (held-out Kendall tau, Pearson, MRE vs a FLOPs-only line).\n"
      "examples:\n"
      "  hwnas_fit --device all --out runs/fitted\n"
      "  hwnas_fit --device 2080ti_32,gold_6226 --lambda 1e-4 --seed 3",
      {{"device", true,
        "HELP device(s), comma-separated or repeated; 'all' = the 23 measured devices (the LUT "
        "sums eyeriss, fpga, pixel3, raspi4 only when named)"},
       {"lambda", true,
        "ridge penalty, in 0..1 (default 1e-3; 0 = plain least squares; 1 shrinks each entry "
        "to ~10%; see costmodels/fitted_table.h)"},
       {"test-fraction", true, "held-out share of the 5,000 archs, in (0, 1) (default 0.2)"},
       {"seed", true, "seed of the train/test split (default 0)"},
       {"out", true, "output folder (default runs/fitted)"},
       {"data-dir", true, "folder of the tables (default: $HWNAS_DATA_DIR or the built-in data/)"},
       {"log-level", true, "debug, info, warn (default), error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"warn")) return 0;  // --help
  if (!args.has("device")) throw hwnas::InputError("--device is required (a HELP device or 'all')");
  hwnas::FitOptions options;
  options.lambda = number_flag(args, "lambda", options.lambda);
  options.test_fraction = number_flag(args, "test-fraction", options.test_fraction);
  options.seed = seed_flag(args);
  check_flag("lambda", [&](hwnas::FitOptions& o) { o.lambda = options.lambda; });
  check_flag("test-fraction",
             [&](hwnas::FitOptions& o) { o.test_fraction = options.test_fraction; });
  options.validate();

  const auto help = hwnas::HelpFbnetMeasurements::load(
      hwnas::data_path("help/fbnet_cifar100_latency.csv", args.value("data-dir")));
  const auto devices = requested_devices(args, help);
  const std::string out_dir = args.value("out", "runs/fitted");
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw hwnas::IoError("cannot create --out folder '" + out_dir + "': " + ec.message());

  std::vector<hwnas::FittedFbnetTable> fits;
  for (const auto& device : devices) {
    fits.push_back(hwnas::fit_help_device(help, device, options));
    hwnas::write_text_file(out_dir + "/" + device + "_latency.json",
                           hwnas::fitted_table_json(fits.back()));
  }
  const std::string markdown = hwnas::fit_report_markdown(fits);
  hwnas::write_text_file(out_dir + "/fit_report.md", markdown);
  hwnas::write_text_file(out_dir + "/fit_report.csv", hwnas::fit_report_csv(fits));
  std::cout << markdown;
  spdlog::info("wrote {} table(s) and fit_report.md/.csv to {}", fits.size(), out_dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_fit", argc, argv, run); }
