// A new supernet strategy is one class and one registration: a throwaway strategy registered here
// runs through the same contract loop as the built-ins (supernet_fixture.h).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/config.h"
#include "search/differentiable/cost_loss.h"
#include "search/differentiable/supernet_fixture.h"
#include "search/differentiable/supernet_strategy.h"

namespace hwnas {
namespace {

// Weights on one op drawn for every slot at once (a uniform arch); the alphas follow the cost
// term alone.
class UniformPathCostDescent : public SupernetStrategy {
 public:
  std::string name() const override { return "uniform_path_cost_descent"; }

  void select_weight_paths(Supernet& net, const BatchShard& batch, int epoch,
                           std::mt19937_64& rng) const override {
    net->select_single(std::vector<int>(net->num_slots(), static_cast<int>(rng() % net->num_choices())));
  }

  ArchStepResult arch_step(ArchStepContext& ctx, const torch::Tensor& images,
                           const torch::Tensor& labels) const override {
    const auto alphas = ctx.net->alphas();
    const auto expected = ctx.cost.expected_cost(torch::softmax(alphas, 1));
    ctx.optimizer.zero_grad();
    alphas.mutable_grad() = torch::autograd::grad({expected}, {alphas})[0].clone();
    ctx.optimizer.step();
    ArchStepResult result;
    result.expected_cost = expected.item<double>();
    return result;
  }
};

void register_throwaway(SupernetStrategyRegistry& registry) {
  SupernetStrategyDefaults defaults;
  defaults.options.type = "uniform_path_cost_descent";
  defaults.options.arch_lr = 0.05;
  defaults.cost_form = "add_linear";
  registry.add("uniform_path_cost_descent", "test", "uniform single paths, cost-only alphas",
               [](const ConfigSection&) { return std::make_unique<UniformPathCostDescent>(); },
               defaults);
}

TEST(SupernetStrategies, AThrowawayStrategyRunsThroughTheContractLoop) {
  register_builtin_supernet_strategies();
  auto& registry = SupernetStrategyRegistry::global();
  register_throwaway(registry);
  ASSERT_TRUE(is_supernet_strategy("uniform_path_cost_descent"));
  // Its defaults reach the options like a built-in's.
  const auto options = testing::options_from(testing::tiny("nb201", "uniform_path_cost_descent", ""));
  EXPECT_EQ(options.strategy.arch_lr, 0.05);
  EXPECT_EQ(options.cost.form, "add_linear");
  for (const auto& name : registry.names()) testing::expect_supernet_strategy_contract(name);
}

TEST(SupernetStrategies, DuplicateNamesAndUnknownTypesAreErrors) {
  register_builtin_supernet_strategies();
  try {
    register_fbnet_dnas_strategy(SupernetStrategyRegistry::global());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "strategy name 'fbnet_dnas' from built-in is already registered by "
                           "built-in; pick another name");
  }
  try {
    testing::options_from("strategy: {type: proxyless}\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    // Every built-in is listed (a test strategy registered earlier in this process may join them).
    const std::string message = e.what();
    for (const char* name : {"fbnet_dnas", "proxylessnas", "spos", "warmup"}) {
      EXPECT_NE(message.find(name), std::string::npos) << message;
    }
    EXPECT_NE(message.find("unknown strategy.type 'proxyless'"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace hwnas
