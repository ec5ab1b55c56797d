#include "search/zero_cost/zero_cost_evaluator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>

#include "core/config.h"
#include "core/error.h"
#include "core/strings.h"
#include "costmodels/cost_library.h"
#include "search/zero_cost/percentile_scale.h"
#include "search/zero_cost/score_table.h"

namespace hwnas {

namespace {
std::string trim_line(const std::string& line) { return std::string(trim(line)); }
}  // namespace

ZeroCostEvaluatorOptions ZeroCostEvaluatorOptions::read(const ConfigSection& s) {
  ZeroCostEvaluatorOptions o;
  std::vector<std::string> names;
  for (Proxy p : all_proxies()) names.push_back(to_string(p));
  const auto members = s.get_strings("proxy", {});
  if (members.empty()) {
    s.fail("proxy", "name a zero-cost proxy or a list of them (" + join(names, ", ") + ")");
  }
  for (const auto& name : members) {
    try {
      const Proxy p = parse_proxy(name);
      if (std::find(o.members.begin(), o.members.end(), p) != o.members.end()) {
        s.fail("proxy", "lists " + name + " twice");
      }
      o.members.push_back(p);
    } catch (const ConfigError&) {
      throw;
    } catch (const InputError& e) {
      s.fail("proxy", e.what());
    }
  }
  o.table = s.get_string("table", o.table);
  o.reference_archs = s.get_int("reference_archs", o.reference_archs);
  if (o.reference_archs < 1 || o.reference_archs > 15625) {
    s.fail("reference_archs", "must be in 1..15625");
  }
  o.inputs = ZeroCostInputs::read(s);
  return o;
}

// The scorer (built on the first arch the table does not have), the reference scales and the
// cache. Every member is used under `mutex`.
struct ZeroCostEvaluator::State {
  std::mutex mutex;
  std::optional<ScoreTable> table;
  std::unique_ptr<ZeroCostScorer> scorer;
  std::vector<PercentileScale> scales;
  std::string reference;  // what the scales were built from, for describe()
  std::map<std::vector<int>, std::vector<double>> cache;  // arch ops -> raw scores
  std::vector<Arch> order;                                // archs in the order first asked for
  int64_t queries = 0, hits = 0, from_table = 0, computed = 0;
  double seconds = 0;
};

ZeroCostEvaluator::ZeroCostEvaluator(ZeroCostEvaluatorOptions options,
                                     const EvaluatorContext& context)
    : options_(std::move(options)), context_(context), state_(std::make_unique<State>()) {
  if (context_.metrics.size() > static_cast<size_t>(kMaxCostMetrics)) {
    throw InputError("the zero-cost evaluator takes at most " + std::to_string(kMaxCostMetrics) +
                     " cost metrics, got " + std::to_string(context_.metrics.size()));
  }
  State& s = *state_;
  if (!options_.table.empty()) {
    try {
      s.table = ScoreTable::load(options_.table, context_.space);
    } catch (const DataError& e) {
      throw DataError("evaluator.table: " + std::string(e.what()));
    } catch (const InputError& e) {
      throw InputError("evaluator.table: " + std::string(e.what()));
    }
    // The archs the table lacks are computed with this evaluator's inputs: they must be the
    // table's, or its scores and the computed ones would not be comparable.
    const std::string mine =
        score_provenance(context_.space, context_.setting, options_.inputs.describe());
    if (s.table->provenance().empty()) {
      spdlog::warn(
          "evaluator.table: {} has no inputs.txt beside it; its scores are assumed to come "
          "from this evaluator's inputs ({})",
          options_.table, options_.inputs.describe());
    } else if (s.table->provenance() != mine) {
      throw InputError("evaluator.table: " + options_.table + " was scored on " +
                       trim_line(s.table->provenance()) + "; this evaluator's inputs are " +
                       trim_line(mine) + " (set its keys to the table's)");
    }
    for (Proxy p : options_.members) {
      if (!s.table->has(p)) {
        throw InputError("evaluator.table: " + options_.table + " has no " + to_string(p) +
                         " column (the evaluator's proxy)");
      }
    }
    for (Proxy p : options_.members) s.scales.emplace_back(s.table->column(p));
    s.reference = std::to_string(s.table->size()) + " archs of " + options_.table;
    return;
  }
  s.scorer = std::make_unique<ZeroCostScorer>(options_.inputs, context_.space, context_.setting,
                                              options_.members);
  // The reference archs: a seeded uniform sample of the space (NB201: distinct archs).
  const std::vector<Arch> reference = sample_archs(context_.space, options_.reference_archs,
                                                   static_cast<uint64_t>(options_.inputs.seed) + 1);
  std::vector<std::vector<double>> columns(options_.members.size());
  for (const Arch& arch : reference) {
    const auto scores = s.scorer->score(arch);
    for (size_t m = 0; m < scores.size(); ++m) columns[m].push_back(scores[m]);
  }
  for (auto& column : columns) s.scales.emplace_back(std::move(column));
  s.reference = std::to_string(reference.size()) + " random archs (seed " +
                std::to_string(options_.inputs.seed) + ")";
}

ZeroCostEvaluator::~ZeroCostEvaluator() = default;

const SearchSpace& ZeroCostEvaluator::space() const { return search_space(context_.space); }

std::string ZeroCostEvaluator::describe() const {
  std::vector<std::string> members, costs;
  for (Proxy p : options_.members) members.push_back(to_string(p));
  for (const auto& key : context_.metrics) costs.push_back(key.to_string());
  const std::string what = members.size() == 1
                               ? "zero-cost proxy " + members[0]
                               : "rank combination of the zero-cost proxies " + join(members, ", ");
  const std::string source = state_->table
                                 ? "scores read from " + options_.table
                                 : "scores at initialisation on " + options_.inputs.describe();
  return what + " (" + source + "); accuracy = the arch's percentile among " + state_->reference +
         (members.size() == 1 ? "" : ", averaged over the proxies") + "; costs " +
         (costs.empty() ? std::string("(none)") : join(costs, ", ")) + " (" + context_.setting +
         " setting)";
}

std::vector<double> ZeroCostEvaluator::raw_scores(const Arch& arch) const {
  if (arch.space != context_.space) {
    throw InputError("the zero-cost evaluator (" + to_string(context_.space) + ") got an " +
                     to_string(arch.space) + " arch");
  }
  validate(arch);
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mutex);
  ++s.queries;
  const auto cached = s.cache.find(arch.ops);
  if (cached != s.cache.end()) {
    ++s.hits;
    return cached->second;
  }
  std::vector<double> scores;
  if (s.table) {
    for (Proxy p : options_.members) {
      const auto found = s.table->find(arch, p);
      if (!found) break;
      scores.push_back(*found);
    }
    if (scores.size() == options_.members.size()) {
      ++s.from_table;
    } else {
      scores.clear();
    }
  }
  if (scores.empty()) {
    if (!s.scorer) {
      s.scorer = std::make_unique<ZeroCostScorer>(options_.inputs, context_.space, context_.setting,
                                                  options_.members);
    }
    const auto start = std::chrono::steady_clock::now();
    scores = s.scorer->score(arch);
    s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ++s.computed;
  }
  s.cache.emplace(arch.ops, scores);
  s.order.push_back(arch);
  return scores;
}

std::optional<Evaluation> ZeroCostEvaluator::evaluate_costs(const Arch& arch) const {
  validate(arch);
  return table_costs(*context_.library, context_.space, context_.setting, context_.metrics, arch);
}

Evaluation ZeroCostEvaluator::evaluate(const Arch& arch) const {
  const auto scores = raw_scores(arch);
  Evaluation e = *evaluate_costs(arch);
  double sum = 0;
  for (size_t m = 0; m < scores.size(); ++m) sum += state_->scales[m](scores[m]);
  e.accuracy = sum / static_cast<double>(scores.size());
  return e;
}

int ZeroCostEvaluator::arch_index(const Arch& arch) const {
  return arch.space == Space::NB201 ? context_.library->nb201().index_of(arch) : -1;
}

std::string ZeroCostEvaluator::usage_report() const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mutex);
  std::string report = "zero-cost evaluator: " + std::to_string(s.queries) +
                       " scored queries (a "
                       "hard limit's infeasible archs are not scored), " +
                       std::to_string(s.hits) + " from the cache";
  if (s.table) report += ", " + std::to_string(s.from_table) + " read from the table";
  report += ", " + std::to_string(s.computed) + " archs computed in " + format_fixed(s.seconds, 1) +
            " s (" + format_fixed(s.computed > 0 ? s.computed / s.seconds : 0.0, 2) + " archs/s)";
  return report;
}

std::vector<std::pair<std::string, std::string>> ZeroCostEvaluator::run_files() const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mutex);
  std::string csv = score_table_header(options_.members);
  for (const Arch& arch : s.order)
    csv += score_table_row(*context_.library, arch, s.cache.at(arch.ops));
  return {{"zero_cost_scores.csv", csv}};
}

void register_zero_cost_evaluator() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_builtin_evaluators();
    EvaluatorRegistry::global().add(
        "zero_cost", "built-in",
        "training-free proxies at initialisation (params, flops, grad_norm, snip, synflow, jacov, "
        "naswot, zico) or their rank combination",
        [](const ConfigSection& section,
           const EvaluatorContext& context) -> std::unique_ptr<const Evaluator> {
          return std::make_unique<const ZeroCostEvaluator>(ZeroCostEvaluatorOptions::read(section),
                                                           context);
        });
  });
}

}  // namespace hwnas
