// The cost term of differentiable search: each loss form against its formula, the log guard,
// dual ascent on the multiplier, and weighted sums of several metrics.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "core/config.h"
#include "search/differentiable/cost_loss.h"
#include "support/error_of.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::library;

CostLossOptions options_of(const std::string& yaml, const std::string& form = "mul_log", double b = 0.3) {
  const Config config = Config::parse(yaml, "<test>");
  return CostLossOptions::read(config.root(), form, b);
}

CostLoss nb201_loss(const std::string& yaml) {
  return CostLoss(options_of(yaml), library(), Space::NB201, "cifar10");
}

double value(const torch::Tensor& t) { return t.item<double>(); }

TEST(CostLoss, EachFormIsItsFormula) {
  const auto ce = torch::tensor(2.0, torch::kDouble);
  const auto e = torch::tensor(20.0, torch::kDouble);
  auto mul_log = nb201_loss("metrics: [raspi4_latency]\nform: mul_log\na: 0.2\nb: 0.3\n");
  mul_log.set_reference(30.0);
  EXPECT_DOUBLE_EQ(value(mul_log.loss(ce, e)), 2.0 * 0.2 * std::pow(std::log(20.0) / std::log(30.0), 0.3));
  auto dnas = nb201_loss("metrics: [raspi4_latency]\nform: dnas\nb: 0.6\n");
  EXPECT_DOUBLE_EQ(value(dnas.loss(ce, e)), 2.0 * 0.2 * std::pow(std::log(20.0), 0.6));
  auto linear = nb201_loss("metrics: [raspi4_latency]\nform: add_linear\nlambda: 0.5\n");
  linear.set_reference(25.0);
  EXPECT_DOUBLE_EQ(value(linear.loss(ce, e)), 2.0 + 0.5 * (20.0 - 25.0) / 25.0);
  auto none = nb201_loss("metrics: [raspi4_latency]\nform: none\n");
  EXPECT_DOUBLE_EQ(value(none.loss(ce, e)), 2.0);
  // Without the cross-entropy the multiplicative forms keep their cost factor alone.
  auto cost_only = nb201_loss("metrics: [raspi4_latency]\nform: dnas\nb: 0.6\nuse_ce: false\n");
  EXPECT_DOUBLE_EQ(value(cost_only.loss(ce, e)), 0.2 * std::pow(std::log(20.0), 0.6));
}

TEST(CostLoss, LogFormsRefuseCostsAtOrBelowOne) {
  auto loss = nb201_loss("metrics: [raspi4_latency]\nform: dnas\n");
  EXPECT_EQ(error_of([&] { loss.loss(torch::tensor(1.0), torch::tensor(0.5)); }),
            "cost.form dnas takes the log of E[cost], which must be > 1 (it is 0.5); use form "
            "add_linear for such small costs");
  auto mul = nb201_loss("metrics: [raspi4_latency]\n");
  mul.set_reference(1.0);
  EXPECT_EQ(error_of([&] { mul.loss(torch::tensor(1.0), torch::tensor(5.0)); }),
            "cost.form mul_log takes the log of the reference cost, which must be > 1 (it is 1); "
            "use form add_linear for such small costs");
}

// A NaN E[cost] comes from diverged alphas (arch_lr: 1000000), not from the cost form.
TEST(CostLoss, ANonFiniteCostIsADivergenceNotTheFormsFault) {
  auto loss = nb201_loss("metrics: [raspi4_latency]\nform: dnas\n");
  EXPECT_EQ(error_of([&] { loss.loss(torch::tensor(1.0), torch::tensor(std::nan(""))); }),
            "E[cost] is nan: the search diverged (architecture parameters no longer finite); lower "
            "strategy.arch_lr or train.lr");
}

TEST(CostLoss, DualAscentRaisesTheMultiplierOverTheTargetAndKeepsItNonNegative) {
  auto loss = nb201_loss("metrics: [raspi4_latency]\nform: none\ntarget: 10\ndual_step: 2\n");
  loss.update_multiplier(15.0);  // 2 * (1.5 - 1)
  EXPECT_DOUBLE_EQ(loss.multiplier(), 1.0);
  EXPECT_DOUBLE_EQ(value(loss.loss(torch::tensor(2.0, torch::kDouble), torch::tensor(15.0, torch::kDouble))),
                   2.0 + 1.0 * (15.0 / 10.0 - 1.0));
  loss.update_multiplier(5.0);  // 1 + 2 * (0.5 - 1) = 0
  EXPECT_DOUBLE_EQ(loss.multiplier(), 0.0);
  loss.update_multiplier(2.0);  // would go negative
  EXPECT_DOUBLE_EQ(loss.multiplier(), 0.0);
  // No target: the multiplier never moves.
  auto free = nb201_loss("metrics: [raspi4_latency]\n");
  free.update_multiplier(1e6);
  EXPECT_DOUBLE_EQ(free.multiplier(), 0.0);
}

TEST(CostLoss, WeightedMetricsSumInCostAndExpectedCost) {
  auto loss = nb201_loss("metrics: [raspi4_latency, fpga_latency]\nweights: [0.25, 2]\n");
  EXPECT_EQ(loss.describe(), "0.25*raspi4_latency + 2*fpga_latency");
  const Arch arch = nb201_from_code(1234);
  const auto raspi = library().model(Space::NB201, "cifar10", parse_cost_key("raspi4_latency"));
  const auto fpga = library().model(Space::NB201, "cifar10", parse_cost_key("fpga_latency"));
  EXPECT_DOUBLE_EQ(loss.cost(arch), 0.25 * raspi->cost(arch) + 2 * fpga->cost(arch));
  // A one-hot distribution's expected cost is the arch's cost.
  auto probs = torch::zeros({kNb201Edges, 5}, torch::kDouble);
  for (int e = 0; e < kNb201Edges; ++e) probs[e][arch.ops[e]] = 1.0;
  EXPECT_NEAR(value(loss.expected_cost(probs)), loss.cost(arch), 1e-9);
}

TEST(CostLoss, OptionErrorsNameTheKey) {
  EXPECT_NE(error_of([] { options_of("metrics: [raspi4_latency]\nweights: [1, 2]\n"); })
                .find("must have one weight per metric (1)"),
            std::string::npos);
  EXPECT_NE(error_of([] { options_of("form: none\nuse_ce: false\n"); })
                .find("form none with use_ce false leaves no loss"),
            std::string::npos);
}

}  // namespace
}  // namespace hwnas
