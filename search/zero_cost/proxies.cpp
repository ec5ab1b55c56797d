#include "search/zero_cost/proxies.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "core/error.h"
#include "core/strings.h"
#include "supernet/relu_probe.h"

namespace hwnas {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct ProxyName {
  Proxy proxy;
  const char* name;
};
constexpr ProxyName kProxyNames[] = {
    {Proxy::Params, "params"}, {Proxy::Flops, "flops"},     {Proxy::GradNorm, "grad_norm"},
    {Proxy::Snip, "snip"},     {Proxy::Synflow, "synflow"}, {Proxy::Jacov, "jacov"},
    {Proxy::Naswot, "naswot"}, {Proxy::Zico, "zico"},
};

double finite_or_nan(double value) { return std::isfinite(value) ? value : kNaN; }

// NASWOT's kernel: K_ij = sum over ReLUs of the number of units on which images i and j agree
// (both active or both inactive) = D - |c_i| - |c_j| + 2 c_i.c_j for codes c of D units. The codes
// are 0/1, so the float product is exact up to 2^24 units per ReLU; K sums in double.
class NaswotKernel : public ReluProbe {
 public:
  void observe(const at::Tensor& relu_input) override {
    torch::NoGradGuard no_grad;
    const auto b = relu_input.size(0);
    const auto codes = relu_input.detach().reshape({b, -1}).gt(0).to(torch::kFloat);
    const auto units = static_cast<double>(codes.size(1));
    const auto active = codes.sum(1).to(torch::kDouble);
    const auto agree = 2.0 * codes.matmul(codes.t()).to(torch::kDouble) - active.unsqueeze(1) -
                       active.unsqueeze(0) + units;
    kernel_ = kernel_.defined() ? kernel_ + agree : agree;
  }
  double log_abs_det() const {
    if (!kernel_.defined()) return kNaN;  // a net without a ReLU
    const auto [sign, logdet] = torch::linalg::slogdet(kernel_);
    return sign.item<double>() == 0 ? kNaN : logdet.item<double>();
  }

 private:
  torch::Tensor kernel_;
};

// Mellor et al. (v1): the eigenvalues of the correlation matrix of the per-image Jacobians.
double jacov_score(const torch::Tensor& input_gradients) {
  const auto b = input_gradients.size(0);
  auto rows = input_gradients.reshape({b, -1}).to(torch::kDouble);
  rows = rows - rows.mean(1, /*keepdim=*/true);
  const auto norms = rows.norm(2, 1, /*keepdim=*/true);
  if (norms.min().item<double>() == 0) return kNaN;  // an image with a constant Jacobian
  rows = rows / norms;
  const auto eigenvalues = torch::linalg::eigvalsh(rows.matmul(rows.t()), "L");
  constexpr double k = 1e-5;
  const auto shifted = eigenvalues + k;
  if (shifted.min().item<double>() <= 0) return kNaN;
  return finite_or_nan(-(shifted.log() + shifted.reciprocal()).sum().item<double>());
}

// ZiCo over the per-batch gradients of each weight: grads[batch][layer].
double zico_score(const std::vector<std::vector<torch::Tensor>>& grads) {
  if (grads.size() < 2) return kNaN;
  double score = 0;
  for (size_t layer = 0; layer < grads[0].size(); ++layer) {
    std::vector<torch::Tensor> per_batch;
    for (const auto& batch : grads)
      per_batch.push_back(batch[layer].reshape({-1}).to(torch::kDouble));
    const auto g = torch::stack(per_batch);         // [batches, weights]
    const auto std = g.std(0, /*unbiased=*/false);  // numpy's np.std (ddof 0)
    const auto mean_abs = g.abs().mean(0);
    const auto nonzero = std.ne(0);
    const double sum =
        (mean_abs.masked_select(nonzero) / std.masked_select(nonzero)).sum().item<double>();
    if (sum > 0) score += std::log(sum);
  }
  return finite_or_nan(score);
}

// Gradients of `loss` with respect to `weights`; a weight the loss does not reach gets zeros.
std::vector<torch::Tensor> weight_gradients(const torch::Tensor& loss,
                                            const std::vector<torch::Tensor>& weights,
                                            bool retain_graph) {
  auto grads = torch::autograd::grad({loss}, weights, {}, retain_graph, /*create_graph=*/false,
                                     /*allow_unused=*/true);
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined()) grads[i] = torch::zeros_like(weights[i]);
  }
  return grads;
}

double synflow_score(torch::nn::Module& net, const NetForward& forward, const torch::Tensor& like) {
  net.to(torch::kDouble);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net.parameters()) p.abs_();
  }
  net.eval();  // BatchNorm "off": its fresh statistics make it (nearly) the identity
  const auto weights = prunable_weights(net);
  const auto ones = torch::ones({1, like.size(1), like.size(2), like.size(3)},
                                torch::TensorOptions().dtype(torch::kDouble).device(like.device()));
  const auto grads = weight_gradients(forward(ones).sum(), weights, /*retain_graph=*/false);
  double score = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    score += (weights[i] * grads[i]).abs().sum().item<double>();
  }
  return finite_or_nan(score);
}

}  // namespace

const std::vector<Proxy>& all_proxies() {
  static const std::vector<Proxy> proxies = [] {
    std::vector<Proxy> out;
    for (const auto& p : kProxyNames) out.push_back(p.proxy);
    return out;
  }();
  return proxies;
}

std::string to_string(Proxy proxy) {
  for (const auto& p : kProxyNames) {
    if (p.proxy == proxy) return p.name;
  }
  return "?";
}

Proxy parse_proxy(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& p : kProxyNames) {
    if (name == p.name) return p.proxy;
    names.push_back(p.name);
  }
  throw InputError("unknown zero-cost proxy '" + std::string(name) + "' (expected one of " +
                   join(names, ", ") + ")");
}

bool proxy_needs_network(Proxy proxy) { return proxy != Proxy::Params && proxy != Proxy::Flops; }

std::vector<torch::Tensor> prunable_weights(torch::nn::Module& net) {
  std::vector<torch::Tensor> weights;
  for (const auto& module : net.modules(/*include_self=*/true)) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) weights.push_back(conv->weight);
    if (auto* linear = module->as<torch::nn::LinearImpl>()) weights.push_back(linear->weight);
  }
  return weights;
}

std::vector<double> network_proxy_scores(const std::vector<Proxy>& wanted, torch::nn::Module& net,
                                         const NetForward& forward,
                                         const std::vector<ProxyBatch>& batches,
                                         torch::nn::Module* synflow_net,
                                         const NetForward& synflow_forward) {
  const auto want = [&wanted](Proxy p) {
    return std::find(wanted.begin(), wanted.end(), p) != wanted.end();
  };
  std::vector<double> scores(wanted.size(), kNaN);
  const auto set = [&](Proxy p, double value) {
    for (size_t i = 0; i < wanted.size(); ++i) {
      if (wanted[i] == p) scores[i] = value;
    }
  };
  if (batches.empty()) throw std::logic_error("network_proxy_scores: no batch");
  const bool zico_halves = want(Proxy::Zico) && batches.size() == 1;
  const bool ce_grads =
      want(Proxy::GradNorm) || want(Proxy::Snip) || (want(Proxy::Zico) && !zico_halves);
  net.train();
  const auto weights = prunable_weights(net);
  std::vector<std::vector<torch::Tensor>> zico_grads;

  if (ce_grads || want(Proxy::Jacov) || want(Proxy::Naswot)) {
    const ProxyBatch& first = batches[0];
    auto images = first.images.detach().clone();
    if (want(Proxy::Jacov)) images.set_requires_grad(true);
    NaswotKernel kernel;
    torch::Tensor logits;
    {
      std::optional<ScopedReluProbe> probe;
      if (want(Proxy::Naswot)) probe.emplace(kernel);
      // naswot alone reads activations only: no autograd graph to record.
      std::optional<torch::NoGradGuard> no_grad;
      if (!ce_grads && !want(Proxy::Jacov)) no_grad.emplace();
      logits = forward(images);
    }
    if (want(Proxy::Naswot)) set(Proxy::Naswot, kernel.log_abs_det());
    if (want(Proxy::Jacov)) {
      const auto input_grads = torch::autograd::grad({logits.sum()}, {images}, {},
                                                     /*retain_graph=*/ce_grads, false);
      set(Proxy::Jacov, jacov_score(input_grads[0]));
    }
    if (ce_grads) {
      const auto grads = weight_gradients(torch::cross_entropy_loss(logits, first.labels), weights,
                                          /*retain_graph=*/false);
      double norm = 0, snip = 0;
      for (size_t i = 0; i < weights.size(); ++i) {
        norm += grads[i].norm().item<double>();
        snip += (weights[i].detach() * grads[i]).abs().sum().item<double>();
      }
      set(Proxy::GradNorm, finite_or_nan(norm));
      set(Proxy::Snip, finite_or_nan(snip));
      if (want(Proxy::Zico)) zico_grads.push_back(grads);
    }
  }
  if (want(Proxy::Zico)) {
    std::vector<ProxyBatch> rest;
    if (zico_halves) {
      const auto half = batches[0].images.size(0) / 2;
      if (half < 1) throw InputError("zico needs two batches or a batch of at least 2 images");
      rest.push_back({batches[0].images.slice(0, 0, half), batches[0].labels.slice(0, 0, half)});
      rest.push_back({batches[0].images.slice(0, half), batches[0].labels.slice(0, half)});
    } else {
      rest.assign(batches.begin() + 1, batches.end());
    }
    for (const auto& batch : rest) {
      const auto loss = torch::cross_entropy_loss(forward(batch.images), batch.labels);
      zico_grads.push_back(weight_gradients(loss, weights, /*retain_graph=*/false));
    }
    set(Proxy::Zico, zico_score(zico_grads));
  }
  if (want(Proxy::Synflow)) {
    if (synflow_net == nullptr)
      throw std::logic_error("network_proxy_scores: synflow needs its net");
    set(Proxy::Synflow, synflow_score(*synflow_net, synflow_forward, batches[0].images));
  }
  return scores;
}

}  // namespace hwnas
