// Local search (White et al., "Local search is state of the art for NAS benchmarks", 2020): from a
// random arch, query its one-op neighbours in random order and move to the best improving one (or
// the first, with first_improvement); restart from a random arch at a local optimum. Results are
// remembered, so a neighbour already queried costs no budget, and a search over an enumerable
// space (NB201) ends, with a log line, once every arch is queried.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "core/config.h"
#include "search/sampling/seen_archs.h"
#include "search/sampling/strategy.h"

namespace hwnas {
namespace {

struct LocalSearchOptions {
  bool first_improvement = false;  // move at the first better neighbour instead of the best

  static LocalSearchOptions read(const ConfigSection& s) {
    LocalSearchOptions o;
    o.first_improvement = s.get_bool("first_improvement", o.first_improvement);
    return o;
  }
};

std::string key_of(const Arch& arch) { return std::string(arch.ops.begin(), arch.ops.end()); }

class LocalSearch : public SearchStrategy {
 public:
  explicit LocalSearch(LocalSearchOptions options) : options_(options) {}
  std::string name() const override { return "local_search"; }

  void search(SearchContext& ctx) const override {
    std::unordered_map<std::string, double> seen;  // arch -> fitness
    // Over an enumerable space (NB201) also the archs not queried yet, for restarts.
    std::optional<SeenArchs> coverage;
    if (SeenArchs::enumerable(ctx.space())) coverage.emplace(ctx.space());
    const auto fitness_of = [&](const Arch& arch) {
      const auto it = seen.find(key_of(arch));
      if (it != seen.end()) return it->second;
      const double f = ctx.query(arch).fitness;
      seen.emplace(key_of(arch), f);
      if (coverage) coverage->insert(arch, f);
      return f;
    };
    const int decisions = ctx.space().num_decisions;
    const int choices = ctx.space().num_choices;
    // A restart draws at most this many random archs; when all are known it takes an arch never
    // queried (enumerable spaces), so the work per query stays bounded as the space fills up.
    constexpr int kMaxRedraws = 1000;
    while (!ctx.exhausted()) {
      if (coverage && coverage->complete()) {
        spdlog::info("local_search (seed {}): all {} archs of {} queried after {} of "
                     "budget.queries {}; the search ends here",
                     ctx.seed(), coverage->num_archs(), ctx.space().name, ctx.history().size(),
                     ctx.budget().queries);
        return;
      }
      Arch current = ctx.random_arch();
      for (int redraw = 0; redraw < kMaxRedraws && seen.count(key_of(current)); ++redraw) {
        current = ctx.random_arch();
      }
      if (seen.count(key_of(current))) {
        // A space too large to enumerate and yet 1,001 repeats: give up, saying so.
        if (!coverage) {
          spdlog::warn("local_search (seed {}): the {} archs drawn for a restart were all queried before; "
                       "the search ends after {} of budget.queries {}",
                       ctx.seed(), kMaxRedraws + 1, ctx.history().size(), ctx.budget().queries);
          return;
        }
        current = coverage->random_unseen(ctx.rng());
      }
      double current_fitness = fitness_of(current);
      bool improved = true;
      while (improved && !ctx.exhausted()) {
        improved = false;
        std::vector<Arch> neighbours;
        for (int d = 0; d < decisions; ++d) {
          for (int c = 0; c < choices; ++c) {
            if (c == current.ops[static_cast<size_t>(d)]) continue;
            neighbours.push_back(current);
            neighbours.back().ops[static_cast<size_t>(d)] = c;
          }
        }
        std::shuffle(neighbours.begin(), neighbours.end(), ctx.rng());
        Arch best = current;
        double best_fitness = current_fitness;
        for (const Arch& n : neighbours) {
          if (!seen.count(key_of(n)) && ctx.exhausted()) break;
          const double f = fitness_of(n);
          if (f > best_fitness) {
            best = n;
            best_fitness = f;
            if (options_.first_improvement) break;
          }
        }
        if (best_fitness > current_fitness) {
          current = best;
          current_fitness = best_fitness;
          improved = true;
        }
      }
    }
  }

 private:
  LocalSearchOptions options_;
};

}  // namespace

void register_local_search_strategy(StrategyRegistry& registry) {
  registry.add("local_search", "built-in",
               "best-improvement local search over one-op neighbours, random restarts",
               [](const ConfigSection& s) {
                 return std::make_unique<LocalSearch>(LocalSearchOptions::read(s));
               });
}

}  // namespace hwnas
