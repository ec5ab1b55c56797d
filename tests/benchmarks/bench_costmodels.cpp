// Cost-library figures: single and batched arch-cost queries, expected cost forward+backward,
// table loading. Run: build/tests/benchmarks/bench_costmodels (Release build).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <random>

#include "core/paths.h"
#include "costmodels/cost_library.h"
#include "costmodels/help_fbnet.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

using hwnas::testing::library;

std::vector<Arch> random_archs(Space space, size_t count, uint32_t seed) {
  const SearchSpace& s = search_space(space);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> choice(0, s.num_choices - 1);
  std::vector<Arch> archs(count, Arch{space, std::vector<int>(s.num_decisions)});
  for (auto& a : archs) {
    for (int& op : a.ops) op = choice(rng);
  }
  return archs;
}

void BM_FbnetSingleQuery(benchmark::State& state) {
  const auto model = library().model(Space::FBNet, "cifar100", parse_cost_key("edgegpu_latency"));
  const auto archs = random_archs(Space::FBNet, 4096, 1);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model->cost(archs[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FbnetSingleQuery);

void BM_Nb201SingleQuery(benchmark::State& state) {
  const auto model = library().model(Space::NB201, "cifar10", parse_cost_key("fpga_latency"));
  const auto archs = random_archs(Space::NB201, 4096, 2);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model->cost(archs[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Nb201SingleQuery);

// 1M random FBNet archs x all 8 metrics (TBB over the archs of each metric).
void BM_FbnetBatchMillionTimesEightMetrics(benchmark::State& state) {
  const size_t n = 1'000'000;
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> choice(0, kFbnetChoices - 1);
  std::vector<uint8_t> choices(n * kFbnetLayers);
  for (auto& c : choices) c = static_cast<uint8_t>(choice(rng));
  const auto models = library().all_models(Space::FBNet, "cifar100");
  std::vector<double> out(n);
  for (auto _ : state) {
    for (const auto& model : models) {
      model->costs(choices.data(), n, out.data());
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * n * models.size());
}
BENCHMARK(BM_FbnetBatchMillionTimesEightMetrics)->Unit(benchmark::kMillisecond)->UseRealTime();

// expected_cost alone, as the search calls it: probabilities are leaves of the graph here (the
// softmax that makes them belongs to the supernet's step).
void expected_cost_forward_backward(benchmark::State& state, Space space, const char* key,
                                    bool as_matrix) {
  torch::set_num_threads(1);
  const auto model = library().model(space, space == Space::FBNet ? "cifar100" : "cifar10",
                                     parse_cost_key(key));
  const SearchSpace& s = search_space(space);
  const auto matrix = torch::softmax(torch::randn({s.num_decisions, s.num_choices}), 1)
                          .detach()
                          .requires_grad_(true);
  std::vector<torch::Tensor> vectors;
  for (int d = 0; d < s.num_decisions; ++d) {
    vectors.push_back(matrix[d].detach().clone().requires_grad_(true));
  }
  for (auto _ : state) {
    auto e = as_matrix ? model->expected_cost(matrix) : model->expected_cost(vectors);
    e.backward();
    benchmark::DoNotOptimize(e.data_ptr());
  }
}

void BM_ExpectedCostFbnetMatrix(benchmark::State& state) {
  expected_cost_forward_backward(state, Space::FBNet, "edgegpu_latency", /*as_matrix=*/true);
}
BENCHMARK(BM_ExpectedCostFbnetMatrix)->Unit(benchmark::kMicrosecond);

void BM_ExpectedCostFbnetVectors(benchmark::State& state) {
  expected_cost_forward_backward(state, Space::FBNet, "edgegpu_latency", /*as_matrix=*/false);
}
BENCHMARK(BM_ExpectedCostFbnetVectors)->Unit(benchmark::kMicrosecond);

void BM_ExpectedCostNb201Vectors(benchmark::State& state) {
  expected_cost_forward_backward(state, Space::NB201, "raspi4_latency", /*as_matrix=*/false);
}
BENCHMARK(BM_ExpectedCostNb201Vectors)->Unit(benchmark::kMicrosecond);

// Start-up: the FBNet LUT and all three NB201 tables (10 + 23 cost columns, accuracies).
void BM_LoadAllTables(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(CostLibrary::load());
}
BENCHMARK(BM_LoadAllTables)->Unit(benchmark::kMillisecond);

void BM_LoadHelpFbnetMeasurements(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        HelpFbnetMeasurements::load(data_dir() + "/help/fbnet_cifar100_latency.csv"));
  }
}
BENCHMARK(BM_LoadHelpFbnetMeasurements)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hwnas

BENCHMARK_MAIN();
