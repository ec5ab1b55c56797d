// The zero-cost proxies on a tiny network (1x1 conv, BN, ReLU, linear) with fixed weights and
// images, pinned against reference_proxies.py: an independent computation of each proxy from its
// paper's definition with PyTorch and numpy (values printed by that script, 12 digits).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/error.h"
#include "search/zero_cost/percentile_scale.h"
#include "search/zero_cost/proxies.h"
#include "supernet/relu_probe.h"

namespace hwnas {
namespace {

class TinyNetImpl : public torch::nn::Module {
 public:
  TinyNetImpl() {
    conv =
        register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 2, 1).bias(false)));
    bn = register_module("bn", torch::nn::BatchNorm2d(2));
    linear = register_module("linear", torch::nn::Linear(8, 3));
    torch::NoGradGuard no_grad;
    conv->weight.copy_(((torch::arange(6, torch::kFloat) - 2.5) / 3).reshape({2, 3, 1, 1}));
    linear->weight.copy_((torch::sin(torch::arange(24, torch::kFloat)) * 0.5).reshape({3, 8}));
    linear->bias.copy_(torch::tensor({0.1, -0.2, 0.3}));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto h = bn->forward(conv->forward(x));
    report_relu_input(h);
    h = torch::relu(h);
    return linear->forward(h.reshape({h.size(0), -1}));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
  torch::nn::Linear linear{nullptr};
};
TORCH_MODULE(TinyNet);

std::vector<ProxyBatch> tiny_batches() {
  const auto n = torch::arange(4 * 12, torch::kFloat);
  return {
      {torch::cos(n).reshape({4, 3, 2, 2}), torch::tensor({0, 1, 2, 1}, torch::kLong)},
      {torch::sin(n * 0.7 + 1).reshape({4, 3, 2, 2}), torch::tensor({2, 0, 1, 1}, torch::kLong)}};
}

std::vector<double> tiny_scores(const std::vector<Proxy>& wanted,
                                const std::vector<ProxyBatch>& batches) {
  TinyNet net, synflow_net;
  return network_proxy_scores(
      wanted, *net, [&net](const torch::Tensor& x) { return net->forward(x); }, batches,
      synflow_net.ptr().get(),
      [&synflow_net](const torch::Tensor& x) { return synflow_net->forward(x); });
}

TEST(ZeroCostProxies, MatchTheIndependentReferenceOnATinyNetwork) {
  const std::vector<Proxy> all = {Proxy::GradNorm, Proxy::Snip,   Proxy::Synflow,
                                  Proxy::Jacov,    Proxy::Naswot, Proxy::Zico};
  const std::vector<double> reference = {1.94785046577,  1.94933843613, 22.2628560509,
                                         -29.3115308196, 5.76832099579, 5.49428423681};
  const auto scores = tiny_scores(all, tiny_batches());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_NEAR(scores[i], reference[i], 1e-5 * std::abs(reference[i])) << to_string(all[i]);
  }
  // Each proxy alone gives what it gives among the others (shared passes change nothing).
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_NEAR(tiny_scores({all[i]}, tiny_batches())[0], scores[i], 1e-9 * std::abs(scores[i]))
        << to_string(all[i]);
  }
}

TEST(ZeroCostProxies, ZicoSplitsASingleBatchInHalves) {
  auto batches = tiny_batches();
  batches.resize(1);
  const double split = tiny_scores({Proxy::Zico}, batches)[0];
  // The halves as two explicit batches of 2 give the same score.
  const std::vector<ProxyBatch> halves = {
      {batches[0].images.slice(0, 0, 2), batches[0].labels.slice(0, 0, 2)},
      {batches[0].images.slice(0, 2), batches[0].labels.slice(0, 2)}};
  EXPECT_DOUBLE_EQ(split, tiny_scores({Proxy::Zico}, halves)[0]);
  EXPECT_TRUE(std::isfinite(split));
}

TEST(ZeroCostProxies, ANetWhoseOutputIgnoresItsInputHasNoJacov) {
  TinyNet net;
  {
    torch::NoGradGuard no_grad;
    net->conv->weight.zero_();  // every image gives the same logits: a zero Jacobian
  }
  const auto scores = network_proxy_scores(
      {Proxy::Jacov}, *net, [&net](const torch::Tensor& x) { return net->forward(x); },
      tiny_batches(), nullptr, nullptr);
  EXPECT_TRUE(std::isnan(scores[0])) << scores[0];
}

TEST(ZeroCostProxies, NamesRoundTripAndUnknownOnesListTheKnown) {
  for (Proxy p : all_proxies()) EXPECT_EQ(parse_proxy(to_string(p)), p);
  try {
    parse_proxy("fisher");
    FAIL() << "fisher is not a proxy of hwnas";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("naswot"), std::string::npos) << e.what();
  }
}

TEST(PercentileScale, IsTheMidRankPercentileInsideAndStrictlyIncreasingOutside) {
  const PercentileScale scale({1, 2, 2, 3, std::nan("")});
  EXPECT_DOUBLE_EQ(scale(1), 12.5);  // (0 + 1/2) / 4
  EXPECT_DOUBLE_EQ(scale(2), 50.0);  // (1 + 2/2) / 4
  EXPECT_DOUBLE_EQ(scale(3), 87.5);
  EXPECT_DOUBLE_EQ(scale(2.5), 68.75);
  EXPECT_EQ(scale(std::nan("")), 0.0);
  EXPECT_GT(scale(0.5), 0.0);
  EXPECT_LT(scale(0.5), scale(1));
  EXPECT_LT(scale(0), scale(0.5));
  EXPECT_GT(scale(4), scale(3));
  EXPECT_LT(scale(4), 100.0);
  EXPECT_LT(scale(4), scale(5));
  EXPECT_THROW(PercentileScale({std::nan("")}), InputError);
}

}  // namespace
}  // namespace hwnas
