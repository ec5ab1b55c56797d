// FBNet-DNAS (Wu et al. 2019): Gumbel-softmax weights over all candidates of every slot, one
// sample per batch or per example, at a temperature decayed per epoch; weight and architecture
// steps both run the relaxed supernet, and the cost term is E[cost] of the relaxed sample.
// `hard: true` is GDAS (Dong & Yang 2019): both steps compute only the op of the Gumbel-max
// sample in each slot, whose gate is the straight-through one-hot of the relaxed sample, so the
// alphas still get the relaxation's gradient at the price of a single path (ProxylessNAS's).
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "core/config.h"
#include "search/differentiable/cost_loss.h"
#include "search/differentiable/supernet_strategy.h"
#include "search/training/training.h"

namespace hwnas {

namespace {

struct FbnetDnasOptions {
  double temperature = 5.0;          // tau at epoch 0
  double temperature_decay = 0.045;  // tau = temperature * exp(-decay * epoch)
  std::string gumbel_sampling = "batch";  // one sample per batch | example
  bool hard = false;                      // GDAS: one path per step, straight-through gates

  static FbnetDnasOptions read(const ConfigSection& s) {
    FbnetDnasOptions o;
    o.temperature = s.get_double("temperature", o.temperature);
    o.temperature_decay = s.get_double("temperature_decay", o.temperature_decay);
    o.gumbel_sampling = s.get_choice("gumbel_sampling", o.gumbel_sampling, {"batch", "example"});
    o.hard = s.get_bool("hard", o.hard);
    s.validate([&] { o.validate(); });
    return o;
  }
  void validate() const {
    if (!(temperature > 0)) throw InvalidOption("temperature", "must be > 0");
    if (temperature_decay < 0) throw InvalidOption("temperature_decay", "must be >= 0");
    if (hard && gumbel_sampling == "example") {
      throw InvalidOption("gumbel_sampling", "must be batch with hard: true (one path per step)");
    }
  }
};

class FbnetDnas : public SupernetStrategy {
 public:
  explicit FbnetDnas(FbnetDnasOptions options) : o_(std::move(options)) {}

  std::string name() const override { return "fbnet_dnas"; }

  double temperature(int epoch) const override {
    return o_.temperature * std::exp(-o_.temperature_decay * epoch);
  }

  void select_weight_paths(Supernet& net, const BatchShard& batch, int epoch,
                           std::mt19937_64& rng) const override {
    const auto noise = rows_of(gumbel_noise(net, per_example() ? batch.global : 0, rng), batch);
    const auto logits = net->alphas().detach() + noise;
    if (o_.hard) {
      net->select_single(per_slot_argmax(logits));
    } else {
      net->select_weighted(torch::softmax(logits / temperature(epoch), -1));
    }
  }

  ArchStepResult arch_step(ArchStepContext& ctx, const torch::Tensor& x,
                           const torch::Tensor& y) const override {
    Supernet& net = ctx.net;
    const double tau = temperature(ctx.epoch);
    const BatchShard batch = ctx.batch(x.size(0));
    const auto noise = gumbel_noise(net, per_example() ? batch.global : 0, ctx.rng);
    const auto alphas = net->alphas();
    const auto all_weights = torch::softmax((alphas + noise) / tau, -1);
    // E[cost] over the whole global batch's samples: the same on every rank, like the multiplier
    // it drives.
    const auto expected = ctx.cost.expected_cost(per_example() ? all_weights.mean(0) : all_weights);
    const auto weights = rows_of(all_weights, batch);
    ArchStepResult result;
    torch::Tensor ce = torch::zeros({}, expected.options());
    if (ctx.use_ce) {
      if (o_.hard) {
        select_straight_through(net, weights);
      } else {
        net->select_weighted(weights);
      }
      ce = smoothed_cross_entropy(net->forward(x), y, /*smoothing=*/0.0);
      result.ce = ce.item<double>();
    }
    const auto loss = ctx.cost.loss(ce, expected);
    ctx.optimizer.zero_grad();
    // A copy: with per-example samples the gradient is a view, which zero_grad cannot detach.
    alphas.mutable_grad() = torch::autograd::grad({loss}, {alphas})[0].clone();
    ctx.optimizer.step();
    net->select_single(std::vector<int>(net->num_slots(), 0));  // frees the relaxed weights
    result.expected_cost = expected.item<double>();
    return result;
  }

 private:
  bool per_example() const { return o_.gumbel_sampling == "example"; }

  // A per-example tensor's rows of this rank's shard; a per-batch one as it is.
  torch::Tensor rows_of(const torch::Tensor& samples, const BatchShard& batch) const {
    return per_example() && !batch.whole() ? samples.narrow(0, batch.begin, batch.size()) : samples;
  }

  static std::vector<int> per_slot_argmax(const torch::Tensor& logits) {
    const auto best = logits.argmax(-1).to(torch::kCPU).to(torch::kLong);
    const auto* b = best.data_ptr<int64_t>();
    return std::vector<int>(b, b + best.numel());
  }

  // GDAS's forward: each slot computes only its sampled op, scaled by a gate that is 1 in value
  // and carries d(weights)/d(alphas) of that op (straight-through one-hot).
  static void select_straight_through(Supernet& net, const torch::Tensor& weights) {
    const auto chosen = per_slot_argmax(weights.detach());
    const auto one_hot = torch::zeros_like(weights);
    std::vector<std::vector<int>> paths;
    for (size_t s = 0; s < chosen.size(); ++s) {
      one_hot[static_cast<int64_t>(s)][chosen[s]] = 1.0;
      paths.push_back({chosen[s]});
    }
    net->select_gated(std::move(paths), one_hot - weights.detach() + weights, chosen);
  }

  // Gumbel(0, 1) noise [slots, choices], or [batch, slots, choices] when batch > 0, drawn on
  // the CPU from the epoch's stream (reproducible on any device) and moved to the net's device.
  static torch::Tensor gumbel_noise(const Supernet& net, int64_t batch, std::mt19937_64& rng) {
    std::vector<int64_t> shape = {net->num_slots(), net->num_choices()};
    if (batch > 0) shape.insert(shape.begin(), batch);
    auto noise = torch::empty(shape, torch::kFloat);
    std::uniform_real_distribution<float> u(1e-10f, 1.0f);
    auto* p = noise.data_ptr<float>();
    for (int64_t i = 0; i < noise.numel(); ++i) p[i] = -std::log(-std::log(u(rng)));
    return noise.to(net->alphas().device());
  }

  FbnetDnasOptions o_;
};

}  // namespace

void register_fbnet_dnas_strategy(SupernetStrategyRegistry& registry) {
  SupernetStrategyDefaults defaults;
  defaults.options.type = "fbnet_dnas";
  defaults.options.arch_lr = 0.01;  // FBNet: Adam 0.01 on theta
  defaults.options.arch_beta1 = 0.9;
  defaults.cost_form = "dnas";      // CE * a * (log E)^b, b = 0.6
  defaults.cost_b = 0.6;
  registry.add(
      "fbnet_dnas", "built-in", "FBNet-DNAS Gumbel-softmax over all paths, cost term from a table",
      [](const ConfigSection& s) { return std::make_unique<FbnetDnas>(FbnetDnasOptions::read(s)); },
      defaults);
}

}  // namespace hwnas
