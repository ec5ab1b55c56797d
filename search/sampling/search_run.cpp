#include "search/sampling/search_run.h"

#include <spdlog/spdlog.h>
#include <tbb/parallel_for.h>

#include <chrono>

#include "core/config.h"
#include "core/error.h"
#include "core/strings.h"
#include "costmodels/cost_library.h"

namespace hwnas {

SearchRun SearchRun::from_config(const Config& config,
                                 std::shared_ptr<const CostLibrary> library) {
  SearchRun run;
  const ConfigSection root = config.root();
  RunOptions& o = run.options_;
  o.run = RunHeader::read(root, o.run, RunHeader::Keys::Plain);
  o.space = root.get_choice("space", o.space, {"nb201", "fbnet"});
  const Space space = parse_space(o.space);
  o.setting = root.get_choice("setting", space == Space::NB201 ? "cifar10" : "cifar10",
                              space == Space::NB201 ? std::vector<std::string>{"cifar10"}
                                                    : std::vector<std::string>{"cifar10", "cifar100", "ImageNet"});
  o.tables = CostTablesOptions::read(root);

  const ConfigSection objective_section = root.child("objective");
  const ObjectiveOptions objective_options = ObjectiveOptions::read(objective_section);
  run.objective_ = std::make_shared<const Objective>(objective_options);
  const ConfigSection budget_section = root.child("budget");
  run.budget_ = Budget::read(budget_section);

  const ConfigSection strategy_section = root.child("strategy");
  run.strategy_ = make_strategy(strategy_section);
  if (!run.strategy_->supports(run.objective_->kind())) {
    strategy_section.fail("type", "strategy '" + run.strategy_->name() +
                                      "' does not handle objective.type " +
                                      objective_options.type +
                                      (run.objective_->multi_objective()
                                           ? " (use nsga2, random or a plugin)"
                                           : " (nsga2 needs objective.type pareto)"));
  }
  const ConfigSection evaluator_section = root.child("evaluator");
  register_builtin_evaluators();
  const auto& evaluators = EvaluatorRegistry::global();
  const std::string evaluator_type =
      evaluator_section.get_choice("type", "table", evaluators.names(), /*list_word=*/"registered");

  const ConfigSection output = root.child("output");
  o.plot = output.get_bool("plot", o.plot);
  o.history = output.get_bool("history", o.history);

  run.library_ = library ? std::move(library) : o.tables.load();
  // Metric names are placed in the config before the evaluator sees them.
  const auto check_metric = [&](const ConfigSection& section, const std::string& key,
                                const std::string& name) {
    try {
      if (space == Space::NB201) {
        run.library_->nb201().column(parse_cost_key(name));
      } else {
        run.library_->model(space, o.setting, parse_cost_key(name));
      }
    } catch (const InputError& e) {
      section.fail(key, e.what());
    }
  };
  for (const auto& name : objective_options.type == "pareto"
                              ? objective_options.metrics
                              : std::vector<std::string>{objective_options.metric}) {
    check_metric(objective_section, objective_options.type == "pareto" ? "metrics" : "metric", name);
  }
  const ConfigSection time_section = budget_section.child("time_model");
  if (evaluator_type == "table") check_metric(time_section, "metric", run.budget_.time_model.metric);
  EvaluatorContext context;
  context.library = run.library_;
  context.space = space;
  context.setting = o.setting;
  context.dataset = objective_options.dataset;
  context.metrics = run.objective_->metrics();
  context.time_model = run.budget_.time_model;
  try {
    run.evaluator_ = evaluators.create(evaluator_type, evaluator_section, context);
  } catch (const ConfigError&) {
    throw;
  } catch (const InputError& e) {
    if (evaluator_type != "table") throw;
    time_section.fail("metric", e.what());  // an incomplete time metric
  }
  config.check_unknown_keys();
  run.optimum_ = std::make_shared<const TableOptimum>(
      TableOptimum::compute(*run.evaluator_, *run.objective_));
  if (run.optimum_->available && !run.objective_->multi_objective() && run.optimum_->best_code < 0) {
    objective_section.fail(objective_options.type == "constrained" ? "limit" : "metric",
                           "no arch of the table satisfies it (" +
                               std::to_string(run.optimum_->num_unknown) +
                               " archs have an unknown cost)");
  }
  return run;
}

SearchResult SearchRun::run_seed(uint64_t seed, const std::string& run_dir) const {
  const auto start = std::chrono::steady_clock::now();
  SearchContext ctx(*evaluator_, *objective_, budget_, seed, run_dir);
  strategy_->search(ctx);
  SearchResult result = make_result(strategy_->name(), ctx, *optimum_);
  result.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::vector<SearchResult> SearchRun::run_seeds(const std::vector<uint64_t>& seeds) const {
  std::vector<SearchResult> results(seeds.size());
  tbb::parallel_for(size_t{0}, seeds.size(), [&](size_t i) { results[i] = run_seed(seeds[i]); });
  return results;
}

std::vector<uint64_t> parse_seed_list(const std::string& text) {
  std::vector<uint64_t> seeds;
  const auto bad = [&text](const std::string& why) {
    return InputError("bad seed list '" + text + "': " + why +
                      "; expected e.g. 7, 0-99 or 1,2,10-12");
  };
  for (auto piece : split(text, ',')) {
    piece = trim(piece);
    const size_t dash = piece.find('-', 1);
    int first = 0, last = 0;
    if (dash == std::string_view::npos) {
      if (!parse_int(piece, first)) throw bad("'" + std::string(piece) + "' is not a seed");
      last = first;
    } else if (!parse_int(piece.substr(0, dash), first) || !parse_int(piece.substr(dash + 1), last)) {
      throw bad("'" + std::string(piece) + "' is not a range");
    }
    if (first < 0 || last < first) throw bad("'" + std::string(piece) + "' is empty or negative");
    if (last - first > 100000) throw bad("more than 100000 seeds");
    for (int s = first; s <= last; ++s) seeds.push_back(static_cast<uint64_t>(s));
  }
  if (seeds.empty()) throw bad("no seeds");
  return seeds;
}

std::vector<int> regret_checkpoints(int max_queries) {
  std::vector<int> points;
  for (long scale = 1; scale <= max_queries; scale *= 10) {
    for (long m : {1, 2, 5}) {
      if (scale * m < max_queries) points.push_back(static_cast<int>(scale * m));
    }
  }
  points.push_back(max_queries);
  return points;
}

}  // namespace hwnas
