// Supernet training throughput, FBNet CIFAR space, batch 64: one sampled path (ProxylessNAS
// weight step) vs all paths weighted (FBNet-DNAS / Gumbel mode). Peak resident memory per mode:
// run one mode per process, e.g.
//   bench_supernet --benchmark_filter=SinglePath; bench_supernet --benchmark_filter=AllPaths
// and read the max_rss_mib counter (the process's peak, so only meaningful one mode per run).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <torch/torch.h>

#include <random>

#include "supernet/supernet.h"
#include "supernet/torch_runtime.h"

namespace hwnas {
namespace {

double max_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

void train_steps(benchmark::State& state, bool all_paths) {
  torch::manual_seed(0);
  keep_freed_memory();  // what every training run sets up
  const int batch = static_cast<int>(state.range(0));
  SupernetOptions options;
  options.fbnet_setting = FbnetSetting::Cifar10;
  Supernet net(options);
  net->use_channels_last();  // the training default (train.memory_format)
  const auto x = torch::randn({batch, 3, 32, 32});
  torch::optim::SGD sgd(net->weight_parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
  const auto y = torch::randint(0, 10, {batch});
  std::mt19937 rng(0);
  std::uniform_int_distribution<int> op(0, kFbnetChoices - 1);
  for (auto _ : state) {
    if (all_paths) {
      net->select_weighted(torch::softmax(torch::randn({kFbnetLayers, kFbnetChoices}), 1));
    } else {
      std::vector<int> ops(kFbnetLayers);
      for (int& o : ops) o = op(rng);
      net->select_single(ops);
    }
    sgd.zero_grad();
    torch::nn::functional::cross_entropy(net->forward(x), y).backward();
    sgd.step();
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["images_per_s"] = benchmark::Counter(state.iterations() * batch, benchmark::Counter::kIsRate);
  state.counters["max_rss_mib"] = max_rss_mib();
}

void BM_SupernetTrainStepSinglePath(benchmark::State& state) { train_steps(state, false); }
BENCHMARK(BM_SupernetTrainStepSinglePath)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SupernetTrainStepAllPaths(benchmark::State& state) { train_steps(state, true); }
BENCHMARK(BM_SupernetTrainStepAllPaths)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace hwnas

BENCHMARK_MAIN();
