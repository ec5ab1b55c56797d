// Figures for the hardware-cost analyses: one Kendall tau-b over the 15,625 NB201 architectures
// (target < 5 ms), the full cross-device matrices, and the steps of hwnas_analyze.
//   build-*/tests/benchmarks/bench_analysis
#include <benchmark/benchmark.h>

#include "core/pareto.h"
#include "costmodels/analysis/analysis.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

using hwnas::testing::library;

const MetricTable& nb201() {
  static const MetricTable t = nb201_metric_table(library());
  return t;
}

// FLOPs vs a complete column (raspi4, 15,625 pairs, many FLOPs ties), as the plain function
// sees it: two sorts + Knight's merge sort.
void BM_KendallTauB_Nb201_15625(benchmark::State& state) {
  const auto& x = nb201().complexity[0].values;
  const auto& y = nb201().cost("raspi4_latency").values;
  for (auto _ : state) benchmark::DoNotOptimize(kendall_tau_b(x, y));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(x.size()));
}
BENCHMARK(BM_KendallTauB_Nb201_15625)->Unit(benchmark::kMillisecond);

void BM_Spearman_Nb201_15625(benchmark::State& state) {
  const auto& x = nb201().complexity[0].values;
  const auto& y = nb201().cost("raspi4_latency").values;
  for (auto _ : state) benchmark::DoNotOptimize(spearman(x, y));
}
BENCHMARK(BM_Spearman_Nb201_15625)->Unit(benchmark::kMillisecond);

void BM_Pearson_Nb201_15625(benchmark::State& state) {
  const auto& x = nb201().complexity[0].values;
  const auto& y = nb201().cost("raspi4_latency").values;
  for (auto _ : state) benchmark::DoNotOptimize(pearson(x, y));
}
BENCHMARK(BM_Pearson_Nb201_15625)->Unit(benchmark::kMicrosecond);

// The 33 x 33 NB201 Kendall matrix (561 pairs over 15,625 rows, partly unknown values).
void BM_CrossDeviceKendall_Nb201_33x33(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cross_device_matrix(nb201()));
}
BENCHMARK(BM_CrossDeviceKendall_Nb201_33x33)->Unit(benchmark::kMillisecond)->UseRealTime();

// The HELP FBNet table: 31 metrics x 5,000 archs.
void BM_CrossDeviceKendall_FbnetHelp_31x31(benchmark::State& state) {
  static const auto help =
      HelpFbnetMeasurements::load(library().dir() + "/help/fbnet_cifar100_latency.csv");
  static const MetricTable t = fbnet_help_metric_table(library(), help);
  for (auto _ : state) benchmark::DoNotOptimize(cross_device_matrix(t));
}
BENCHMARK(BM_CrossDeviceKendall_FbnetHelp_31x31)->Unit(benchmark::kMillisecond)->UseRealTime();

// FLOPs/params vs the 33 NB201 metrics, all three correlations (the complexity table).
void BM_ComplexityCorrelations_Nb201(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(complexity_correlations(nb201()));
}
BENCHMARK(BM_ComplexityCorrelations_Nb201)->Unit(benchmark::kMillisecond);

// The (cost, accuracy) Pareto front of one NB201 metric over 15,625 archs.
void BM_AccuracyParetoFront_Nb201(benchmark::State& state) {
  const auto& cost = nb201().cost("raspi4_latency");
  for (auto _ : state) benchmark::DoNotOptimize(accuracy_pareto_rows(cost, nb201().accuracy[0]));
}
BENCHMARK(BM_AccuracyParetoFront_Nb201)->Unit(benchmark::kMillisecond);

void BM_BuildNb201MetricTable(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(nb201_metric_table(library()));
}
BENCHMARK(BM_BuildNb201MetricTable)->Unit(benchmark::kMillisecond);

void BM_BuildFbnetSample10000(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(fbnet_metric_table(library(), FbnetSetting::Cifar100, 10000, 0));
  }
}
BENCHMARK(BM_BuildFbnetSample10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hwnas

BENCHMARK_MAIN();
