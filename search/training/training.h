#pragma once
// Pieces every training loop of the project shares (supernet search, retraining of found
// architectures): reproducible per-epoch random streams, splits and batch orders, the optimizer,
// loss and cosine schedule, the progress line, top-1 evaluation, resumable metrics.csv files and
// atomic checkpoints.
#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/optim/sgd.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "search/distributed/rank_group.h"
#include "search/training/image_data.h"
#include "search/training/image_data_options.h"
#include "search/training/training_options.h"

namespace hwnas {

// Every random stream of an epoch is seeded by (seed, epoch, stream): an epoch replays exactly,
// which is what makes resuming from the last epoch checkpoint give the identical result.
std::mt19937_64 epoch_rng(int seed, int epoch, int stream);

// Batches over a split of a data set, in an order drawn once per epoch; wraps around.
class BatchStream {
 public:
  BatchStream(const std::vector<int64_t>& split, int batch, std::mt19937_64& order_rng);
  std::vector<int64_t> next();

 private:
  std::vector<int64_t> order_;
  int batch_;
  size_t position_ = 0;
};

// The indices 0..n-1 shuffled by `rng`: the first round(fraction * n) are held out, the rest kept.
struct IndexSplit {
  std::vector<int64_t> held_out;
  std::vector<int64_t> rest;
};
IndexSplit split_indices(int64_t n, double fraction, std::mt19937_64& rng);

// SGD with the train: section's lr, momentum, nesterov and weight decay.
std::unique_ptr<torch::optim::SGD> make_sgd(const std::vector<torch::Tensor>& parameters,
                                            const TrainLoopOptions& train);

torch::Tensor smoothed_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels,
                                     double smoothing);

// lr = base * (1 + cos(pi * progress)) / 2 on every parameter group, progress in [0, 1].
void set_cosine_lr(torch::optim::Optimizer& optimizer, double base_lr, double progress);

// Drops the gradients instead of zeroing them: parameters a step does not reach (paths not
// sampled) then get no momentum or weight-decay update, and a resumed run, whose parameters start
// without gradients, takes exactly the same steps as an uninterrupted one.
void drop_gradients(std::vector<torch::Tensor>& parameters);

// Top-1 (%) of `forward` over `set` in batches of `batch` (at most `max_batches`, 0 = all). The
// ranks of `ranks` take every world_size-th batch and add up their counts: the same batches, so
// the same figure, as one process.
double evaluate_top1(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                     const ImageSet& set, int batch, int max_batches, const torch::Device& device,
                     RankGroup& ranks = single_process());

// One rank's rows of the batch of `indices`, on `device`. The whole batch is augmented, so the
// augmentation stream advances as in one process and every rank's stays the same.
struct ImageBatch {
  torch::Tensor images;
  torch::Tensor labels;
};
ImageBatch make_batch_rows(const ImageSet& set, const std::vector<int64_t>& indices,
                           const ImageDataOptions& data, std::mt19937_64& augment_rng,
                           const BatchShard& rows, const torch::Device& device);

// Data parallelism over the ranks of a run (search/distributed/rank_group.h): every rank starts
// from rank 0's parameters and buffers (whatever each loaded or drew) ...
void start_from_rank0(torch::nn::Module& module, RankGroup& ranks);
// ... and ends each epoch with the BatchNorm running statistics averaged over the ranks (each
// normalised its own rows: per-rank batch statistics) and a check that every rank holds the same
// parameters (Error "ranks diverged: ..." otherwise).
void end_epoch_on_ranks(torch::nn::Module& module, RankGroup& ranks, int epoch);
// The log line of what the gradient all-reduces cost in an epoch that started with `before` and
// trained for `train_seconds`: their number, time and size each, and their share of the time.
void log_gradient_traffic(const RankGroup& ranks, int epoch, const RankGroup::Traffic& before,
                          double train_seconds);

// The progress line of one epoch: throughput and the ETA of the whole run, every
// train.log_every steps and at the epoch's last step.
class EpochProgress {
 public:
  EpochProgress(const TrainLoopOptions& train, int epoch, int steps_per_epoch);
  double seconds() const;  // since the epoch started
  // After step `step` (0-based): `images` processed this epoch, the epoch's mean loss so far.
  void step_done(int step, int64_t images, double mean_loss) const;

 private:
  const TrainLoopOptions& train_;
  int epoch_;
  int steps_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// True (and says how to continue) when train.stop_after_epochs asks this call, which started
// after `first_epoch` completed epochs, to stop once `completed` are done.
bool stop_requested(const TrainLoopOptions& train, int completed, int first_epoch);

// metrics.csv with `header`, keeping the rows of the first `completed_epochs` epochs of an
// existing file (a resumed run does not repeat them, and drops the rows of a killed epoch).
// DataError naming the file when it lacks rows of completed epochs: history is never lost
// silently.
void reset_metrics_csv(const std::string& path, const std::string& header, int completed_epochs);

// One file holding a module, its optimizers, a few numbers and who wrote it, written atomically
// (a kill never leaves half a checkpoint) with a checksum (search/training/checkpoint_file.h).
struct Checkpoint {
  std::map<std::string, double> numbers;
  // The writing run: its program (hwnas_search, hwnas_train) and config.resolved.yaml. Saved
  // with the checkpoint, filled by load(): --resume compares them with the run folder's.
  std::string kind;
  std::string config;

  // IoError "<path>: cannot be written (<reason>); the last good checkpoint (epoch N) is kept;
  // free space and run <kind> --resume <run folder>" with the previous file left intact.
  void save(const std::string& path, torch::nn::Module& module,
            const std::map<std::string, torch::optim::Optimizer*>& optimizers) const;
  // False when `path` does not exist. DataError "<path>: corrupt checkpoint (...)" when it does
  // not verify or LibTorch cannot read it, "<path>: does not fit this run's network (...)" when
  // it holds another model.
  bool load(const std::string& path, torch::nn::Module& module,
            const std::map<std::string, torch::optim::Optimizer*>& optimizers,
            const torch::Device& device);
};

// Serializes `module` (torch::save's format) and writes it with write_file_checked.
void save_module_checked(torch::nn::Module& module, const std::string& path,
                         const std::string& what_survives);

}  // namespace hwnas
