// hwnas_search: one search (or many seeds of it) from a YAML config, into a run folder.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <iostream>

#include "core/config.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/paths.h"
#include "core/strings.h"
#include "core/cli_args.h"
#include "costmodels/cost_library.h"
#include "search/sampling/search_job.h"
#include "search/differentiable/supernet_evaluator.h"
#include "search/zero_cost/zero_cost_evaluator.h"
#include "search/differentiable/supernet_job.h"
#include "search/differentiable/supernet_search.h"
#include "search/differentiable/supernet_strategy.h"
#include "search/distributed/distributed_options.h"
#include "search/training/resume.h"

namespace {

// Every registered strategy type, sampling and supernet alike (plug-ins join once loaded).
std::vector<std::string> all_strategy_types() {
  hwnas::register_builtin_strategies();
  hwnas::register_builtin_supernet_strategies();
  auto types = hwnas::StrategyRegistry::global().names();
  for (const auto& name : hwnas::SupernetStrategyRegistry::global().names()) types.push_back(name);
  std::sort(types.begin(), types.end());
  return types;
}

std::string list_strategies() {
  all_strategy_types();  // registers both kinds
  std::string out;
  const auto line = [&out](const std::string& name, const std::string& description) {
    std::string left = "  " + name;
    left.resize(std::max<size_t>(left.size(), 16), ' ');
    out += left + description + "\n";
  };
  const auto& sampling = hwnas::StrategyRegistry::global();
  out += "sampling strategies (strategy.type; query an evaluator: the NB201 tables):\n";
  for (const auto& name : sampling.names()) line(name, sampling.description(name));
  const auto& supernet = hwnas::SupernetStrategyRegistry::global();
  out += "supernet strategies (strategy.type; train a supernet on images: configs/table5, "
         "configs/smoke):\n";
  for (const auto& name : supernet.names()) line(name, supernet.description(name));
  return out;
}

// --check: the config is read and validated and the tables it names are loaded; nothing runs and
// no run folder is written.
template <typename LoadTables>
int report_checked(const hwnas::Config& config, LoadTables load_tables) {
  load_tables();
  std::cout << config.source() << ": ok\n";
  return 0;
}

// A supernet search: one training run, resumable from its last checkpoint.
int run_supernet(const hwnas::Config& config, const hwnas::CliArgs& args, const std::string& resume_dir) {
  const auto options = hwnas::SupernetSearchOptions::read(config);
  config.check_unknown_keys();
  if (args.has("seeds")) {
    throw hwnas::InputError("hwnas_search: --seeds is for sampling strategies; run supernet "
                            "searches one seed at a time (--set seed=N)");
  }
  if (args.has("check")) return report_checked(config, [&] { options.tables.load(); });
  const bool resume = !resume_dir.empty();
  const std::string dir = resume ? resume_dir : args.value("out", options.run.run_dir());
  const auto result = hwnas::run_supernet_job(
      options, config, dir, resume, args.values("set"),
      resume ? "--resume " + resume_dir : "--config " + args.value("config"));
  if (hwnas::LaunchEnvironment::read().rank == 0) std::cout << result.brief_report() << "\n";
  return 0;
}

// --resume DIR continues the run DIR holds with DIR's config: options that would start or
// shape another run are refused rather than ignored.
void check_resume_arguments(const hwnas::CliArgs& args, const std::string& dir) {
  for (const char* option : {"config", "out", "init-from", "seeds"}) {
    if (!args.has(option)) continue;
    const std::string name = option == std::string("config") || option == std::string("out")
                                 ? "--config/--out"
                                 : "--" + std::string(option);
    throw hwnas::InputError("hwnas_search: --resume DIR continues the run in DIR with its own "
                            "config; " + name + " cannot be combined");
  }
  hwnas::check_resume_folder("hwnas_search", dir, args.values("set"));
}

int run(int argc, const char* const* argv) {
  hwnas::CliArgs args(
      "hwnas_search",
      "Hardware-aware NAS from a YAML config: sampling strategies over the NAS-Bench-201 tables,\n"
      "or a supernet trained on images by a differentiable strategy (see --list).\n"
      "examples:\n"
      "  hwnas_search --config configs/quickstart.yaml\n"
      "  hwnas_search --config configs/quickstart.yaml --set objective.limit=4 --seeds 0-99\n"
      "  hwnas_search --config configs/nb201/nsga2_edgegpu.yaml --out /tmp/front\n"
      "  hwnas_search --config configs/smoke/proxylessnas_fbnet.yaml\n"
      "  hwnas_search --config configs/table5/fpga.yaml --init-from runs/table5-warmup\n"
      "  hwnas_search --resume runs/smoke-proxylessnas-fbnet",
      {{"config", true, "the YAML config (required)"},
       {"set", true, "override a key: --set strategy.population_size=64 (repeatable)"},
       {"seeds", true, "run many seeds in parallel: 0-99, or 1,2,7 (default: the config's seed)"},
       {"out", true, "run folder (default: <output.dir>/<name>)"},
       {"resume", true, "continue the supernet search in this run folder from its last checkpoint"},
       {"init-from", true, "start the supernet search from this run's checkpoint (a shared "
                           "warm-up: strategy.type warmup); = --set init.from=DIR"},
       {"check", false, "validate the config and load its tables, then stop (runs nothing)"},
       {"list", false, "list the registered strategies"},
       {"log-level", true, "debug, info (default), warn, error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"info")) return 0;  // --help
  if (args.has("list")) {
    std::cout << list_strategies();
    return 0;
  }
  const std::string resume_dir = args.value("resume");
  if (!resume_dir.empty()) {
    check_resume_arguments(args, resume_dir);
    // The run's own resolved config: the resumed run is the run that was started.
    const auto config = hwnas::Config::load(resume_dir + "/config.resolved.yaml", args.values("set"));
    const std::string type = config.root().child("strategy").get_string("type", "");
    if (!hwnas::is_supernet_strategy(type)) {
      throw hwnas::InputError("hwnas_search: --resume continues supernet searches (" +
                              hwnas::join(hwnas::SupernetStrategyRegistry::global().names(), ", ") +
                              "); " + resume_dir + " holds a '" + type +
                              "' run: rerun it with --config");
    }
    return run_supernet(config, args, resume_dir);
  }
  if (!args.has("config")) throw hwnas::InputError("hwnas_search: --config is required (see --help)");
  auto sets = args.values("set");
  if (args.has("init-from")) sets.push_back("init.from=" + args.value("init-from"));
  const auto config = hwnas::Config::load(args.value("config"), sets);
  // One choice over both registries, so an unknown type lists every registered name.
  const std::string type = config.root().child("strategy").get_choice(
      "type", "evolution", all_strategy_types(), /*list_word=*/"registered");
  if (hwnas::is_supernet_strategy(type)) return run_supernet(config, args, "");
  const auto launch = hwnas::LaunchEnvironment::read();
  if (launch.distributed()) {
    throw hwnas::InputError("hwnas_search: WORLD_SIZE=" + std::to_string(launch.world_size) +
                            ": strategy.type " + type + " (a sampling search) runs in one "
                            "process; several processes train supernets (strategy.type " +
                            hwnas::join(hwnas::SupernetStrategyRegistry::global().names(), ", ") + ")");
  }
  hwnas::register_supernet_evaluator();
  hwnas::register_zero_cost_evaluator();
  const hwnas::SearchRun search = hwnas::SearchRun::from_config(config);
  if (args.has("check")) return report_checked(config, [] {});  // from_config loaded the tables

  const std::string dir = args.value("out", search.options().run.run_dir());
  std::optional<std::vector<uint64_t>> seeds;
  if (args.has("seeds")) seeds = hwnas::parse_seed_list(args.value("seeds"));
  std::cout << hwnas::run_sampling_job(search, config, dir, args.value("config"), seeds).report;
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_search", argc, argv, run); }
