// Regularized evolution (Real et al., AAAI 2019): a queue-shaped population; each step samples
// `sample_size` members, mutates one op of the fittest and replaces the OLDEST member (aging), so
// lucky evaluations do not persist forever.
#include <spdlog/spdlog.h>

#include <deque>
#include <optional>

#include "core/config.h"
#include "search/sampling/seen_archs.h"
#include "search/sampling/strategy.h"

namespace hwnas {
namespace {

struct EvolutionOptions {
  // NAS-Bench-201's R-EA settings; over 100 seeds x 1,000 queries they beat Real et al.'s 50/10
  // on both edgegpu <= 5 ms and raspi4 <= 25 ms (see configs/nb201/).
  int population_size = 10;  // members kept; also the number of random initial queries
  int sample_size = 3;       // tournament size
  // A child that was queried before takes its remembered fitness instead of a query (the table
  // is deterministic; a real search would not train the same arch twice). Aging still applies.
  // Every query is then a new arch of an enumerable space (NB201), so a budget above the space's
  // size ends the search, with a log line, once all of it is queried.
  bool reuse_evaluations = true;

  static EvolutionOptions read(const ConfigSection& s) {
    EvolutionOptions o;
    o.population_size = s.get_int("population_size", o.population_size);
    o.sample_size = s.get_int("sample_size", o.sample_size);
    o.reuse_evaluations = s.get_bool("reuse_evaluations", o.reuse_evaluations);
    s.validate([&] { o.validate(); });
    return o;
  }
  void validate() const {
    if (population_size < 2) throw InvalidOption("population_size", "must be >= 2");
    if (sample_size < 1 || sample_size > population_size) {
      throw InvalidOption("sample_size", "must be in 1..population_size (" +
                                             std::to_string(population_size) + ")");
    }
  }
};

class RegularizedEvolution : public SearchStrategy {
 public:
  explicit RegularizedEvolution(EvolutionOptions options) : options_(options) {}
  std::string name() const override { return "evolution"; }

  void search(SearchContext& ctx) const override {
    struct Member {
      Arch arch;
      double fitness;
    };
    std::deque<Member> population;
    // Spaces too large to enumerate (FBNet) are never memoised: a repeat is all but impossible.
    std::optional<SeenArchs> seen;
    if (options_.reuse_evaluations && SeenArchs::enumerable(ctx.space())) seen.emplace(ctx.space());
    const auto evaluate = [&](const Arch& arch) {
      const QueryRecord& r = ctx.query(arch);
      if (seen) seen->insert(arch, r.fitness);
      return Member{r.arch, r.fitness};
    };
    while (!ctx.exhausted() && static_cast<int>(population.size()) < options_.population_size) {
      population.push_back(evaluate(ctx.random_arch()));
    }
    std::uniform_int_distribution<size_t> pick(0, population.size() - 1);
    // Bounds the steps without a query when the population's neighbourhood is all known; the
    // next query is then an arch never queried, drawn uniformly.
    constexpr int kMaxReusedInARow = 1000;
    int reused = 0;
    while (!ctx.exhausted()) {
      if (seen && seen->complete()) {
        // Every further query would repeat a remembered one: nothing is left to learn.
        spdlog::info(
            "evolution (seed {}): all {} archs of {} queried after {} of budget.queries {}; the "
            "search ends here (reuse_evaluations: true)",
            ctx.seed(), seen->num_archs(), ctx.space().name, ctx.history().size(),
            ctx.budget().queries);
        return;
      }
      // Sampling with replacement, as in the reference implementation.
      size_t best = pick(ctx.rng());
      for (int i = 1; i < options_.sample_size; ++i) {
        const size_t candidate = pick(ctx.rng());
        if (population[candidate].fitness > population[best].fitness) best = candidate;
      }
      Arch child = ctx.mutate_one(population[best].arch);
      const double* known = seen ? seen->find(child) : nullptr;
      if (known && ++reused <= kMaxReusedInARow) {
        population.push_back({std::move(child), *known});
      } else {
        reused = 0;
        if (known) {
          spdlog::debug("evolution (seed {}): {} known children in a row after {} queries; the "
                        "next query is an arch never queried",
                        ctx.seed(), kMaxReusedInARow, ctx.history().size());
        }
        population.push_back(evaluate(known ? seen->random_unseen(ctx.rng()) : child));
      }
      population.pop_front();
    }
  }

 private:
  EvolutionOptions options_;
};

}  // namespace

void register_evolution_strategy(StrategyRegistry& registry) {
  registry.add("evolution", "built-in", "regularized evolution (aging, one-op mutation)",
               [](const ConfigSection& s) {
                 return std::make_unique<RegularizedEvolution>(EvolutionOptions::read(s));
               });
}

}  // namespace hwnas
