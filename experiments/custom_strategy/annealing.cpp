// A user strategy built outside hwnas: simulated annealing over one-op moves. It needs only
// search/plugin_api.h (no hwnas library to link) and is selected from YAML:
//   strategy: {type: plugin, library: build-custom-strategy/libannealing.so, name: annealing}
#include <cmath>
#include <random>
#include <vector>

#include "search/plugin_api.h"

namespace {

const hwnas_option_desc kOptions[] = {
    {"initial_temperature", 2.0, "Metropolis temperature at the start (fitness units)"},
    {"cooling", 0.995, "temperature factor per query"},
    {"restart_after", 200, "queries without improvement before a random restart"},
};

std::vector<int> random_arch(std::mt19937_64& rng, int decisions, int choices) {
  std::uniform_int_distribution<int> choice(0, choices - 1);
  std::vector<int> ops(static_cast<size_t>(decisions));
  for (int& op : ops) op = choice(rng);
  return ops;
}

int run_annealing(const hwnas_search_api* api, char* error, size_t error_size) {
  return hwnas::plugin::run_guarded(api, error, error_size, [](const hwnas::plugin::Search& search) {
    // All state is local: hwnas runs seeds in parallel threads.
    std::mt19937_64 rng(search.seed());
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const int decisions = search.num_decisions();
    const int choices = search.num_choices();
    double temperature = search.option("initial_temperature");
    const double cooling = search.option("cooling");
    const int restart_after = static_cast<int>(search.option("restart_after"));
    if (search.exhausted()) return;
    std::vector<int> current = random_arch(rng, decisions, choices);
    double current_fitness = search.query(current).fitness;
    double best_fitness = current_fitness;
    int since_best = 0;
    while (!search.exhausted()) {
      std::vector<int> next = current;
      const int d = std::uniform_int_distribution<int>(0, decisions - 1)(rng);
      next[d] = (next[d] + std::uniform_int_distribution<int>(1, choices - 1)(rng)) % choices;
      const double fitness = search.query(next).fitness;
      const double delta = fitness - current_fitness;
      // Unknown costs give -inf fitness: never accepted (exp(-inf) = 0).
      if (delta >= 0 || uniform(rng) < std::exp(delta / temperature)) {
        current = next;
        current_fitness = fitness;
      }
      temperature *= cooling;
      if (fitness > best_fitness) {
        best_fitness = fitness;
        since_best = 0;
      } else if (++since_best >= restart_after && !search.exhausted()) {
        current = random_arch(rng, decisions, choices);
        current_fitness = search.query(current).fitness;
        since_best = 0;
      }
    }
  });
}

const hwnas_strategy_desc kStrategies[] = {
    {"annealing", "simulated annealing over one-op moves (experiments/custom_strategy)", kOptions,
     sizeof(kOptions) / sizeof(kOptions[0]), run_annealing},
};

}  // namespace

HWNAS_PLUGIN_EXPORT uint32_t hwnas_plugin_abi_version(void) { return HWNAS_PLUGIN_ABI_VERSION; }

HWNAS_PLUGIN_EXPORT int hwnas_plugin_strategies(const hwnas_strategy_desc** out) {
  *out = kStrategies;
  return sizeof(kStrategies) / sizeof(kStrategies[0]);
}
