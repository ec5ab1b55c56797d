// Tabular search figures: evaluations/s of the NB201 evaluator (target >= 5 million/s on one
// thread), the full query path of a strategy, and the wall time of 100 seeds x 1,000 queries of
// regularized evolution on 1 and 2 threads (target well under 1 s on 2 cores), with the process's
// peak resident memory. Run: build-*/tests/benchmarks/bench_strategies (Release build).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <tbb/global_control.h>

#include <numeric>
#include <random>

#include "core/config.h"
#include "costmodels/cost_library.h"
#include "search/sampling/search_run.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

const std::shared_ptr<const CostLibrary>& library() { return testing::shared_library(); }

const SearchRun& quickstart_run() {
  static const SearchRun run = SearchRun::from_config(
      Config::parse("objective: {type: constrained, metric: edgegpu_latency, limit: 5}\n"
                    "budget: {queries: 1000}\n"
                    "strategy: {type: evolution}\n",
                    "bench.yaml"),
      library());
  return run;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // Linux reports KiB
}

std::vector<int> random_codes(size_t count) {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> code(0, kNb201Archs - 1);
  std::vector<int> codes(count);
  for (int& c : codes) c = code(rng);
  return codes;
}

// Accuracy + one cost + known flag + simulated time of one arch given by its dense code.
void BM_TabularEvaluateCode(benchmark::State& state) {
  const Evaluator& evaluator = quickstart_run().evaluator();
  const auto codes = random_codes(4096);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(evaluator.evaluate_code(codes[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TabularEvaluateCode);

// The same from an Arch (validation + code computation), as strategies call it.
void BM_TabularEvaluateArch(benchmark::State& state) {
  const Evaluator& evaluator = quickstart_run().evaluator();
  std::vector<Arch> archs;
  for (int code : random_codes(4096)) archs.push_back(nb201_from_code(code));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(evaluator.evaluate(archs[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TabularEvaluateArch);

// SearchContext::query: evaluate, score against the objective, record in the history.
void BM_ContextQuery(benchmark::State& state) {
  const SearchRun& run = quickstart_run();
  Budget budget;
  budget.queries = 1 << 16;  // a fresh context (history) every 65,536 queries
  auto ctx = std::make_unique<SearchContext>(run.evaluator(), run.objective(), budget, 0);
  std::vector<Arch> archs;
  for (int code : random_codes(4096)) archs.push_back(nb201_from_code(code));
  size_t i = 0;
  for (auto _ : state) {
    if (ctx->exhausted()) {
      state.PauseTiming();
      ctx = std::make_unique<SearchContext>(run.evaluator(), run.objective(), budget, 0);
      state.ResumeTiming();
    }
    benchmark::DoNotOptimize(ctx->query(archs[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ContextQuery);

// 100 seeds x 1,000 queries of regularized evolution (results, regret curves included), on
// state.range(0) threads.
void BM_Evolution100Seeds1000Queries(benchmark::State& state) {
  const SearchRun& run = quickstart_run();
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism,
                              static_cast<size_t>(state.range(0)));
  std::vector<uint64_t> seeds(100);
  std::iota(seeds.begin(), seeds.end(), 0);
  for (auto _ : state) {
    const auto results = run.run_seeds(seeds);
    benchmark::DoNotOptimize(results.data());
  }
  state.SetItemsProcessed(state.iterations() * 100 * 1000);
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}
BENCHMARK(BM_Evolution100Seeds1000Queries)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole setup of a run: tables (3 CSVs, 15,625 rows each) and the table optimum.
void BM_LoadTablesAndOptimum(benchmark::State& state) {
  for (auto _ : state) {
    const SearchRun run = SearchRun::from_config(
        Config::parse("objective: {limit: 5}\n", "bench.yaml"));
    benchmark::DoNotOptimize(run.optimum().best_value);
  }
  state.counters["peak_rss_MiB"] = peak_rss_mib();
}
BENCHMARK(BM_LoadTablesAndOptimum)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace hwnas

BENCHMARK_MAIN();
