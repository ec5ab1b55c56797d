// ProxylessNAS (gradient variant, Cai et al. 2019): weights trained on one path sampled from
// softmax(alphas); architecture steps through binary gates over all candidates ("full") or two
// sampled ones ("two"), with dL/dalpha_i = sum_j dL/dg_j p_j (delta_ij - p_i) over those
// candidates (probabilities renormalised over the two, whose logits are then shifted so that the
// other candidates keep their probabilities).
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "core/config.h"
#include "search/differentiable/cost_loss.h"
#include "search/differentiable/supernet_strategy.h"
#include "search/training/training.h"

namespace hwnas {

namespace {

// softmax(alphas) per slot, on the CPU in double precision.
torch::Tensor probabilities(const Supernet& net) {
  return torch::softmax(net->alphas().detach(), 1).to(torch::kCPU).to(torch::kDouble);
}

class ProxylessNas : public SupernetStrategy {
 public:
  explicit ProxylessNas(std::string estimator) : estimator_(std::move(estimator)) {}

  std::string name() const override { return "proxylessnas"; }

  void select_weight_paths(Supernet& net, const BatchShard& batch, int epoch,
                           std::mt19937_64& rng) const override {
    const auto probs = probabilities(net);
    const auto* p = probs.data_ptr<double>();
    std::vector<int> ops(net->num_slots());
    for (int s = 0; s < net->num_slots(); ++s) {
      std::discrete_distribution<int> pick(p + s * net->num_choices(), p + (s + 1) * net->num_choices());
      ops[s] = pick(rng);
    }
    net->select_single(ops);
  }

  ArchStepResult arch_step(ArchStepContext& ctx, const torch::Tensor& x,
                           const torch::Tensor& y) const override {
    Supernet& net = ctx.net;
    const int slots = net->num_slots(), choices = net->num_choices();
    const auto probs_tensor = probabilities(net);
    const auto probs = probs_tensor.accessor<double, 2>();
    std::vector<std::vector<int>> paths(slots);
    std::vector<int> active_ops(slots);
    auto gates = torch::zeros({slots, choices});
    auto gate_values = gates.accessor<float, 2>();
    for (int s = 0; s < slots; ++s) {
      std::vector<double> p(choices);
      for (int c = 0; c < choices; ++c) p[c] = probs[s][c];
      if (estimator_ == "full") {
        for (int c = 0; c < choices; ++c) paths[s].push_back(c);
      } else {
        std::discrete_distribution<int> first(p.begin(), p.end());
        const int a = first(ctx.rng);
        std::vector<double> rest = p;
        rest[a] = 0;
        std::discrete_distribution<int> second(rest.begin(), rest.end());
        paths[s] = {a, second(ctx.rng)};
      }
      std::vector<double> pp;
      for (int c : paths[s]) pp.push_back(p[c]);
      std::discrete_distribution<int> active(pp.begin(), pp.end());
      active_ops[s] = paths[s][active(ctx.rng)];
      gate_values[s][active_ops[s]] = 1.0f;
    }
    const auto gate_leaf = gates.to(net->alphas().device()).requires_grad_(true);
    net->select_gated(paths, gate_leaf, active_ops);

    ArchStepResult result;
    const auto alphas = net->alphas();
    const auto expected = ctx.cost.expected_cost(torch::softmax(alphas, 1));
    torch::Tensor ce = torch::zeros({}, expected.options());
    if (ctx.use_ce) {
      ce = smoothed_cross_entropy(net->forward(x), y, /*smoothing=*/0.0);
      result.ce = ce.item<double>();
    }
    const auto loss = ctx.cost.loss(ce, expected);
    auto grads = torch::autograd::grad({loss}, {gate_leaf, alphas}, /*grad_outputs=*/{},
                                       /*retain_graph=*/false, /*create_graph=*/false,
                                       /*allow_unused=*/true);
    auto alpha_grad_tensor = grads[1].defined() ? grads[1].to(torch::kCPU).to(torch::kDouble)
                                                : torch::zeros({slots, choices}, torch::kDouble);
    auto alpha_grad = alpha_grad_tensor.accessor<double, 2>();
    if (grads[0].defined()) {
      const auto gate_grad_tensor = grads[0].to(torch::kCPU).to(torch::kDouble);
      const auto gate_grad = gate_grad_tensor.accessor<double, 2>();
      for (int s = 0; s < slots; ++s) {
        double total = 0;
        for (int c : paths[s]) total += probs[s][c];
        for (int i : paths[s]) {
          const double pi = probs[s][i] / total;
          double g = 0;
          for (int j : paths[s]) {
            const double pj = probs[s][j] / total;
            g += gate_grad[s][j] * pj * ((i == j) - pi);
          }
          alpha_grad[s][i] += g;
        }
      }
    }
    // log-sum-exp of the sampled candidates' logits before the step (for the "two" rescaling).
    std::vector<double> old_lse(slots);
    {
      const auto a_tensor = alphas.detach().to(torch::kCPU).to(torch::kDouble);
      const auto a = a_tensor.accessor<double, 2>();
      for (int s = 0; s < slots; ++s) {
        double sum = 0;
        for (int c : paths[s]) sum += std::exp(a[s][c]);
        old_lse[s] = std::log(sum);
      }
    }
    ctx.optimizer.zero_grad();
    alphas.mutable_grad() = alpha_grad_tensor.to(alphas.options());
    ctx.optimizer.step();
    if (estimator_ == "two") {
      torch::NoGradGuard no_grad;
      auto a_tensor = alphas.detach().to(torch::kCPU).to(torch::kDouble);
      auto a = a_tensor.accessor<double, 2>();
      for (int s = 0; s < slots; ++s) {
        double sum = 0;
        for (int c : paths[s]) sum += std::exp(a[s][c]);
        const double shift = std::log(sum) - old_lse[s];
        for (int c : paths[s]) a[s][c] -= shift;
      }
      alphas.detach().copy_(a_tensor.to(alphas.options()));
    }
    net->select_single(std::vector<int>(slots, 0));
    result.expected_cost = expected.item<double>();
    return result;
  }

 private:
  std::string estimator_;  // full | two
};

}  // namespace

void register_proxylessnas_strategy(SupernetStrategyRegistry& registry) {
  SupernetStrategyDefaults defaults;
  defaults.options.type = "proxylessnas";
  defaults.options.arch_lr = 1e-3;  // Adam lr 1e-3, betas (0, 0.999)
  defaults.options.arch_beta1 = 0.0;
  defaults.cost_form = "mul_log";   // CE * a * (log E / log ref)^b, b = 0.3
  defaults.cost_b = 0.3;
  registry.add(
      "proxylessnas", "built-in",
      "ProxylessNAS binary gates, single-path weight steps, cost term from a table",
      [](const ConfigSection& s) {
        return std::make_unique<ProxylessNas>(s.get_choice("estimator", "two", {"two", "full"}));
      },
      defaults);
}

}  // namespace hwnas
