#pragma once
// Retraining a found architecture from scratch (hwnas_train): the child net is built from the
// same block code as the supernet, trained with SGD (nesterov, cosine, label smoothing, weight
// decay) and standard CIFAR augmentation, evaluated on the test split every epoch, checkpointed
// and resumable like the search. One YAML file describes the protocol:
//
//   name: retrain             # run folder <output.dir>/<name>/
//   seed: 0
//   device: cpu               # or cuda
//   threads: 0
//   data_dir: ""              # tables folder (for result.json's costs)
//   cost_tables: []           # extra LUT files (profiled/fitted devices)
//   data: {...}               # ImageDataOptions
//   train: {...}              # TrainLoopOptions (search/training/training_options.h)
//   distributed: {...}        # DistributedOptions: several processes (search/distributed/)
//   output: {dir: runs}
#include <cmath>
#include <memory>
#include <string>

#include "core/run_header.h"
#include "costmodels/arch_report.h"
#include "costmodels/cost_library.h"
#include "search/distributed/distributed_options.h"
#include "search/distributed/rank_group.h"
#include "search/training/image_data_options.h"
#include "search/training/training_options.h"

namespace hwnas {

class Config;
class ConfigSection;

struct RetrainOptions {
  RunHeader run{"retrain"};  // name, seed, device, threads, output.dir
  CostTablesOptions tables;  // data_dir, cost_tables
  ImageDataOptions data;
  TrainLoopOptions train;
  DistributedOptions distributed;

  static RetrainOptions read(const Config& config);
};

struct RetrainResult {
  double top1 = 0;          // test top-1 (%) after the last epoch
  int epochs = 0;
  double images_per_s = 0;  // training throughput of the last epoch
  std::string brief_report() const;  // "test top-1 ...% after N epochs (... training images/s)"
};

// What besides config.resolved.yaml defines a retraining run, as YAML keys (arch.ops,
// arch.setting): its checkpoints record it, and --resume refuses an arch.json edited since.
std::string retrain_identity(const ArchFile& target);

// Trains in `run_dir`: metrics.csv, checkpoints/last.pt, model.pt (final weights) and
// result.json (top-1, the arch's cost on every device/metric, FLOPs, params). Data-parallel over
// `ranks` (plain DDP: each rank its rows of every batch, gradients summed); rank 0 alone writes.
RetrainResult retrain(const RetrainOptions& options, const ArchFile& target,
                      const CostLibrary& library, const std::string& run_dir, bool resume,
                      RankGroup& ranks = single_process());

}  // namespace hwnas
