// NSGA-II (Deb et al. 2002) over accuracy and one or two costs: binary tournaments on (rank,
// crowding distance), uniform crossover, per-decision mutation, and elitist (mu + lambda)
// survival by non-dominated rank then crowding distance. Archs with an unknown cost rank last.
#include <algorithm>
#include <limits>
#include <numeric>

#include "core/config.h"
#include "core/pareto.h"
#include "search/sampling/strategy.h"

namespace hwnas {
namespace {

struct Nsga2Options {
  int population_size = 50;
  double crossover_probability = 0.9;
  double mutation_rate = 0;  // per decision; 0 = 1 / num_decisions

  static Nsga2Options read(const ConfigSection& s) {
    Nsga2Options o;
    o.population_size = s.get_int("population_size", o.population_size);
    o.crossover_probability = s.get_double("crossover_probability", o.crossover_probability);
    o.mutation_rate = s.get_double("mutation_rate", o.mutation_rate);
    s.validate([&] { o.validate(); });
    return o;
  }
  void validate() const {
    if (population_size < 4) throw InvalidOption("population_size", "must be >= 4");
    if (!(crossover_probability >= 0 && crossover_probability <= 1)) {
      throw InvalidOption("crossover_probability", "must be in [0, 1]");
    }
    if (!(mutation_rate >= 0 && mutation_rate <= 1)) {
      throw InvalidOption("mutation_rate", "must be in [0, 1] (0 = 1 / number of decisions)");
    }
  }
};

struct Member {
  Arch arch;
  std::vector<double> point;  // minimised objectives
  bool known = false;
  int rank = 0;
  double crowding = 0;
};

// Ranks and crowding distances of `members` in place.
void rank_and_crowd(std::vector<Member>& members) {
  std::vector<size_t> known;
  std::vector<std::vector<double>> points;
  for (size_t i = 0; i < members.size(); ++i) {
    if (!members[i].known) continue;
    known.push_back(i);
    points.push_back(members[i].point);
  }
  const std::vector<int> ranks = pareto_ranks(points);
  const int worst = ranks.empty() ? 0 : *std::max_element(ranks.begin(), ranks.end()) + 1;
  for (auto& m : members) {
    m.rank = worst;
    m.crowding = 0;
  }
  for (size_t k = 0; k < known.size(); ++k) members[known[k]].rank = ranks[k];
  const size_t num_objectives = points.empty() ? 0 : points[0].size();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (int r = 0; r < worst; ++r) {
    std::vector<size_t> front;
    for (size_t k = 0; k < known.size(); ++k) {
      if (ranks[k] == r) front.push_back(known[k]);
    }
    for (size_t j = 0; j < num_objectives; ++j) {
      std::stable_sort(front.begin(), front.end(), [&](size_t a, size_t b) {
        return members[a].point[j] < members[b].point[j];
      });
      const double low = members[front.front()].point[j];
      const double high = members[front.back()].point[j];
      members[front.front()].crowding = kInf;
      members[front.back()].crowding = kInf;
      if (high <= low) continue;
      for (size_t f = 1; f + 1 < front.size(); ++f) {
        members[front[f]].crowding +=
            (members[front[f + 1]].point[j] - members[front[f - 1]].point[j]) / (high - low);
      }
    }
  }
}

bool better(const Member& a, const Member& b) {
  return a.rank != b.rank ? a.rank < b.rank : a.crowding > b.crowding;
}

class Nsga2 : public SearchStrategy {
 public:
  explicit Nsga2(Nsga2Options options) : options_(options) {}
  std::string name() const override { return "nsga2"; }
  bool supports(Objective::Kind kind) const override { return kind == Objective::Kind::Pareto; }

  void search(SearchContext& ctx) const override {
    const Objective& objective = ctx.objective();
    const auto evaluate = [&](const Arch& arch) {
      const QueryRecord& r = ctx.query(arch);
      return Member{r.arch, objective.pareto_point(r.eval), r.eval.known, 0, 0};
    };
    const int decisions = ctx.space().num_decisions;
    const int choices = ctx.space().num_choices;
    const double mutation_rate =
        options_.mutation_rate > 0 ? options_.mutation_rate : 1.0 / decisions;
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::uniform_int_distribution<int> other(1, choices - 1);

    std::vector<Member> population;
    while (!ctx.exhausted() && static_cast<int>(population.size()) < options_.population_size) {
      population.push_back(evaluate(ctx.random_arch()));
    }
    rank_and_crowd(population);
    while (!ctx.exhausted()) {
      std::uniform_int_distribution<size_t> pick(0, population.size() - 1);
      const auto tournament = [&]() -> const Member& {
        const Member& a = population[pick(ctx.rng())];
        const Member& b = population[pick(ctx.rng())];
        return better(b, a) ? b : a;
      };
      std::vector<Member> combined = population;
      for (int i = 0; i < options_.population_size && !ctx.exhausted(); ++i) {
        const Member& p1 = tournament();
        const Member& p2 = tournament();
        Arch child = p1.arch;
        if (uniform(ctx.rng()) < options_.crossover_probability) {
          for (int d = 0; d < decisions; ++d) {
            if (uniform(ctx.rng()) < 0.5) child.ops[d] = p2.arch.ops[d];
          }
        }
        for (int d = 0; d < decisions; ++d) {
          if (uniform(ctx.rng()) < mutation_rate) child.ops[d] = (child.ops[d] + other(ctx.rng())) % choices;
        }
        combined.push_back(evaluate(child));
      }
      rank_and_crowd(combined);
      std::vector<size_t> order(combined.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](size_t a, size_t b) { return better(combined[a], combined[b]); });
      population.clear();
      for (size_t k = 0; k < order.size() && static_cast<int>(population.size()) < options_.population_size; ++k) {
        population.push_back(combined[order[k]]);
      }
      // Crowding is recomputed on the survivors for the next tournaments.
      rank_and_crowd(population);
    }
  }

 private:
  Nsga2Options options_;
};

}  // namespace

void register_nsga2_strategy(StrategyRegistry& registry) {
  registry.add("nsga2", "built-in", "NSGA-II multi-objective evolution (objective.type pareto)",
               [](const ConfigSection& s) { return std::make_unique<Nsga2>(Nsga2Options::read(s)); });
}

}  // namespace hwnas
