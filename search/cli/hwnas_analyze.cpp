// hwnas_analyze: the hardware-cost analyses (FLOPs/params vs real cost, cross-device rank
// correlation, accuracy-cost Pareto fronts) over the HW-NAS-Bench and HELP tables, written as
// Markdown, CSV and PNG into a run folder; the Markdown also goes to stdout.
#include <iostream>

#include "core/cli_args.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/strings.h"
#include "costmodels/analysis/analysis.h"
#include "costmodels/analysis/device_comparison.h"

namespace {

std::vector<std::string> list_values(const hwnas::CliArgs& args, const std::string& name,
                                     const std::string& fallback) {
  std::vector<std::string> out;
  for (const auto& value :
       args.has(name) ? args.values(name) : std::vector<std::string>{fallback}) {
    for (auto piece : hwnas::split_any(value, ", ")) out.emplace_back(piece);
  }
  return out;
}

hwnas::AnalysisOptions options_from(const hwnas::CliArgs& args) {
  hwnas::AnalysisOptions o;
  o.out_dir = args.value("out", o.out_dir);
  o.nb201 = o.fbnet = false;
  for (const auto& space : list_values(args, "space", "all")) {
    if (space == "all") {
      o.nb201 = o.fbnet = true;
    } else if (hwnas::parse_space(space) == hwnas::Space::NB201) {
      o.nb201 = true;
    } else {
      o.fbnet = true;
    }
  }
  o.complexity = o.cross_device = o.pareto = false;
  for (const auto& what : list_values(args, "analysis", "all")) {
    if (what == "all") {
      o.complexity = o.cross_device = o.pareto = true;
    } else if (what == "complexity") {
      o.complexity = true;
    } else if (what == "cross") {
      o.cross_device = true;
    } else if (what == "pareto") {
      o.pareto = true;
    } else {
      throw hwnas::InputError("--analysis '" + what +
                              "': unknown; known: complexity, cross, pareto, all");
    }
  }
  if (args.has("fbnet-settings")) {
    o.fbnet_settings.clear();
    for (const auto& s : list_values(args, "fbnet-settings", "")) {
      if (s != "none") o.fbnet_settings.push_back(hwnas::parse_fbnet_setting(s));
    }
  }
  if (args.has("samples")) {
    o.fbnet_samples = static_cast<size_t>(args.int_value(
        "samples", 0, /*minimum=*/1, static_cast<int>(hwnas::AnalysisOptions::kMaxFbnetSamples)));
  }
  o.seed = static_cast<uint64_t>(args.int_value("seed", static_cast<int>(o.seed), /*minimum=*/0));
  o.fbnet_help = !args.has("no-help");
  o.dataset = hwnas::parse_nb201_dataset(args.value("dataset", "cifar10"));
  o.highlight = args.value("highlight", o.highlight);
  o.plots = !args.has("no-plots");
  return o;
}

// --compare TARGET=DIR[,DIR...] (repeated): the device-specific search table of the found archs.
int run_comparison(const hwnas::CliArgs& args) {
  std::vector<std::pair<hwnas::CostKey, std::vector<std::string>>> rows;
  for (const auto& spec : args.values("compare")) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      throw hwnas::InputError("--compare '" + spec +
                              "': expected TARGET_METRIC=RUN_DIR[,RUN_DIR...], e.g. "
                              "edgegpu_latency=runs/table5/retrain-edgegpu");
    }
    const std::string dir_list = spec.substr(eq + 1);  // split returns views into it
    std::vector<std::string> dirs;
    for (auto dir : hwnas::split(dir_list, ',')) dirs.emplace_back(dir);
    rows.emplace_back(hwnas::parse_cost_key(spec.substr(0, eq)), dirs);
  }
  std::vector<hwnas::CostKey> columns;
  if (args.has("columns")) {
    for (const auto& name : list_values(args, "columns", ""))
      columns.push_back(hwnas::parse_cost_key(name));
  }
  const auto library = hwnas::CostLibrary::load(args.value("data-dir"), args.values("cost-table"));
  const auto table = hwnas::compare_found_archs(*library, rows, columns);
  const std::string out = args.value("out", "runs/comparison");
  const auto files = table.write(out, args.value("name", "comparison"));
  std::cout << table.to_markdown() << "\n"
            << hwnas::join(files, ", ") << " written to " << out << "/\n";
  return 0;
}

int run(int argc, const char* const* argv) {
  hwnas::CliArgs args(
      "hwnas_analyze",
      "Hardware-cost analysis: FLOPs/#params vs device costs, cross-device Kendall tau-b,\n"
      "accuracy-cost Pareto fronts (nb201). Markdown on stdout; Markdown, CSV and PNG in --out.\n"
      "examples:\n"
      "  hwnas_analyze                                   (everything into runs/analysis/)\n"
      "  hwnas_analyze --space nb201 --dataset cifar100 --highlight raspi4_latency\n"
      "  hwnas_analyze --space fbnet --fbnet-settings cifar100 --samples 2000 --no-plots\n"
      "  hwnas_analyze --compare edgegpu_latency=runs/a --compare fpga_latency=runs/b --name "
      "table5",
      {{"out", true, "run folder (default runs/analysis)"},
       {"space", true, "nb201, fbnet or all (default; comma-separated or repeated)"},
       {"analysis", true, "complexity, cross, pareto or all (default)"},
       {"fbnet-settings", true,
        "fbnet LUT settings to sample: cifar100,ImageNet (default), cifar10, none"},
       {"samples", true,
        "fbnet random architectures per setting, 1.." +
            std::to_string(hwnas::AnalysisOptions::kMaxFbnetSamples) + " (default 10000)"},
       {"seed", true, "seed of the fbnet sample (default 0)"},
       {"no-help", false, "skip HELP's 5,000-arch fbnet table (23 extra devices)"},
       {"dataset", true,
        "nb201 accuracy for the Pareto fronts: cifar10 (default), cifar100, ImageNet16-120"},
       {"highlight", true,
        "metric whose Pareto set is marked on the others' plots (default edgegpu_latency)"},
       {"no-plots", false, "skip the gnuplot PNGs"},
       {"compare", true,
        "TARGET_METRIC=RUN_DIR[,RUN_DIR...]: table the archs found for each target "
        "(top-1 from result.json, costs from the tables); repeat per target"},
       {"columns", true, "with --compare: metrics to show (default: the targets)"},
       {"name", true, "with --compare: file stem of the .md/.csv/.png (default comparison)"},
       {"data-dir", true, "folder of the tables (default: $HWNAS_DATA_DIR or the built-in data/)"},
       {"cost-table", true,
        "an extra LUT file (hwnas_profile, hwnas_fit) adding its devices (repeatable)"},
       {"log-level", true, "debug, info, warn (default), error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"warn")) return 0;  // --help
  if (args.has("compare")) return run_comparison(args);
  const hwnas::AnalysisOptions options = options_from(args);
  options.validate();
  const auto library = hwnas::CostLibrary::load(args.value("data-dir"), args.values("cost-table"));
  const hwnas::AnalysisReport report = hwnas::run_analysis(*library, options);
  std::cout << report.markdown << "\n"
            << report.files.size() << " files written to " << options.out_dir
            << "/ (report.md holds the tables above)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_analyze", argc, argv, run); }
