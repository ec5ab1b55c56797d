// strategy.stages (path_stages.h): the weights-only runs' progressive shrinking of op sets.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <random>
#include <set>
#include <string>

#include "core/config.h"
#include "search/differentiable/supernet_fixture.h"

namespace hwnas {
namespace {

// A warm-up (or SPOS) of 3 epochs over FBNet with `strategy_keys`.
std::string weights_only_yaml(const std::string& type, const std::string& strategy_keys) {
  return "space: fbnet\nseed: 3\nthreads: 1\n"
         "data: {dataset: synthetic, synthetic_size: 32, augment: false}\n"
         "train: {epochs: 4, warmup_epochs: 3, batch_size: 2, steps_per_epoch: 2}\n"
         "strategy: {type: " + type + ", " + strategy_keys + "}\n";
}

// The ops the weight steps of `epoch` trained, over `draws` selections.
std::set<int> drawn_ops(const SupernetSearchOptions& options, Supernet& net, int epoch, int draws) {
  std::mt19937_64 rng(5);
  std::set<int> ops;
  for (int d = 0; d < draws; ++d) {
    options.algorithm->select_weight_paths(net, BatchShard::all(2), epoch, rng);
    for (int op : net->selection().single) ops.insert(op);
  }
  return ops;
}

TEST(PathStages, TheFirstEpochsDrawFromTheStagesThenFromEveryOp) {
  Supernet net(SupernetOptions{});
  for (const char* type : {"warmup", "spos"}) {
    SCOPED_TRACE(type);
    const auto options = testing::options_from(
        weights_only_yaml(type, "stages: [k5_e6, \"k3_e6, k5_e6\"], stage_epochs: 1"));
    EXPECT_EQ(drawn_ops(options, net, 0, 5), (std::set<int>{7}));
    EXPECT_EQ(drawn_ops(options, net, 1, 5), (std::set<int>{3, 7}));
    EXPECT_EQ(drawn_ops(options, net, 2, 5).size(), static_cast<size_t>(kFbnetChoices));
  }
}

TEST(PathStages, StagesLastStageEpochsEach) {
  Supernet net(SupernetOptions{});
  const auto options = testing::options_from(weights_only_yaml("warmup", "stages: [k5_e6], stage_epochs: 2"));
  EXPECT_EQ(drawn_ops(options, net, 1, 3), (std::set<int>{7}));
  EXPECT_EQ(drawn_ops(options, net, 2, 5).size(), static_cast<size_t>(kFbnetChoices));
}

void expect_refused(const std::string& strategy_keys, const std::vector<std::string>& parts) {
  SCOPED_TRACE(strategy_keys);
  try {
    testing::options_from(weights_only_yaml("warmup", strategy_keys));
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    for (const auto& part : parts) EXPECT_NE(what.find(part), std::string::npos) << what;
  }
}

TEST(PathStages, AnOpOfAnotherSpaceOrStagesPastTheRunAreRefusedInOneLine) {
  expect_refused("stages: [\"k5_e6,nor_conv_3x3\"]", {"strategy.stages", "nor_conv_3x3", "space fbnet", "k3_e1"});
  expect_refused("stages: [k5_e6, k5_e6, k5_e6, k5_e6]", {"strategy.stages", "4 stages", "3 epochs"});
  expect_refused("stages: [k5_e6], stage_epochs: 0", {"strategy.stage_epochs", ">= 1"});
  expect_refused("stages: [\",\"]", {"strategy.stages", "no op"});
}

}  // namespace
}  // namespace hwnas
