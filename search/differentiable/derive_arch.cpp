#include "search/differentiable/derive_arch.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/strings.h"
#include "search/differentiable/cost_loss.h"

namespace hwnas {

namespace {

constexpr int kNb201None = 0;
constexpr double kImpossible = -std::numeric_limits<double>::infinity();
constexpr int kFbnetGridSteps = 20000;

bool allowed(Space space, int op, const DeriveRule& rule) {
  return !(rule.without_none && space == Space::NB201 && op == kNb201None);
}

double log_probability(double p) { return p > 0 ? std::log(p) : kImpossible; }

Arch argmax_arch(Space space, const std::vector<std::vector<double>>& probs, const DeriveRule& rule) {
  Arch arch{space, {}};
  for (const auto& slot : probs) {
    int best = -1;
    for (int op = 0; op < static_cast<int>(slot.size()); ++op) {
      if (allowed(space, op, rule) && (best < 0 || slot[op] > slot[best])) best = op;
    }
    arch.ops.push_back(best);
  }
  return arch;
}

[[noreturn]] void no_feasible_arch(double limit, const std::string& what) {
  throw InputError("cost.target " + format_double(limit) + ": no architecture meets it (" + what +
                   "); raise the target");
}

// Every NB201 arch, scored by its log-probability; the cost is the table's (unknown = skipped:
// a limit cannot be shown to hold for it).
Arch most_probable_feasible_nb201(const std::vector<std::vector<double>>& probs, const DeriveRule& rule,
                                  const CostLoss& cost, double limit) {
  double best_score = kImpossible;
  int best_code = -1;
  double cheapest = std::numeric_limits<double>::infinity();
  for (int code = 0; code < kNb201Archs; ++code) {
    const Arch arch = nb201_from_code(code);
    double score = 0;
    for (size_t e = 0; e < arch.ops.size(); ++e) {
      score += allowed(Space::NB201, arch.ops[e], rule) ? log_probability(probs[e][arch.ops[e]]) : kImpossible;
    }
    if (score == kImpossible || score <= best_score) continue;
    double c = 0;
    try {
      c = cost.cost(arch);
    } catch (const MissingValueError&) {
      continue;
    }
    cheapest = std::min(cheapest, c);
    if (c <= limit) {
      best_score = score;
      best_code = code;
    }
  }
  if (best_code < 0) no_feasible_arch(limit, "the cheapest allowed one costs " + format_double(cheapest));
  return nb201_from_code(best_code);
}

// Knapsack over the layers: best[b] = the highest log-probability of the layers so far with a
// cost of at most b grid steps.
Arch most_probable_feasible_fbnet(const std::vector<std::vector<double>>& probs, const CostLoss& cost,
                                  double limit) {
  const int layers = static_cast<int>(probs.size());
  const int choices = static_cast<int>(probs.front().size());
  // Per-layer costs from differences of whole-arch costs (the cost is additive: fixed + layers).
  Arch base{Space::FBNet, std::vector<int>(layers, 0)};
  const double base_cost = cost.cost(base);
  std::vector<std::vector<double>> layer_cost(layers, std::vector<double>(choices, 0));
  double fixed = base_cost;
  for (int l = 0; l < layers; ++l) {
    for (int op = 0; op < choices; ++op) {
      Arch a = base;
      a.ops[l] = op;
      layer_cost[l][op] = cost.cost(a) - base_cost;  // relative to op 0
    }
  }
  // Shift so that every layer's cheapest op costs 0 in the grid and the shifts join `fixed`.
  for (int l = 0; l < layers; ++l) {
    const double low = *std::min_element(layer_cost[l].begin(), layer_cost[l].end());
    for (double& c : layer_cost[l]) c -= low;
    fixed += low;
  }
  const double step = limit / kFbnetGridSteps;
  const int budget = static_cast<int>(std::floor((limit - fixed) / step));
  if (budget < 0) no_feasible_arch(limit, "the cheapest costs " + format_double(fixed));
  std::vector<double> best(budget + 1, 0.0);
  std::vector<std::vector<int8_t>> choice(layers, std::vector<int8_t>(budget + 1, -1));
  for (int l = 0; l < layers; ++l) {
    std::vector<double> next(budget + 1, kImpossible);
    for (int op = 0; op < choices; ++op) {
      const double lp = log_probability(probs[l][op]);
      if (lp == kImpossible) continue;
      // Rounded up: the grid never under-counts a cost.
      const int w = static_cast<int>(std::ceil(layer_cost[l][op] / step - 1e-9));
      for (int b = w; b <= budget; ++b) {
        if (best[b - w] == kImpossible) continue;
        const double score = best[b - w] + lp;
        if (score > next[b]) {
          next[b] = score;
          choice[l][b] = static_cast<int8_t>(op);
        }
      }
    }
    best = std::move(next);
  }
  if (best[budget] == kImpossible) no_feasible_arch(limit, "none within the grid");
  Arch arch{Space::FBNet, std::vector<int>(layers, 0)};
  int b = budget;
  for (int l = layers - 1; l >= 0; --l) {
    const int op = choice[l][b];
    arch.ops[l] = op;
    b -= static_cast<int>(std::ceil(layer_cost[l][op] / step - 1e-9));
  }
  return arch;
}

}  // namespace

Arch derive_arch(Space space, const std::vector<std::vector<double>>& probabilities,
                 const DeriveRule& rule, const CostLoss* cost, double limit) {
  if (rule.rule == "argmax") return argmax_arch(space, probabilities, rule);
  if (rule.rule != "most_probable_feasible") throw InputError("unknown derive rule '" + rule.rule + "'");
  if (!cost || !(limit > 0)) {
    throw InputError("strategy.derive most_probable_feasible needs a cost limit (cost.target > 0)");
  }
  return space == Space::NB201 ? most_probable_feasible_nb201(probabilities, rule, *cost, limit)
                               : most_probable_feasible_fbnet(probabilities, *cost, limit);
}

}  // namespace hwnas
