#include <gtest/gtest.h>
#include <torch/torch.h>

#include <functional>
#include <set>
#include <string>

#include "costmodels/complexity.h"
#include "supernet/candidate_ops.h"
#include "supernet/fbnet_shared_weights.h"
#include "supernet/supernet.h"

namespace hwnas {
namespace {

int64_t count_parameters(const std::vector<torch::Tensor>& params) {
  int64_t n = 0;
  for (const auto& p : params) n += p.numel();
  return n;
}

// Fills every parameter and buffer of `child` by name from `source(name, is_buffer)`: the supernet
// tensor (or slice) that computes it.
void fill_child(Supernet& child, const std::function<torch::Tensor(const std::string&, bool)>& source) {
  torch::NoGradGuard no_grad;
  for (auto& p : child->named_parameters()) {
    const auto w = source(p.key(), false);
    ASSERT_EQ(w.sizes(), p.value().sizes()) << p.key();
    p.value().copy_(w);
  }
  for (auto& b : child->named_buffers()) b.value().copy_(source(b.key(), true));
}

// `super` on its selected path and `child` give the same logits. Both run with batch statistics:
// a fresh net in eval mode (running mean 0, variance 1) loses the input's signal over 22 layers
// and returns the same logits for every image, which would make any two nets compare equal. The
// rows must differ, or the comparison says nothing.
void expect_same_function(Supernet& super, Supernet& child) {
  super->train();
  child->train();
  const auto x = torch::randn({4, 3, 32, 32});
  const auto a = super->forward(x), b = child->forward(x);
  ASSERT_GT((a[0] - a[1]).abs().max().item<double>(), 1e-2) << "the logits do not depend on the input";
  EXPECT_TRUE(torch::allclose(a, b, 1e-4, 1e-5)) << "max difference " << (a - b).abs().max().item<double>();
}

// The child nets are the networks the cost tables and the FLOPs/params counters describe.
TEST(Supernet, ChildNetParametersEqualTheCounter) {
  const Arch help0{Space::FBNet, {7, 8, 1, 8, 4, 8, 8, 8, 7, 4, 1, 4, 7, 3, 2, 7, 3, 2, 4, 2, 4, 5}};
  for (FbnetSetting setting : {FbnetSetting::Cifar10, FbnetSetting::Cifar100}) {
    SupernetOptions o;
    o.fbnet_setting = setting;
    o.fixed_arch = help0;
    Supernet child(o);
    EXPECT_EQ(count_parameters(child->parameters()),
              std::llround(fbnet_complexity(help0, setting).mparams * 1e6));
  }
  for (int code : {0, 1234, 15624}) {
    SupernetOptions o;
    o.space = Space::NB201;
    o.fixed_arch = nb201_from_code(code);
    Supernet child(o);
    EXPECT_EQ(count_parameters(child->parameters()),
              std::llround(nb201_complexity(*o.fixed_arch).mparams * 1e6));
  }
}

TEST(Supernet, WeightsAndAlphasAreSeparateLists) {
  SupernetOptions o;
  o.space = Space::NB201;
  Supernet net(o);
  EXPECT_EQ(net->alphas().sizes(), (std::vector<int64_t>{6, 5}));
  const auto weights = net->weight_parameters();
  EXPECT_EQ(weights.size() + 1, net->parameters().size());
  for (const auto& w : weights) EXPECT_FALSE(w.is_same(net->alphas()));
}

TEST(Supernet, EveryModeProducesLogits) {
  torch::manual_seed(0);
  for (Space space : {Space::FBNet, Space::NB201}) {
    SupernetOptions o;
    o.space = space;
    Supernet net(o);
    const auto x = torch::randn({2, 3, 32, 32});
    const int slots = net->num_slots(), choices = net->num_choices();

    net->select_single(std::vector<int>(slots, 1));
    EXPECT_EQ(net->forward(x).sizes(), (std::vector<int64_t>{2, 10}));

    net->select_weighted(torch::softmax(torch::randn({slots, choices}), 1));
    EXPECT_EQ(net->forward(x).sizes(), (std::vector<int64_t>{2, 10}));
    net->select_weighted(torch::softmax(torch::randn({2, slots, choices}), 2));
    EXPECT_EQ(net->forward(x).sizes(), (std::vector<int64_t>{2, 10}));

    // Binary gates on two candidates per slot: the loss reaches both gates of each slot.
    // (op 0 is NB201's `none`, whose zero output gives its gate no gradient, so use 1 and 3.)
    auto gates = torch::zeros({slots, choices});
    gates.select(1, 3).fill_(1.0);
    gates.requires_grad_(true);
    net->select_gated(std::vector<std::vector<int>>(slots, {1, 3}), gates, std::vector<int>(slots, 3));
    net->forward(x).sum().backward();
    const auto& s = net->selection();
    ASSERT_TRUE(s.gates.grad().defined());
    EXPECT_EQ(s.gates.grad().select(1, 0).abs().sum().item<double>(), 0.0);
    EXPECT_GT(s.gates.grad().select(1, 1).abs().sum().item<double>(), 0.0);
  }
}

TEST(Supernet, SinglePathEqualsTheChildNetWithTheSameWeights) {
  torch::manual_seed(1);
  const Arch arch = nb201_from_code(4321);
  SupernetOptions o;
  o.space = Space::NB201;
  Supernet super(o);
  o.fixed_arch = arch;
  Supernet child(o);
  // The chosen candidates' weights, from the supernet into the child.
  auto super_params = super->named_parameters();
  auto super_buffers = super->named_buffers();
  fill_child(child, [&](const std::string& key, bool buffer) {
    return buffer ? super_buffers[key] : super_params[key];
  });
  torch::NoGradGuard no_grad;
  super->select_single(arch.ops);
  expect_same_function(super, child);
  EXPECT_EQ(child->argmax_arch(), arch);
}

// supernet.weights: shared. A path computes the child net whose weights are the superkernel's
// slices: the k x k centre, the first Cin * e channels, the block diagonal for groups.
TEST(Supernet, SharedWeightsPathEqualsTheChildNetWithTheSlicedWeights) {
  torch::manual_seed(2);
  // Every candidate once (op 1 and 5 are grouped, 8 the skip), on stride and shape changes too.
  const Arch arch{Space::FBNet, {0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 5, 3, 7}};
  SupernetOptions o;
  o.fbnet_shared_weights = true;
  Supernet super(o);
  o.fixed_arch = arch;
  Supernet child(o);
  auto super_params = super->named_parameters();
  auto super_buffers = super->named_buffers();
  // child "body.L.opK.expand.conv.weight" <- a slice of super "body.L.shared.expand";
  // child "body.L.opK.expand.bn.X" <- super "body.L.opK.expand_bn.X".
  const auto super_name = [](std::string key) {
    for (const char* part : {"expand", "depthwise", "project"}) {
      const std::string bn = std::string(".") + part + ".bn.";
      const auto at = key.find(bn);
      if (at != std::string::npos) key.replace(at, bn.size(), std::string(".") + part + "_bn.");
    }
    return key;
  };
  fill_child(child, [&](const std::string& key, bool buffer) -> torch::Tensor {
    if (buffer) return super_buffers[super_name(key)];
    const bool block_conv = key.rfind("body.", 0) == 0 && key.find(".conv.weight") != std::string::npos &&
                            key.find(".op8.") == std::string::npos;
    if (!block_conv) return super_params[super_name(key)];
    const int layer = std::stoi(key.substr(5));
    const FbnetCandidate& c = kFbnetCandidates[arch.ops[layer]];
    const std::string shared = "body." + std::to_string(layer) + ".shared.";
    const int64_t mid = c.expansion * fbnet_macro(o.fbnet_setting).layers[layer].cin;
    if (key.find(".expand.") != std::string::npos) {
      return block_diagonal_weights(super_params[shared + "expand"].slice(0, 0, mid), c.group);
    }
    // A grouped op's depthwise filters and project columns follow its channel shuffle.
    const auto order = c.group > 1 ? shuffled_channel_order(mid, c.group) : torch::arange(mid);
    if (key.find(".depthwise.") != std::string::npos) {
      const int crop = (5 - c.kernel) / 2;
      return super_params[shared + "depthwise"].index_select(0, order).slice(2, crop, crop + c.kernel).slice(3, crop, crop + c.kernel);
    }
    return block_diagonal_weights(super_params[shared + "project"].index_select(1, order), c.group);
  });
  torch::NoGradGuard no_grad;
  super->select_single(arch.ops);
  expect_same_function(super, child);
}

// channel_shuffle(x, g) == x.index_select(1, shuffled_channel_order(C, g)).
TEST(Supernet, ShuffledChannelOrderIsTheShufflesPermutation) {
  const auto x = torch::randn({2, 12, 3, 3});
  for (int groups : {2, 3}) {
    EXPECT_TRUE(torch::equal(channel_shuffle(x, groups), x.index_select(1, shuffled_channel_order(12, groups))));
  }
}

// The superkernel is listed once (one SGD update per step) and two different ops reach it.
TEST(Supernet, SharedWeightsAreOneParameterPerLayer) {
  SupernetOptions o;
  o.fbnet_shared_weights = true;
  Supernet net(o);
  std::set<const void*> seen;
  for (const auto& w : net->weight_parameters()) EXPECT_TRUE(seen.insert(w.unsafeGetTensorImpl()).second);
  const auto x = torch::randn({2, 3, 32, 32});
  auto params = net->named_parameters();
  for (int op : {3, 4}) {
    net->zero_grad();
    net->select_single(std::vector<int>(net->num_slots(), op));
    net->forward(x).sum().backward();
    EXPECT_GT(params["body.5.shared.depthwise"].grad().abs().sum().item<double>(), 0.0) << op;
  }
  // The README's figures (CIFAR-10 setting).
  SupernetOptions separate;
  Supernet plain(separate);
  EXPECT_EQ(count_parameters(net->weight_parameters()), 3848474);
  EXPECT_EQ(count_parameters(plain->weight_parameters()), 11146138);
}

TEST(Supernet, ImageNetSettingTakes224Pixels) {
  SupernetOptions o;
  o.fbnet_setting = FbnetSetting::ImageNet;
  o.fixed_arch = Arch{Space::FBNet, std::vector<int>(22, kFbnetSkip)};
  Supernet child(o);
  EXPECT_EQ(child->forward(torch::randn({1, 3, 224, 224})).sizes(),
            (std::vector<int64_t>{1, 1000}));
}

}  // namespace
}  // namespace hwnas
