#pragma once
// Differentiable hardware-aware search over a supernet: ProxylessNAS (binary gates, single-path
// weight steps) and FBNet-DNAS (Gumbel-softmax over all paths), or any registered supernet
// strategy (supernet_strategy.h), with the cost term from the target device's table
// (cost_loss.h). One YAML file describes a run:
//
//   name: table5-edgegpu      # run folder <output.dir>/<name>/
//   seed: 0
//   device: cpu               # or cuda
//   threads: 0                # intra-op threads, 0 = every core (1 per run when runs share cores)
//   space: fbnet              # fbnet | nb201
//   setting: ""               # fbnet cost setting; "" = from the data set (cifar10/cifar100)
//   data_dir: ""              # tables folder
//   cost_tables: []           # extra LUT files: profiled/fitted devices to target
//   data: {...}               # SupernetDataOptions
//   train: {...}              # SupernetTrainOptions
//   strategy: {type: proxylessnas | fbnet_dnas | ..., ...}   # SupernetStrategyOptions + its own
//   cost: {...}               # CostLossOptions
//   init: {from: "", alphas: reset}   # start from another run (hwnas_search --init-from DIR)
//   distributed: {backend: auto, timeout_s: 300}   # several processes (search/distributed/)
//   output: {dir: runs}
//
// Every epoch ends with a checkpoint holding everything needed to resume to the identical result
// (weights, alphas, both optimizers, the multiplier; the data order and all sampling come from
// generators seeded by (seed, epoch), so an epoch replays exactly).
#include <memory>
#include <string>

#include "core/run_header.h"
#include "costmodels/cost_library.h"
#include "search/differentiable/cost_loss.h"
#include "search/differentiable/supernet_result.h"
#include "search/differentiable/supernet_strategy.h"
#include "search/distributed/distributed_options.h"
#include "search/distributed/rank_group.h"
#include "search/training/image_data.h"
#include "search/training/image_data_options.h"
#include "search/training/training_options.h"

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

// The supernet's training loop: the common options (search/training/training_options.h) with the
// search's defaults, a weights-only warm-up and an optional fixed number of steps per epoch.
struct SupernetTrainOptions : TrainLoopOptions {
  SupernetTrainOptions() { epochs = 120; }
  int warmup_epochs = 30;   // weights only, before any architecture step
  int steps_per_epoch = 0;  // 0 = one pass over the weight split

  static SupernetTrainOptions read(const ConfigSection& section);
  void validate() const;
};

// The supernet's own shape. NB201: its size, a proxy (fewer channels or cells) trains faster; the costs
// stay those of the real arch's table, and the proxy's ranking of archs is what it is measured
// by (experiments/oneshot_quality).
struct SupernetShapeOptions {
  int nb201_channels = 16;        // the first stage's channels (NB201: 16)
  int nb201_cells_per_stage = 5;  // cells per stage (NB201: 5)
  // FBNet: "separate" (a module per candidate) or "shared" (the conv candidates of a layer
  // share one superkernel; supernet/fbnet_shared_weights.h). The child nets are the same.
  std::string fbnet_weights = "separate";

  static SupernetShapeOptions read(const ConfigSection& section, Space space);
  void validate() const;
};

// Where a run's weights start: fresh (seeded) or from another run's checkpoint, typically a shared
// warm-up (strategy.type: warmup), which then serves the searches of every target device.
struct SupernetInitOptions {
  std::string from;              // init.from: a run folder ("" = fresh weights)
  std::string alphas = "reset";  // reset: uniform alphas and a fresh Adam; keep: the run's own
};

struct SupernetSearchOptions {
  RunHeader run{"supernet-search"};  // name, seed, device, threads, output.dir
  Space space = Space::FBNet;
  std::string setting;  // fbnet cost setting; "" = from the data set
  CostTablesOptions tables;  // data_dir, cost_tables
  SupernetDataOptions data;
  SupernetTrainOptions train;
  SupernetShapeOptions shape;  // supernet: {channels, cells_per_stage}
  SupernetStrategyOptions strategy;  // the shared keys, with the strategy's defaults
  // The registered strategy of strategy.type, built from its keys.
  std::shared_ptr<const SupernetStrategy> algorithm;
  CostLossOptions cost;
  SupernetInitOptions init;
  DistributedOptions distributed;

  // Reads every section; the caller then checks for unknown keys.
  static SupernetSearchOptions read(const Config& config);
  std::string cost_setting() const;  // the resolved setting
};

// The images of a supernet run: its train and test sets, and the seeded split of the training
// images into the weights' part and the held-out part (architecture steps; the evaluator's
// validation images).
struct SupernetData {
  ImageSet train;
  ImageSet test;
  std::vector<int64_t> weight_split;
  std::vector<int64_t> arch_split;
};
SupernetData load_supernet_data(const SupernetSearchOptions& options);

// The run's supernet: its space, the setting's input size and classifier, `num_classes` classes.
Supernet make_run_supernet(const SupernetSearchOptions& options, int num_classes);

// InputError naming the first field in which `source` (a run whose checkpoint `here` starts from,
// in folder `dir`) trains another supernet, on other images or with another schedule: space,
// setting, data set and split, seed, and the train: section's schedule.
void check_same_supernet_run(const SupernetSearchOptions& source, const SupernetSearchOptions& here,
                             const std::string& dir);

// True for the strategy types of the supernet registry (the CLI dispatches on it).
bool is_supernet_strategy(const std::string& type);

class SupernetSearch {
 public:
  SupernetSearch(SupernetSearchOptions options, std::shared_ptr<const CostLibrary> library);
  // Trains in `run_dir` (created); with `resume`, continues from run_dir/checkpoints/last.pt.
  // Data-parallel over `ranks`: each rank trains its rows of every global batch on the same
  // paths, gradients (weights and alphas) are summed over the ranks, and rank 0 alone writes
  // the run folder's files; every rank returns the same result.
  SupernetSearchResult run(const std::string& run_dir, bool resume,
                           RankGroup& ranks = single_process()) const;

  const SupernetSearchOptions& options() const { return options_; }

 private:
  SupernetSearchOptions options_;
  std::shared_ptr<const CostLibrary> library_;
};

}  // namespace hwnas
