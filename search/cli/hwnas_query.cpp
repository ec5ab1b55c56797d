// hwnas_query: the cost of one architecture on every device and metric of its space, from the
// embedded HW-NAS-Bench/HELP tables, plus FLOPs/params and (NB201) accuracies.
#include <spdlog/spdlog.h>

#include <iostream>

#include "core/error.h"
#include "core/logging.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"
#include "core/cli_args.h"

namespace {

std::string list_everything(const hwnas::CostLibrary& library) {
  std::string out = "data folder: " + library.dir() + "\n";
  for (hwnas::Space space : {hwnas::Space::FBNet, hwnas::Space::NB201}) {
    const auto& s = hwnas::search_space(space);
    out += "\nspace " + s.name + ": " + std::to_string(s.num_decisions) + " decisions x " +
           std::to_string(s.num_choices) + " choices (" + hwnas::join(s.choice_names, ", ") + ")\n";
    out += "  settings: " + hwnas::join(library.settings(space), ", ") + "\n  metrics:\n";
    for (const auto& key : library.keys(space)) {
      const auto info = library.device_info(key.device);
      std::string coverage;
      if (space == hwnas::Space::NB201) {
        const auto& column = library.nb201().column(key);
        coverage = column.complete() ? "" : "  [" + std::to_string(column.known) + " of 15625 known]";
      }
      std::string name = key.to_string();
      name.resize(std::max<size_t>(name.size(), 34), ' ');
      out += "    " + name + " " + info.description + ", " + hwnas::to_string(info.source) +
             coverage + "\n";
    }
  }
  return out;
}

int run(int argc, const char* const* argv) {
  hwnas::CliArgs args(
      "hwnas_query",
      "Cost of one architecture on every device/metric, FLOPs, params and (nb201) accuracy.\n"
      "examples:\n"
      "  hwnas_query --space fbnet --setting cifar100 --arch k3_e6,skip,...  (22 names or 0..8)\n"
      "  hwnas_query --space nb201 --arch 123\n"
      "  hwnas_query --space nb201 --arch '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|...|'",
      {{"space", true, "fbnet (default) or nb201"},
       {"setting", true, "fbnet: cifar100 (default), cifar10, ImageNet; nb201: cifar10"},
       {"arch", true, "the architecture (see examples)"},
       {"metric", true, "only these metrics (comma-separated or repeated), e.g. edgegpu_latency"},
       {"json", false, "machine-readable output"},
       {"list", false, "list spaces, settings, devices and metrics"},
       {"data-dir", true, "folder of the tables (default: $HWNAS_DATA_DIR or the built-in data/)"},
       {"cost-table", true, "an extra LUT file (hwnas_profile, hwnas_fit) adding its devices (repeatable)"},
       {"log-level", true, "debug, info, warn (default), error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"warn")) return 0;  // --help
  const auto library = hwnas::CostLibrary::load(args.value("data-dir"), args.values("cost-table"));
  if (args.has("list")) {
    std::cout << list_everything(*library);
    return 0;
  }
  if (!args.has("arch")) throw hwnas::InputError("hwnas_query: --arch is required (or --list)");
  const hwnas::Space space = hwnas::parse_space(args.value("space", "fbnet"));
  const std::string setting =
      args.value("setting", space == hwnas::Space::FBNet ? "cifar100" : "cifar10");
  std::vector<hwnas::CostKey> keys;
  for (const auto& value : args.values("metric")) {
    for (auto piece : hwnas::split_any(value, ", ")) keys.push_back(hwnas::parse_cost_key(piece));
  }
  const hwnas::Arch arch = hwnas::parse_arch_argument(*library, space, args.value("arch"));
  const auto report = hwnas::make_arch_report(*library, arch, setting, keys);
  std::cout << (args.has("json") ? report.to_json() + "\n" : report.to_table());
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_query", argc, argv, run); }
