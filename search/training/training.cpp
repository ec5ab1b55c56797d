#include "search/training/training.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <sstream>

#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"
#include "search/training/checkpoint_file.h"
#include "search/training/resume.h"

namespace hwnas {

std::mt19937_64 epoch_rng(int seed, int epoch, int stream) {
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(epoch),
                    static_cast<uint32_t>(stream), 0x68776e61u};
  return std::mt19937_64(seq);
}

BatchStream::BatchStream(const std::vector<int64_t>& split, int batch, std::mt19937_64& order_rng)
    : order_(split), batch_(batch) {
  std::shuffle(order_.begin(), order_.end(), order_rng);
}

std::vector<int64_t> BatchStream::next() {
  std::vector<int64_t> indices;
  for (int i = 0; i < batch_; ++i) indices.push_back(order_[(position_++) % order_.size()]);
  return indices;
}

IndexSplit split_indices(int64_t n, double fraction, std::mt19937_64& rng) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  const auto held = static_cast<int64_t>(std::llround(fraction * order.size()));
  IndexSplit split;
  split.held_out.assign(order.begin(), order.begin() + held);
  split.rest.assign(order.begin() + held, order.end());
  return split;
}

std::unique_ptr<torch::optim::SGD> make_sgd(const std::vector<torch::Tensor>& parameters,
                                            const TrainLoopOptions& train) {
  return std::make_unique<torch::optim::SGD>(parameters, torch::optim::SGDOptions(train.lr)
                                                             .momentum(train.momentum)
                                                             .nesterov(train.nesterov)
                                                             .weight_decay(train.weight_decay));
}

torch::Tensor smoothed_cross_entropy(const torch::Tensor& logits, const torch::Tensor& labels,
                                     double smoothing) {
  return torch::nn::functional::cross_entropy(
      logits, labels, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(smoothing));
}

void set_cosine_lr(torch::optim::Optimizer& optimizer, double base_lr, double progress) {
  for (auto& group : optimizer.param_groups()) {
    group.options().set_lr(0.5 * base_lr * (1 + std::cos(M_PI * progress)));
  }
}

void drop_gradients(std::vector<torch::Tensor>& parameters) {
  for (auto& p : parameters) p.mutable_grad() = torch::Tensor();
}

double evaluate_top1(const std::function<torch::Tensor(const torch::Tensor&)>& forward,
                     const ImageSet& set, int batch, int max_batches, const torch::Device& device,
                     RankGroup& ranks) {
  torch::NoGradGuard no_grad;
  std::vector<int64_t> all(set.size());
  std::iota(all.begin(), all.end(), 0);
  int64_t correct = 0, seen = 0;
  std::mt19937_64 unused(0);  // no augmentation
  for (size_t start = 0, b = 0; start < all.size(); start += batch, ++b) {
    if (max_batches > 0 && static_cast<int>(b) >= max_batches) break;
    if (static_cast<int>(b % ranks.world_size()) != ranks.rank()) continue;
    const std::vector<int64_t> idx(all.begin() + start,
                                   all.begin() + std::min(all.size(), start + batch));
    const auto x = make_image_batch(set, idx, /*augment=*/false, unused).to(device);
    const auto y = batch_labels(set, idx).to(device);
    correct += forward(x).argmax(1).eq(y).sum().item<int64_t>();
    seen += static_cast<int64_t>(idx.size());
  }
  const auto totals = ranks.sum({static_cast<double>(correct), static_cast<double>(seen)},
                                "the sum of the test counts");
  return totals[1] > 0 ? 100.0 * totals[0] / totals[1] : 0.0;
}

ImageBatch make_batch_rows(const ImageSet& set, const std::vector<int64_t>& indices,
                           const ImageDataOptions& data, std::mt19937_64& augment_rng,
                           const BatchShard& rows, const torch::Device& device) {
  auto images = make_image_batch(set, indices, data.augment, augment_rng, data.cutout);
  auto labels = batch_labels(set, indices);
  if (!rows.whole()) {
    images = images.narrow(0, rows.begin, rows.size());
    labels = labels.narrow(0, rows.begin, rows.size());
  }
  return {images.to(device), labels.to(device)};
}

void start_from_rank0(torch::nn::Module& module, RankGroup& ranks) {
  if (!ranks.distributed()) return;
  ranks.broadcast(module.parameters(), "the broadcast of rank 0's parameters");
  ranks.broadcast(module.buffers(), "the broadcast of rank 0's buffers");
}

void end_epoch_on_ranks(torch::nn::Module& module, RankGroup& ranks, int epoch) {
  if (!ranks.distributed()) return;
  ranks.average(module.buffers(), "the average of the BatchNorm statistics");
  std::vector<torch::Tensor> state = module.parameters();
  for (const auto& b : module.buffers()) state.push_back(b);
  const uint64_t fingerprint =
      ranks.check_identical(state, "the parameters and buffers after epoch " + std::to_string(epoch));
  spdlog::info("epoch {}: parameters and buffers identical on the {} ranks (fingerprint {:016x})",
               epoch, ranks.world_size(), fingerprint);
}

void log_gradient_traffic(const RankGroup& ranks, int epoch, const RankGroup::Traffic& before,
                          double train_seconds) {
  const auto& now = ranks.gradient_traffic();
  const int64_t calls = now.calls - before.calls;
  if (!ranks.distributed() || calls == 0) return;
  const double seconds = now.seconds - before.seconds;
  spdlog::info("epoch {}: {} gradient all-reduces, {:.2f} ms and {:.3f} MB each ({:.1f}% of the "
               "training time, {})",
               epoch, calls, 1e3 * seconds / calls, (now.bytes - before.bytes) / 1e6 / calls,
               100.0 * seconds / train_seconds, ranks.describe());
}

EpochProgress::EpochProgress(const TrainLoopOptions& train, int epoch, int steps_per_epoch)
    : train_(train), epoch_(epoch), steps_(steps_per_epoch) {}

double EpochProgress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void EpochProgress::step_done(int step, int64_t images, double mean_loss) const {
  if ((step + 1) % train_.log_every != 0 && step + 1 != steps_) return;
  const double elapsed = seconds();
  const double eta = elapsed / (step + 1) *
                     (static_cast<double>(train_.epochs - epoch_ - 1) * steps_ + (steps_ - step - 1));
  spdlog::info("epoch {}/{} step {}/{}  {:.0f} img/s  loss {:.3f}  ETA {:.0f} s", epoch_ + 1,
               train_.epochs, step + 1, steps_, images / elapsed, mean_loss, eta);
}

bool stop_requested(const TrainLoopOptions& train, int completed, int first_epoch) {
  if (train.stop_after_epochs <= 0 || completed - first_epoch < train.stop_after_epochs ||
      completed >= train.epochs) {
    return false;
  }
  spdlog::info("stopping after epoch {} as asked; continue with --resume", completed);
  return true;
}

void reset_metrics_csv(const std::string& path, const std::string& header, int completed_epochs) {
  std::vector<std::string> keep = {header};
  if (completed_epochs > 0) {
    check_metrics_csv(path, completed_epochs);
    std::istringstream old(read_text_file(path));
    std::string line;
    std::getline(old, line);
    while (std::getline(old, line)) {
      int epoch = 0;
      if (parse_int(line.substr(0, line.find(',')), epoch) && epoch <= completed_epochs) {
        keep.push_back(line);
      }
    }
  }
  write_file_checked(path, join(keep, "\n") + "\n");
}

namespace {

std::string serialized(torch::serialize::OutputArchive& archive) {
  std::ostringstream bytes;
  archive.save_to(bytes);
  return std::move(bytes).str();
}

// LibTorch's message without its C++ backtrace, on one line and short.
std::string torch_reason(const c10::Error& e) {
  std::string what = e.what_without_backtrace();
  what = what.substr(0, what.find('\n'));
  return what.size() > 200 ? what.substr(0, 200) + "..." : what;
}

}  // namespace

void Checkpoint::save(const std::string& path, torch::nn::Module& module,
                      const std::map<std::string, torch::optim::Optimizer*>& optimizers) const {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive module_archive;
  module.save(module_archive);
  archive.write("module", module_archive);
  for (const auto& [name, optimizer] : optimizers) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer." + name, optimizer_archive);
  }
  // The numbers live in the checksummed record; in the archive too for an older hwnas.
  for (const auto& [name, value] : numbers) {
    archive.write("number." + name, torch::tensor(value, torch::kDouble));
  }
  std::string bytes;
  try {
    bytes = serialized(archive);
  } catch (const c10::Error& e) {
    throw IoError(path + ": cannot be serialized (" + torch_reason(e) + ")");
  }
  try {
    write_checkpoint_file(path, bytes, CheckpointMeta{kind, config, numbers, true}, "");
  } catch (const IoError& e) {
    // Say what survived: the file the failed write did not replace.
    std::string survives = "; no checkpoint was written before";
    if (std::filesystem::exists(path)) {
      survives = "; the last good checkpoint is kept";
      try {
        const auto old = read_checkpoint_file(path).meta.numbers;
        if (const auto it = old.find("completed_epochs"); it != old.end()) {
          survives = "; the last good checkpoint (epoch " +
                     std::to_string(static_cast<int>(it->second)) + ") is kept";
        }
      } catch (const Error&) {
      }
    }
    const auto run_dir = std::filesystem::path(path).parent_path().parent_path().string();
    if (!kind.empty()) survives += "; free space and run " + kind + " --resume " + run_dir;
    throw IoError(e.what() + survives);
  }
}

bool Checkpoint::load(const std::string& path, torch::nn::Module& module,
                      const std::map<std::string, torch::optim::Optimizer*>& optimizers,
                      const torch::Device& device) {
  if (!std::filesystem::exists(path)) return false;
  const CheckpointFile file = read_checkpoint_file(path);
  if (!file.meta.verified) {
    spdlog::warn("{}: a checkpoint of an older hwnas, without a checksum: loaded unverified", path);
  }
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(file.archive.data(), file.archive.size(), device);
  } catch (const c10::Error& e) {
    throw_corrupt_checkpoint(path, "LibTorch cannot read it: " + torch_reason(e));
  }
  try {
    torch::serialize::InputArchive module_archive;
    archive.read("module", module_archive);
    module.load(module_archive);
    for (const auto& [name, optimizer] : optimizers) {
      torch::serialize::InputArchive optimizer_archive;
      archive.read("optimizer." + name, optimizer_archive);
      optimizer->load(optimizer_archive);
    }
    for (auto& [name, value] : numbers) {
      if (file.meta.verified) {
        const auto it = file.meta.numbers.find(name);
        if (it == file.meta.numbers.end()) throw_corrupt_checkpoint(path, "it has no number '" + name + "'");
        value = it->second;
      } else {
        torch::Tensor t;
        archive.read("number." + name, t);
        value = t.item<double>();
      }
    }
  } catch (const c10::Error& e) {
    throw DataError(path + ": does not fit this run's network (" + torch_reason(e) +
                    ")");
  }
  kind = file.meta.kind;
  config = file.meta.config;
  return true;
}

void save_module_checked(torch::nn::Module& module, const std::string& path,
                         const std::string& what_survives) {
  torch::serialize::OutputArchive archive;
  module.save(archive);
  write_file_checked(path, serialized(archive), what_survives);
}

}  // namespace hwnas
