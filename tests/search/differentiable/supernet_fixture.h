#pragma once
// Shared pieces of the supernet-search tests: options from YAML text, a tiny search on generated
// images, and the contract every registered supernet strategy keeps (run by the built-ins' test
// and by the test that registers a throwaway strategy).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
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
// `strategy_keys`: more keys of the strategy map ("hard: true").
inline std::string tiny(const std::string& space, const std::string& strategy,
                        const std::string& extra, const std::string& strategy_keys = "") {
  return "space: " + space + "\nseed: 3\nthreads: 1\n" +
         "data: {dataset: synthetic, synthetic_size: 32, augment: false}\n" +
         "train: {epochs: 3, warmup_epochs: 1, batch_size: 2, steps_per_epoch: 2, " +
         "eval_batches: 1, log_every: 1000}\n" + "strategy: {type: " + strategy + (strategy_keys.empty() ? "" : ", " + strategy_keys) +
         "}\n" + extra;
}

// The data rows of a metrics.csv (0 when it is absent): the epochs a run has finished.
inline int data_rows(const std::string& metrics_csv) {
  std::ifstream in(metrics_csv);
  std::string line;
  int rows = -1;  // the header
  while (std::getline(in, line)) ++rows;
  return std::max(rows, 0);
}

// metrics.csv without its images_per_s column (a wall-clock figure): what must replay exactly.
inline std::string metrics_without_timing(const std::string& path) {
  std::string out;
  std::istringstream in(read_text_file(path));
  std::string line;
  size_t timing = std::string::npos;
  for (int row = 0; std::getline(in, line); ++row) {
    std::vector<std::string> cells;
    std::stringstream cells_in(line);
    for (std::string cell; std::getline(cells_in, cell, ',');) cells.push_back(cell);
    if (row == 0) timing = std::find(cells.begin(), cells.end(), "images_per_s") - cells.begin();
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c != timing) out += cells[c] + ",";
    }
    out += "\n";
  }
  return out;
}

// In both spaces: the run writes its outputs (a search: arch.json names the strategy and its cost
// is the table's; a weights-only run: supernet.json; one metrics row per epoch trained), and a run
// stopped after each epoch and resumed gives the uninterrupted run's outputs byte for byte.
inline void expect_supernet_strategy_contract(const std::string& strategy,
                                              const std::string& strategy_keys = "") {
  SCOPED_TRACE("strategy " + strategy + " " + strategy_keys);
  for (const char* space : {"fbnet", "nb201"}) {
    SCOPED_TRACE(space);
    const TempDir whole("supernet_whole"), parts("supernet_parts");
    const std::string metric = std::string(space) == "fbnet" ? "edgegpu_latency" : "raspi4_latency";
    const std::string yaml = tiny(space, strategy, "cost: {metrics: [" + metric + "]}\n", strategy_keys);
    const auto options = options_from(yaml);
    const int epochs = options.algorithm->epochs_to_train(options.train.epochs, options.train.warmup_epochs);
    const auto result = SupernetSearch(options, shared_library()).run(whole.path(), false);
    EXPECT_EQ(result.epochs, epochs);
    const std::string metrics = read_text_file(whole.path() + "/metrics.csv");
    EXPECT_EQ(std::count(metrics.begin(), metrics.end(), '\n'), epochs + 1) << metrics;
    const std::string output = options.algorithm->searches_architecture() ? "/arch.json" : "/supernet.json";
    const auto json = nlohmann::json::parse(read_text_file(whole.path() + output));
    EXPECT_EQ(json["strategy"], strategy);
    if (options.algorithm->searches_architecture()) {
      EXPECT_EQ(json["costs"][metric].get<double>(), result.arch_cost);
      EXPECT_EQ(result.arch_cost, shared_library()
                                      ->model(parse_space(space), "cifar10", parse_cost_key(metric))
                                      ->cost(result.arch));
    } else {
      EXPECT_EQ(json["epochs"], epochs);
    }

    auto stopping = options_from(yaml);
    stopping.train.stop_after_epochs = 1;
    for (int call = 0; call < epochs; ++call) {  // one epoch per call, as kills would leave it
      SupernetSearch(stopping, shared_library()).run(parts.path(), /*resume=*/call > 0);
    }
    EXPECT_EQ(read_text_file(parts.path() + output), read_text_file(whole.path() + output));
    EXPECT_EQ(metrics_without_timing(parts.path() + "/metrics.csv"),
              metrics_without_timing(whole.path() + "/metrics.csv"));
  }
}

}  // namespace hwnas::testing
