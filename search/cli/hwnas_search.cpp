// hwnas_search: one search (or many seeds of it) from a YAML config, into a run folder.
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "core/config.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/paths.h"
#include "core/run_dir.h"
#include "core/strings.h"
#include "core/cli_args.h"
#include "costmodels/cost_library.h"
#include "search/run_outputs.h"
#include "search/search_run.h"
#include "search/supernet_search.h"

namespace {

std::string list_strategies() {
  hwnas::register_builtin_strategies();
  const auto& registry = hwnas::StrategyRegistry::global();
  std::string out = "registered strategies (strategy.type):\n";
  const auto line = [&out](const std::string& name, const std::string& description) {
    std::string left = "  " + name;
    left.resize(std::max<size_t>(left.size(), 16), ' ');
    out += left + description + "\n";
  };
  for (const auto& name : registry.names()) line(name, registry.description(name));
  out += "supernet strategies (train a supernet on images; configs/table5, configs/smoke):\n";
  line("proxylessnas", "ProxylessNAS binary gates, single-path weight steps, cost term from a table");
  line("fbnet_dnas", "FBNet-DNAS Gumbel-softmax over all paths, cost term from a table");
  return out;
}

// ProxylessNAS / FBNet-DNAS: one supernet training run, resumable from its last checkpoint.
int run_supernet(const hwnas::Config& config, const hwnas::CliArgs& args, const std::string& resume_dir) {
  const auto options = hwnas::SupernetSearchOptions::read(config);
  config.check_unknown_keys();
  if (args.has("seeds")) {
    throw hwnas::InputError("hwnas_search: --seeds is for tabular strategies; run supernet "
                            "searches one seed at a time (--set seed=N)");
  }
  const std::string dir = !resume_dir.empty() ? resume_dir
                                              : args.value("out", options.output_dir + "/" + options.name);
  hwnas::open_run_dir(dir, config.resolved_yaml());
  spdlog::info("hwnas_search {} -> {}", resume_dir.empty() ? "--config " + args.value("config")
                                                           : "--resume " + resume_dir, dir);
  const auto library = options.tables.load();
  const auto result = hwnas::SupernetSearch(options, library).run(dir, !resume_dir.empty());
  spdlog::info("wrote {}/: config.resolved.yaml, log.txt, metrics.csv, arch.json, checkpoints/", dir);
  std::cout << result.brief_report() << "\n";
  return 0;
}

int run(int argc, const char* const* argv) {
  hwnas::CliArgs args(
      "hwnas_search",
      "Hardware-aware NAS on the NAS-Bench-201 tables from a YAML config.\n"
      "examples:\n"
      "  hwnas_search --config configs/quickstart.yaml\n"
      "  hwnas_search --config configs/quickstart.yaml --set objective.limit=4 --seeds 0-99\n"
      "  hwnas_search --config configs/nb201/nsga2_edgegpu_raspi4.yaml --out /tmp/front",
      {{"config", true, "the YAML config (required)"},
       {"set", true, "override a key: --set strategy.population_size=64 (repeatable)"},
       {"seeds", true, "run many seeds in parallel: 0-99, or 1,2,7 (default: the config's seed)"},
       {"out", true, "run folder (default: <output.dir>/<name>)"},
       {"resume", true, "continue the supernet search in this run folder from its last checkpoint"},
       {"list", false, "list the registered strategies"},
       {"log-level", true, "debug, info (default), warn, error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"info")) return 0;  // --help
  if (args.has("list")) {
    std::cout << list_strategies();
    return 0;
  }
  const std::string resume_dir = args.value("resume");
  if (!resume_dir.empty()) {
    // The run's own resolved config: the resumed run is the run that was started.
    const auto config = hwnas::Config::load(resume_dir + "/config.resolved.yaml");
    const std::string type = config.root().child("strategy").get_string("type", "");
    if (!hwnas::is_supernet_strategy(type)) {
      throw hwnas::InputError("hwnas_search: --resume continues supernet searches (proxylessnas, "
                              "fbnet_dnas); " + resume_dir + " holds a '" + type +
                              "' run: rerun it with --config");
    }
    return run_supernet(config, args, resume_dir);
  }
  if (!args.has("config")) throw hwnas::InputError("hwnas_search: --config is required (see --help)");
  const auto config = hwnas::Config::load(args.value("config"), args.values("set"));
  if (hwnas::is_supernet_strategy(config.root().child("strategy").get_string("type", ""))) {
    return run_supernet(config, args, "");
  }
  const hwnas::SearchRun search = hwnas::SearchRun::from_config(config);

  const std::string dir =
      args.value("out", search.options().output_dir + "/" + search.options().name);
  std::filesystem::remove(dir + "/log.txt");  // a fresh tabular run starts a fresh log
  hwnas::open_run_dir(dir, config.resolved_yaml());
  spdlog::info("hwnas_search --config {} -> {}", args.value("config"), dir);
  spdlog::info("{}", search.evaluator().describe());
  spdlog::info("objective: {}; strategy: {}", search.objective().describe(), search.strategy().name());

  if (!args.has("seeds")) {
    const auto result = search.run_seed(static_cast<uint64_t>(search.options().seed), dir);
    spdlog::info("{}", result.brief_report(search.evaluator(), search.objective()));
    const auto files = hwnas::write_run_outputs(dir, search, result);
    spdlog::info("wrote {}/: config.resolved.yaml, log.txt, {}", dir, hwnas::join(files, ", "));
    std::cout << result.full_report(search.evaluator(), search.objective(), search.optimum());
    return 0;
  }
  const auto seeds = hwnas::parse_seed_list(args.value("seeds"));
  const auto start = std::chrono::steady_clock::now();
  const auto results = search.run_seeds(seeds);
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("{} seeds in {:.3f} s wall", seeds.size(), wall);
  for (const auto& r : results) spdlog::debug("{}", r.brief_report(search.evaluator(), search.objective()));
  const auto summary = hwnas::summarise_seeds(results, search.budget().queries);
  const auto files = hwnas::write_seeds_outputs(dir, search, results, summary);
  spdlog::info("wrote {}/: config.resolved.yaml, log.txt, {}", dir, hwnas::join(files, ", "));
  std::cout << search.strategy().name() << ", " << seeds.size() << " seeds, "
            << search.objective().describe() << "\n"
            << summary.table();
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_search", argc, argv, run); }
