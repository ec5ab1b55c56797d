// REINFORCE (Williams 1992) as in the NAS-Bench-201 baselines: an independent softmax policy per
// decision, reward = the objective's fitness, an exponential moving-average baseline, and Adam on
// the logits.
#include <cmath>
#include <unordered_map>

#include "core/config.h"
#include "search/sampling/strategy.h"

namespace hwnas {
namespace {

struct ReinforceOptions {
  double learning_rate = 0.01;     // Adam step on the policy logits
  double baseline_momentum = 0.9;  // b <- m b + (1 - m) reward
  // Reward of an arch whose cost is unknown (fitness -inf cannot be averaged): as bad as an arch
  // just over the limit (constrained fitness -cost/limit <= -1; every feasible fitness is >= 0).
  double unknown_reward = -1.0;
  // A sampled arch that was queried before updates the policy with its remembered reward and
  // costs no query (the table is deterministic).
  bool reuse_evaluations = true;

  static ReinforceOptions read(const ConfigSection& s) {
    ReinforceOptions o;
    o.learning_rate = s.get_double("learning_rate", o.learning_rate);
    o.baseline_momentum = s.get_double("baseline_momentum", o.baseline_momentum);
    o.unknown_reward = s.get_double("unknown_reward", o.unknown_reward);
    o.reuse_evaluations = s.get_bool("reuse_evaluations", o.reuse_evaluations);
    s.validate([&] { o.validate(); });
    return o;
  }
  void validate() const {
    if (!(learning_rate > 0)) throw InvalidOption("learning_rate", "must be > 0");
    if (!(baseline_momentum >= 0 && baseline_momentum < 1)) {
      throw InvalidOption("baseline_momentum", "must be in [0, 1)");
    }
  }
};

class Reinforce : public SearchStrategy {
 public:
  explicit Reinforce(ReinforceOptions options) : options_(options) {}
  std::string name() const override { return "reinforce"; }

  void search(SearchContext& ctx) const override {
    const int decisions = ctx.space().num_decisions;
    const int choices = ctx.space().num_choices;
    const size_t n = static_cast<size_t>(decisions * choices);
    std::vector<double> logits(n, 0.0), m(n, 0.0), v(n, 0.0), probs(n), grad(n);
    constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
    double baseline = 0;
    bool have_baseline = false;
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::unordered_map<std::string, double> seen;  // arch -> reward
    // Bounds the policy steps without a query once the policy has all but converged.
    constexpr int kMaxReusedInARow = 100;
    int reused = 0;
    for (int step = 1; !ctx.exhausted(); ++step) {
      Arch arch{ctx.space().space, std::vector<int>(static_cast<size_t>(decisions))};
      for (int d = 0; d < decisions; ++d) {
        double* p = &probs[static_cast<size_t>(d * choices)];
        const double* l = &logits[static_cast<size_t>(d * choices)];
        double top = l[0], total = 0;
        for (int c = 1; c < choices; ++c) top = std::max(top, l[c]);
        for (int c = 0; c < choices; ++c) total += p[c] = std::exp(l[c] - top);
        double u = uniform(ctx.rng()) * total;
        int pick = choices - 1;
        for (int c = 0; c < choices; ++c) {
          if ((u -= p[c]) < 0) {
            pick = c;
            break;
          }
        }
        for (int c = 0; c < choices; ++c) p[c] /= total;
        arch.ops[static_cast<size_t>(d)] = pick;
      }
      const std::string key(arch.ops.begin(), arch.ops.end());
      const auto known = options_.reuse_evaluations ? seen.find(key) : seen.end();
      double reward = 0;
      if (known != seen.end() && ++reused <= kMaxReusedInARow) {
        reward = known->second;
      } else {
        reused = 0;
        const QueryRecord& r = ctx.query(arch);
        reward = std::isfinite(r.fitness) ? r.fitness : options_.unknown_reward;
        if (options_.reuse_evaluations) seen.emplace(key, reward);
      }
      baseline = have_baseline ? options_.baseline_momentum * baseline +
                                     (1 - options_.baseline_momentum) * reward
                               : reward;
      have_baseline = true;
      const double advantage = reward - baseline;
      // Ascent on advantage * log p(arch): d/dlogit_c = advantage * (1[c = pick] - p_c).
      for (int d = 0; d < decisions; ++d) {
        for (int c = 0; c < choices; ++c) {
          const size_t i = static_cast<size_t>(d * choices + c);
          grad[i] = advantage * ((arch.ops[static_cast<size_t>(d)] == c ? 1.0 : 0.0) - probs[i]);
        }
      }
      const double correction1 = 1 - std::pow(kBeta1, step);
      const double correction2 = 1 - std::pow(kBeta2, step);
      for (size_t i = 0; i < n; ++i) {
        m[i] = kBeta1 * m[i] + (1 - kBeta1) * grad[i];
        v[i] = kBeta2 * v[i] + (1 - kBeta2) * grad[i] * grad[i];
        logits[i] += options_.learning_rate * (m[i] / correction1) /
                     (std::sqrt(v[i] / correction2) + kEps);
      }
    }
  }

 private:
  ReinforceOptions options_;
};

}  // namespace

void register_reinforce_strategy(StrategyRegistry& registry) {
  registry.add("reinforce", "built-in",
               "REINFORCE policy over the decisions, moving-average baseline, Adam",
               [](const ConfigSection& s) {
                 return std::make_unique<Reinforce>(ReinforceOptions::read(s));
               });
}

}  // namespace hwnas
