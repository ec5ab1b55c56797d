#pragma once
// Differentiable hardware-aware search over a supernet: ProxylessNAS (binary gates, single-path
// weight steps) and FBNet-DNAS (Gumbel-softmax over all paths), with the cost term from the
// target device's table (search/cost_loss.h). One YAML file describes a run:
//
//   name: table5-edgegpu      # run folder <output.dir>/<name>/
//   seed: 0
//   device: cpu               # or cuda
//   threads: 0                # intra-op threads, 0 = all cores
//   space: fbnet              # fbnet | nb201
//   setting: ""               # fbnet cost setting; "" = from the data set (cifar10/cifar100)
//   data_dir: ""              # tables folder
//   cost_tables: []           # extra LUT files: profiled/fitted devices to target
//   data: {...}               # SupernetDataOptions
//   train: {...}              # SupernetTrainOptions
//   strategy: {type: proxylessnas | fbnet_dnas, ...}   # SupernetStrategyOptions
//   cost: {...}               # CostLossOptions
//   output: {dir: runs}
//
// Every epoch ends with a checkpoint holding everything needed to resume to the identical result
// (weights, alphas, both optimizers, the multiplier; the data order and all sampling come from
// generators seeded by (seed, epoch), so an epoch replays exactly).
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "costmodels/cost_library.h"
#include "search/cost_loss.h"
#include "search/image_data_options.h"
#include "search/training_options.h"

namespace hwnas {

class Config;
class ConfigSection;

// The supernet's data: an image data set whose training images are split between the weights
// and the architecture parameters.
struct SupernetDataOptions : ImageDataOptions {
  double arch_fraction = 0.5;  // share of the training images held out for architecture steps

  static SupernetDataOptions read(const ConfigSection& section);
  void validate() const;
};

// The supernet's training loop: the common options (search/training_options.h) with the search's
// defaults, a weights-only warm-up and an optional fixed number of steps per epoch.
struct SupernetTrainOptions : TrainLoopOptions {
  SupernetTrainOptions() { epochs = 120; }
  int warmup_epochs = 30;   // weights only, before any architecture step
  int steps_per_epoch = 0;  // 0 = one pass over the weight split

  static SupernetTrainOptions read(const ConfigSection& section);
  void validate() const;
};

struct SupernetStrategyOptions {
  std::string type = "proxylessnas";  // proxylessnas | fbnet_dnas
  int arch_every = 1;          // architecture step every N weight steps (after warm-up)
  double arch_lr = 1e-3;       // Adam on the alphas
  double arch_beta1 = 0.0;
  double arch_beta2 = 0.999;
  std::string estimator = "two";   // proxylessnas: full | two (binary-gate gradient estimate)
  double temperature = 5.0;        // fbnet_dnas: Gumbel-softmax temperature at epoch 0
  double temperature_decay = 0.045;  // fbnet_dnas: tau = temperature * exp(-decay * epoch)
  std::string gumbel_sampling = "batch";  // fbnet_dnas: one sample per batch | example

  static SupernetStrategyOptions read(const ConfigSection& section);
  void validate() const;
};

struct SupernetSearchOptions {
  std::string name = "supernet-search";
  int seed = 0;
  std::string device = "cpu";
  int threads = 0;
  Space space = Space::FBNet;
  std::string setting;  // fbnet cost setting; "" = from the data set
  CostTablesOptions tables;  // data_dir, cost_tables
  std::string output_dir = "runs";
  SupernetDataOptions data;
  SupernetTrainOptions train;
  SupernetStrategyOptions strategy;
  CostLossOptions cost;

  // Reads every section; the caller then checks for unknown keys.
  static SupernetSearchOptions read(const Config& config);
  std::string cost_setting() const;  // the resolved setting
};

// True for the strategy types this module runs (the CLI dispatches on it).
bool is_supernet_strategy(const std::string& type);

struct SupernetSearchResult {
  Arch arch;                  // argmax of the alphas
  double arch_cost = 0;       // its cost under the cost term (weighted sum of metrics)
  double expected_cost = 0;   // E[cost] under softmax(alphas)
  double test_accuracy = 0;   // of the argmax arch in the supernet, last epoch (%)
  int epochs = 0;
  // NB201 only (NaN otherwise): the found arch's 200-epoch test accuracy from the table, and the
  // best accuracy among all archs that cost no more (the table's answer at the same budget).
  double table_accuracy = std::nan("");
  double best_accuracy_at_cost = std::nan("");
  std::string accuracy_dataset;
  std::string brief_report() const;
};

class SupernetSearch {
 public:
  SupernetSearch(SupernetSearchOptions options, std::shared_ptr<const CostLibrary> library);
  // Trains in `run_dir` (created); with `resume`, continues from run_dir/checkpoints/last.pt.
  SupernetSearchResult run(const std::string& run_dir, bool resume) const;

  const SupernetSearchOptions& options() const { return options_; }

 private:
  SupernetSearchOptions options_;
  std::shared_ptr<const CostLibrary> library_;
};

}  // namespace hwnas
