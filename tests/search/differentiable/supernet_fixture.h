#pragma once
// Shared pieces of the supernet-search tests: options from YAML text, a tiny search on generated
// images, and the contract every registered supernet strategy keeps (run by the built-ins' test
// and by the test that registers a throwaway strategy).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/paths.h"
#include "search/differentiable/supernet_search.h"
#include "support/library_fixture.h"
#include "support/temp_dir.h"

namespace hwnas::testing {

inline SupernetSearchOptions options_from(const std::string& yaml) {
  const Config config = Config::parse(yaml, "<test>");
  auto options = SupernetSearchOptions::read(config);
  config.check_unknown_keys();
  return options;
}

// A tiny FBNet/NB201 search on synthetic images: 3 epochs (1 warm-up) of 2 steps of 2 images.
inline std::string tiny(const std::string& space, const std::string& strategy,
                        const std::string& extra) {
  return "space: " + space + "\nseed: 3\nthreads: 1\n" +
         "data: {dataset: synthetic, synthetic_size: 32, augment: false}\n" +
         "train: {epochs: 3, warmup_epochs: 1, batch_size: 2, steps_per_epoch: 2, " +
         "eval_batches: 1, log_every: 1000}\n" + "strategy: {type: " + strategy + "}\n" + extra;
}

// In both spaces: the run writes its outputs (arch.json names the strategy, its cost is the
// table's, one metrics row per epoch), and a run stopped after each epoch and resumed gives the
// uninterrupted run's arch.json byte for byte.
inline void expect_supernet_strategy_contract(const std::string& strategy) {
  SCOPED_TRACE("strategy " + strategy);
  for (const char* space : {"fbnet", "nb201"}) {
    SCOPED_TRACE(space);
    const TempDir whole("supernet_whole"), parts("supernet_parts");
    const std::string metric = std::string(space) == "fbnet" ? "edgegpu_latency" : "raspi4_latency";
    const std::string yaml = tiny(space, strategy, "cost: {metrics: [" + metric + "]}\n");
    const auto result = SupernetSearch(options_from(yaml), shared_library()).run(whole.path(), false);
    EXPECT_EQ(result.epochs, 3);
    const auto arch_json = nlohmann::json::parse(read_text_file(whole.path() + "/arch.json"));
    EXPECT_EQ(arch_json["strategy"], strategy);
    EXPECT_EQ(arch_json["costs"][metric].get<double>(), result.arch_cost);
    EXPECT_EQ(result.arch_cost,
              shared_library()->model(parse_space(space), "cifar10", parse_cost_key(metric))->cost(result.arch));
    const std::string metrics = read_text_file(whole.path() + "/metrics.csv");
    EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), 4) << metrics;  // header + 3

    auto stopping = options_from(yaml);
    stopping.train.stop_after_epochs = 1;
    SupernetSearch(stopping, shared_library()).run(parts.path(), false);  // epoch 1 only
    SupernetSearch(stopping, shared_library()).run(parts.path(), true);   // epoch 2 only
    SupernetSearch(options_from(yaml), shared_library()).run(parts.path(), true);  // epoch 3
    EXPECT_EQ(read_text_file(parts.path() + "/arch.json"), read_text_file(whole.path() + "/arch.json"));
  }
}

}  // namespace hwnas::testing
