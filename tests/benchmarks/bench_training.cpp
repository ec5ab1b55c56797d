// Training throughput on this CPU, batch 64, one thread by default (HWNAS_BENCH_THREADS=N):
//  - child nets of the Table 5 archs and all-k3_e6 (FBNet cifar10 setting): a retraining step
//    (forward, label-smoothed CE, backward, clip, nesterov SGD), NCHW vs channels-last;
//  - the supernet warm-up step on the same single path, vs its child net;
//  - a ProxylessNAS search step (weight step + architecture step, binary gates on two paths);
//  - the fp32 peak: a 2048x2048 matmul.
// Counters: images_per_s and gflops (6 x forward MACs per image, the usual fwd+bwd estimate; the
// share of the peak is gflops / BM_MatmulPeak's). Compare with Python PyTorch through
// tests/benchmarks/compare_python.sh (tests/benchmarks/python/child_training.py, interleaved runs,
// medians).
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>

#include "core/config.h"
#include "costmodels/complexity.h"
#include "costmodels/cost_library.h"
#include "search/differentiable/cost_loss.h"
#include "search/differentiable/supernet_strategy.h"
#include "search/training/training.h"
#include "supernet/supernet.h"
#include "supernet/torch_runtime.h"

namespace hwnas {
namespace {

constexpr int kBatch = 64;

// Table 5 archs as found by experiments/table5 (reduced protocol, seed 0), and the heaviest
// uniform arch.
const char* const kArchs[] = {
    "k3_e3,skip,k5_e1,k3_e6,skip,k5_e3,k3_e1,skip,skip,k3_e3,k5_e1,skip,k3_e3,k3_e3,skip,skip,"
    "skip,k3_e3,skip,skip,skip,k5_e3",
    "k3_e1_g2,skip,k3_e3,k5_e1,k3_e1,k3_e3,k3_e1_g2,skip,k3_e1_g2,skip,k5_e1_g2,k3_e1,k3_e1_g2,"
    "k3_e1,skip,k3_e1,k5_e1,k3_e1,skip,skip,skip,skip",
    "k3_e1_g2,skip,k3_e1,k3_e3,k5_e1,k5_e1,k3_e1_g2,k5_e1_g2,k3_e1,skip,k3_e3,k5_e1_g2,k5_e1_g2,"
    "k3_e1_g2,skip,skip,k5_e1_g2,k3_e1,k5_e1_g2,skip,skip,skip",
    "k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,"
    "k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6"};
const char* const kArchNames[] = {"edgegpu", "raspi4", "fpga", "all_k3_e6"};

// What every training run sets up (supernet/torch_runtime.h), unless HWNAS_BENCH_DEFAULT_MALLOC
// is set (to measure what keep_freed_memory() brings).
void set_threads() {
  const char* env = std::getenv("HWNAS_BENCH_THREADS");
  torch::set_num_threads(env ? std::atoi(env) : 1);
  if (!std::getenv("HWNAS_BENCH_DEFAULT_MALLOC")) keep_freed_memory();
}

void report(benchmark::State& state, const Arch& arch) {
  const double mflops = fbnet_complexity(arch, FbnetSetting::Cifar10).mflops;
  const double images = static_cast<double>(state.iterations()) * kBatch;
  state.counters["images_per_s"] = benchmark::Counter(images, benchmark::Counter::kIsRate);
  state.counters["gflops"] =
      benchmark::Counter(images * 6 * mflops / 1000.0, benchmark::Counter::kIsRate);
  state.SetItemsProcessed(static_cast<int64_t>(images));
}

struct Step {
  Supernet net{nullptr};
  std::vector<torch::Tensor> params;
  std::unique_ptr<torch::optim::SGD> sgd;
  torch::Tensor x, y;

  Step(const Arch& arch, bool child, bool channels_last) {
    torch::manual_seed(0);
    SupernetOptions o;
    o.fbnet_setting = FbnetSetting::Cifar10;
    if (child) o.fixed_arch = arch;
    net = Supernet(o);
    if (!child) net->select_single(arch.ops);
    if (channels_last) net->use_channels_last();
    params = net->weight_parameters();
    TrainLoopOptions train;
    sgd = make_sgd(params, train);
    x = torch::randn({kBatch, 3, 32, 32});
    y = torch::randint(0, 10, {kBatch});
  }
  void run() {
    drop_gradients(params);
    const auto loss = smoothed_cross_entropy(net->forward(x), y, 0.1);
    loss.backward();
    torch::nn::utils::clip_grad_norm_(params, 5.0);
    sgd->step();
  }
};

void BM_ChildStep(benchmark::State& state) {
  set_threads();
  const Arch arch = parse_fbnet_arch(kArchs[state.range(0)]);
  Step step(arch, /*child=*/true, /*channels_last=*/state.range(1) == 1);
  step.run();  // allocator and oneDNN primitive caches
  for (auto _ : state) step.run();
  report(state, arch);
  state.SetLabel(std::string(kArchNames[state.range(0)]) + (state.range(1) ? " channels_last" : " nchw"));
}

// The supernet with the arch's single path selected: a warm-up step (ProxylessNAS, SPOS).
void BM_SupernetWarmupStep(benchmark::State& state) {
  set_threads();
  const Arch arch = parse_fbnet_arch(kArchs[state.range(0)]);
  Step step(arch, /*child=*/false, /*channels_last=*/state.range(1) == 1);
  step.run();
  for (auto _ : state) step.run();
  report(state, arch);
  state.SetLabel(std::string(kArchNames[state.range(0)]) + (state.range(1) ? " channels_last" : " nchw"));
}

// One ProxylessNAS search step: a weight step on a path sampled from the alphas, then an
// architecture step (binary gates on two sampled candidates per layer), each on its own batch.
// images_per_s counts both batches, as the search's log does; search_step_in_weight_steps is the
// step's time over its weight step's (a weight step is a child-net step: BM_SupernetWarmupStep),
// the search step measured in child steps of the same paths.
void BM_SearchStep(benchmark::State& state) {
  set_threads();
  static const auto library = CostLibrary::load();
  CostLossOptions cost_options;
  cost_options.metrics = {"edgegpu_latency"};
  cost_options.weights = {1.0};
  CostLoss cost(cost_options, *library, Space::FBNet, "cifar10");
  cost.set_reference(20.0);
  register_builtin_supernet_strategies();
  const Config config = Config::parse("type: proxylessnas\n", "<bench>");
  const auto strategy = SupernetStrategyRegistry::global().create("proxylessnas", config.root());
  const Arch arch = parse_fbnet_arch(kArchs[state.range(0)]);
  Step step(arch, /*child=*/false, /*channels_last=*/state.range(1) == 1);
  torch::optim::Adam adam(std::vector<torch::Tensor>{step.net->alphas()},
                          torch::optim::AdamOptions(1e-3).betas({0.0, 0.999}));
  std::mt19937_64 rng(0);
  double weight_seconds = 0, arch_seconds = 0;
  const auto search_step = [&] {
    const auto t0 = std::chrono::steady_clock::now();
    strategy->select_weight_paths(step.net, BatchShard::all(kBatch), 0, rng);
    step.run();
    const auto t1 = std::chrono::steady_clock::now();
    ArchStepContext ctx{step.net, cost, adam, /*use_ce=*/true, 0, rng};
    strategy->arch_step(ctx, step.x, step.y);
    weight_seconds += std::chrono::duration<double>(t1 - t0).count();
    arch_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  };
  search_step();
  weight_seconds = arch_seconds = 0;
  for (auto _ : state) search_step();
  const double images = static_cast<double>(state.iterations()) * 2 * kBatch;
  state.counters["images_per_s"] = benchmark::Counter(images, benchmark::Counter::kIsRate);
  state.counters["search_step_in_weight_steps"] = (weight_seconds + arch_seconds) / weight_seconds;
  state.SetLabel(state.range(1) ? "channels_last" : "nchw");
}

void BM_MatmulPeak(benchmark::State& state) {
  set_threads();
  const auto a = torch::randn({2048, 2048}), b = torch::randn({2048, 2048});
  auto c = torch::mm(a, b);
  for (auto _ : state) {
    torch::mm_out(c, a, b);
    benchmark::DoNotOptimize(c.data_ptr<float>());
  }
  state.counters["gflops"] = benchmark::Counter(2.0 * 2048 * 2048 * 2048 * state.iterations() / 1e9,
                                                benchmark::Counter::kIsRate);
}

// Arch index x memory format (0 NCHW, 1 channels-last).
void Formats(benchmark::internal::Benchmark* b) {
  for (int arch = 0; arch < 4; ++arch) {
    for (int format = 0; format < 2; ++format) b->Args({arch, format});
  }
}

BENCHMARK(BM_MatmulPeak)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChildStep)->Apply(Formats)->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK(BM_SupernetWarmupStep)->Apply(Formats)->Unit(benchmark::kMillisecond)->MinTime(3.0);
BENCHMARK(BM_SearchStep)->Args({0, 0})->Args({0, 1})->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace
}  // namespace hwnas

BENCHMARK_MAIN();
