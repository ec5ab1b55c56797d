// Random search: uniform samples of the space. The baseline every strategy is compared with, and
// a valid multi-objective baseline too (the run's front is the non-dominated part of its history).
#include "core/config.h"
#include "search/sampling/strategy.h"

namespace hwnas {
namespace {

class RandomSearch : public SearchStrategy {
 public:
  std::string name() const override { return "random"; }
  bool supports(Objective::Kind) const override { return true; }
  void search(SearchContext& ctx) const override {
    while (!ctx.exhausted()) ctx.query(ctx.random_arch());
  }
};

}  // namespace

void register_random_strategy(StrategyRegistry& registry) {
  registry.add("random", "built-in", "uniform random sampling (baseline; any objective)",
               [](const ConfigSection&) { return std::make_unique<RandomSearch>(); });
}

}  // namespace hwnas
