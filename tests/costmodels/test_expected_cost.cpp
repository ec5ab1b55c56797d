#include <gtest/gtest.h>
#include <torch/torch.h>

#include <numeric>
#include <random>

#include "support/library_fixture.h"

namespace hwnas {
namespace {

using testing::library;

std::vector<torch::Tensor> one_hot(const Arch& arch, int choices, torch::Dtype dtype) {
  std::vector<torch::Tensor> probs;
  for (int op : arch.ops) {
    auto p = torch::zeros({choices}, dtype);
    p[op] = 1.0;
    probs.push_back(p);
  }
  return probs;
}

std::vector<torch::Tensor> random_probs(int decisions, int choices, std::mt19937& rng) {
  std::vector<torch::Tensor> probs;
  std::uniform_real_distribution<double> u(-2, 2);
  for (int d = 0; d < decisions; ++d) {
    auto logits = torch::empty({choices}, torch::kDouble);
    for (int c = 0; c < choices; ++c) logits[c] = u(rng);
    probs.push_back(torch::softmax(logits, 0).detach().requires_grad_(true));
  }
  return probs;
}

// Central differences on each probability entry, the others fixed (E is multilinear, so the
// difference quotient is exact up to rounding).
void check_gradient(const CostModel& model, int decisions, int choices, uint32_t seed) {
  std::mt19937 rng(seed);
  auto probs = random_probs(decisions, choices, rng);
  model.expected_cost(probs).backward();
  const double h = 1e-6;
  for (int d = 0; d < decisions; ++d) {
    for (int c = 0; c < choices; ++c) {
      std::vector<torch::Tensor> plus, minus;
      for (const auto& p : probs) {
        plus.push_back(p.detach().clone());
        minus.push_back(p.detach().clone());
      }
      plus[d][c] += h;
      minus[d][c] -= h;
      const double fd = (model.expected_cost(plus).item<double>() -
                         model.expected_cost(minus).item<double>()) / (2 * h);
      ASSERT_NEAR(probs[d].grad()[c].item<double>(), fd, 1e-6 * std::max(1.0, std::abs(fd)))
          << model.describe() << " decision " << d << " choice " << c;
    }
  }
}

TEST(ExpectedCost, FbnetOneHotEqualsCost) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> choice(0, 8);
  for (const auto& model : library().all_models(Space::FBNet, "cifar100")) {
    for (int trial = 0; trial < 5; ++trial) {
      Arch arch{Space::FBNet, std::vector<int>(22)};
      for (int& op : arch.ops) op = choice(rng);
      const double e = model->expected_cost(one_hot(arch, 9, torch::kDouble)).item<double>();
      EXPECT_NEAR(e, model->cost(arch), 1e-12 * model->cost(arch)) << model->describe();
      const double e32 = model->expected_cost(one_hot(arch, 9, torch::kFloat)).item<double>();
      EXPECT_NEAR(e32, model->cost(arch), 1e-5 * model->cost(arch)) << model->describe();
    }
  }
}

TEST(ExpectedCost, Nb201OneHotEqualsCostForCompleteMetrics) {
  int checked = 0;
  for (const auto& model : library().all_models(Space::NB201, "cifar10")) {
    if (!model->complete()) continue;
    for (int code : {0, 1, 777, 9999, 15624}) {
      const Arch arch = nb201_from_code(code);
      const double e = model->expected_cost(one_hot(arch, 5, torch::kDouble)).item<double>();
      EXPECT_NEAR(e, model->cost(arch), 1e-12 * std::max(1.0, model->cost(arch)));
    }
    ++checked;
  }
  EXPECT_EQ(checked, 5 + 23);  // raspi4/pixel3/eyeriss/fpga latency, fpga_energy + HELP
}

TEST(ExpectedCost, Nb201UniformEqualsTableMean) {
  for (const char* key : {"fpga_latency", "raspi4_latency", "titanxp_256_latency"}) {
    const auto model = library().model(Space::NB201, "cifar10", parse_cost_key(key));
    const auto& values = library().nb201().column(parse_cost_key(key)).by_code;
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
    std::vector<torch::Tensor> uniform(6, torch::full({5}, 0.2, torch::kDouble));
    EXPECT_NEAR(model->expected_cost(uniform).item<double>(), mean, 1e-10 * mean) << key;
  }
}

TEST(ExpectedCost, FbnetGradientMatchesFiniteDifferences) {
  check_gradient(*library().model(Space::FBNet, "cifar100", parse_cost_key("edgegpu_latency")),
                 22, 9, 11);
  check_gradient(*library().model(Space::FBNet, "ImageNet", parse_cost_key("fpga_energy")), 22,
                 9, 12);
}

TEST(ExpectedCost, Nb201GradientMatchesFiniteDifferences) {
  check_gradient(*library().model(Space::NB201, "cifar10", parse_cost_key("raspi4_latency")), 6,
                 5, 13);
  check_gradient(*library().model(Space::NB201, "cifar10", parse_cost_key("gold_6240_latency")),
                 6, 5, 14);
}

TEST(ExpectedCost, IncompleteMetricRefuses) {
  const auto model = library().model(Space::NB201, "cifar10", parse_cost_key("edgegpu_latency"));
  std::vector<torch::Tensor> uniform(6, torch::full({5}, 0.2));
  EXPECT_THROW(model->expected_cost(uniform), MissingValueError);
}

TEST(ExpectedCost, WrongShapesAreInputErrors) {
  const auto model = library().model(Space::FBNet, "cifar100", parse_cost_key("edgegpu_latency"));
  std::vector<torch::Tensor> short_list(21, torch::full({9}, 1.0 / 9));
  EXPECT_EQ(testing::error_of([&] { model->expected_cost(short_list); }),
            "expected_cost over fbnet needs 22 probability vectors, got 21");
  std::vector<torch::Tensor> wide(22, torch::full({10}, 0.1));
  EXPECT_EQ(testing::error_of([&] { model->expected_cost(wide); }),
            "expected_cost over fbnet: probability vector 0 must be a 1-D floating tensor of 9 "
            "values");
}

}  // namespace
}  // namespace hwnas

namespace hwnas {
namespace {

TEST(ExpectedCost, MatrixFormEqualsVectorForm) {
  std::mt19937 rng(21);
  for (const auto& [space, key] : std::vector<std::pair<Space, const char*>>{
           {Space::FBNet, "raspi4_latency"}, {Space::NB201, "fpga_energy"}}) {
    const auto model = testing::library().model(
        space, space == Space::FBNet ? "cifar100" : "cifar10", parse_cost_key(key));
    const SearchSpace& s = search_space(space);
    auto vectors = random_probs(s.num_decisions, s.num_choices, rng);
    const auto matrix = torch::stack(vectors).detach().requires_grad_(true);
    const auto by_vectors = model->expected_cost(vectors);
    const auto by_matrix = model->expected_cost(matrix);
    EXPECT_NEAR(by_matrix.item<double>(), by_vectors.item<double>(),
                1e-12 * by_vectors.item<double>());
    by_vectors.backward();
    by_matrix.backward();
    for (int d = 0; d < s.num_decisions; ++d) {
      EXPECT_TRUE(torch::allclose(matrix.grad()[d], vectors[d].grad(), 1e-12, 1e-12));
    }
  }
  const auto model = testing::library().model(Space::FBNet, "cifar100",
                                              parse_cost_key("fpga_latency"));
  EXPECT_EQ(testing::error_of([&] { model->expected_cost(torch::ones({22, 8})); }),
            "expected_cost over fbnet: the probability matrix must be a 2-D floating tensor of "
            "shape [22, 9]");
}

}  // namespace
}  // namespace hwnas
