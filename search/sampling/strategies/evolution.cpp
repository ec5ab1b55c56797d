// Regularized evolution (Real et al., AAAI 2019): a queue-shaped population; each step samples
// `sample_size` members, mutates one op of the fittest and replaces the OLDEST member (aging), so
// lucky evaluations do not persist forever.
#include <deque>
#include <unordered_map>

#include "core/config.h"
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
    std::unordered_map<int, double> seen;  // nb201-sized code -> fitness
    const auto code_of = [&ctx](const Arch& arch) {
      int code = 0;
      for (int op : arch.ops) code = code * ctx.space().num_choices + op;
      return code;
    };
    // Spaces whose codes do not fit an int (FBNet) are never memoised.
    const bool memoise = options_.reuse_evaluations && ctx.space().num_archs() < (1 << 30);
    const auto evaluate = [&](const Arch& arch) {
      const QueryRecord& r = ctx.query(arch);
      if (memoise) seen.emplace(code_of(arch), r.fitness);
      return Member{r.arch, r.fitness};
    };
    while (!ctx.exhausted() && static_cast<int>(population.size()) < options_.population_size) {
      population.push_back(evaluate(ctx.random_arch()));
    }
    std::uniform_int_distribution<size_t> pick(0, population.size() - 1);
    // Bounds the steps without a query when the population's neighbourhood is all known.
    constexpr int kMaxReusedInARow = 10000;
    int reused = 0;
    while (!ctx.exhausted()) {
      // Sampling with replacement, as in the reference implementation.
      size_t best = pick(ctx.rng());
      for (int i = 1; i < options_.sample_size; ++i) {
        const size_t candidate = pick(ctx.rng());
        if (population[candidate].fitness > population[best].fitness) best = candidate;
      }
      Arch child = ctx.mutate_one(population[best].arch);
      const auto known = memoise ? seen.find(code_of(child)) : seen.end();
      if (known != seen.end() && ++reused <= kMaxReusedInARow) {
        population.push_back({std::move(child), known->second});
      } else {
        reused = 0;
        population.push_back(evaluate(child));
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
