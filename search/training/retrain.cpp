#include "search/training/retrain.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/csv.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"
#include "search/training/checkpoint_file.h"
#include "search/training/image_data.h"
#include "search/training/resume.h"
#include "search/training/training.h"
#include "supernet/supernet.h"
#include "supernet/torch_runtime.h"

namespace hwnas {

namespace {

enum Stream { kDataOrder = 0, kAugment = 1 };

Supernet build_child(const ArchFile& target, int num_classes) {
  SupernetOptions options;
  options.space = target.arch.space;
  options.fixed_arch = target.arch;
  options.num_classes = num_classes;
  if (target.arch.space == Space::FBNet) {
    options.fbnet_setting = parse_fbnet_setting(target.setting);
    const int classes = fbnet_macro(options.fbnet_setting).num_classes;
    if (classes != num_classes) {
      throw InputError("the arch's setting " + target.setting + " has a " +
                       std::to_string(classes) + "-class classifier, the data set " +
                       std::to_string(num_classes) + " classes");
    }
  }
  return Supernet(options);
}

// One row of metrics.csv.
struct EpochRow {
  int epoch = 0;
  double train_loss = 0, train_acc = 0, test_acc = 0, lr = 0, images_per_s = 0;
};

const CsvColumns<EpochRow>& metrics_columns() {
  static const CsvColumns<EpochRow> columns = {
      {"epoch", [](const EpochRow& r) { return std::to_string(r.epoch); }},
      {"train_loss", [](const EpochRow& r) { return format_double(r.train_loss); }},
      {"train_acc", [](const EpochRow& r) { return format_double(r.train_acc); }},
      {"test_acc", [](const EpochRow& r) { return format_double(r.test_acc); }},
      {"lr", [](const EpochRow& r) { return format_double(r.lr); }},
      {"images_per_s", [](const EpochRow& r) { return format_double(r.images_per_s); }},
  };
  return columns;
}

}  // namespace

std::string RetrainResult::brief_report() const {
  char line[256];
  std::snprintf(line, sizeof(line), "test top-1 %.2f%% after %d epochs (%.0f training images/s)",
                top1, epochs, images_per_s);
  return line;
}

std::string retrain_identity(const ArchFile& target) {
  // JSON strings are YAML scalars: quoted, whatever the arch string holds.
  return "arch: {ops: " + nlohmann::json(arch_to_string(target.arch)).dump() +
         ", setting: " + nlohmann::json(target.setting).dump() + "}\n";
}

RetrainResult retrain(const RetrainOptions& o, const ArchFile& target, const CostLibrary& library,
                      const std::string& run_dir, bool resume, RankGroup& ranks) {
  const BatchShard shard = ranks.shard(o.train.batch_size, "train.batch_size");
  ranks.set_recovery_hint("; the run's last checkpoint is kept: start all ranks again with "
                          "hwnas_train --resume " + run_dir);
  const torch::Device device = start_torch(o.run.device, o.run.threads, o.run.seed).device;
  const TrainTestSets data = load_image_sets(o.data, o.run.seed);
  Supernet net = build_child(target, data.train.num_classes);
  net->to(device);
  if (o.train.memory_format == "channels_last") net->use_channels_last();
  auto parameters = net->parameters();
  const auto sgd = make_sgd(parameters, o.train);
  if (ranks.is_main()) std::filesystem::create_directories(run_dir + "/checkpoints");
  const std::string checkpoint_path = run_dir + "/checkpoints/last.pt";
  Checkpoint checkpoint;
  checkpoint.numbers = {{"completed_epochs", 0}};
  const std::string identity = ranks.is_main() ? run_identity(run_dir, retrain_identity(target)) : "";
  int start = 0;
  if (resume && checkpoint.load(checkpoint_path, *net, {{"sgd", sgd.get()}}, device)) {
    start = static_cast<int>(checkpoint.numbers["completed_epochs"]);
    spdlog::info("resuming {} after epoch {}", run_dir, start);
  }
  start_from_rank0(*net, ranks);
  if (ranks.is_main()) reset_metrics_csv(run_dir + "/metrics.csv", metrics_columns().header(), start);
  // What a failed write leaves: the checkpoint of the last finished epoch, which --resume continues.
  const std::string resume_hint = "; the run's last checkpoint is kept; free space and run "
                                  "hwnas_train --resume " + run_dir;
  std::vector<int64_t> all(data.train.size());
  std::iota(all.begin(), all.end(), 0);
  const int steps = static_cast<int>((all.size() + o.train.batch_size - 1) / o.train.batch_size);
  spdlog::info("retraining {} ({:.3f} MFLOPs) on {} {} images, {} epochs of {} steps, device {}, {}",
               arch_to_string(target.arch),
               make_arch_report(library, target.arch, target.setting).complexity.mflops,
               all.size(), data.train.name, o.train.epochs, steps, o.run.device, ranks.describe());
  const auto test_top1 = [&] {
    net->eval();
    return evaluate_top1([&](const torch::Tensor& x) { return net->forward(x); }, data.test,
                         std::max(o.train.batch_size, 64), o.train.eval_batches, device, ranks);
  };
  RetrainResult result;
  for (int epoch = start; epoch < o.train.epochs; ++epoch) {
    const EpochProgress progress(o.train, epoch, steps);
    auto order_rng = epoch_rng(o.run.seed, epoch, kDataOrder);
    auto augment_rng = epoch_rng(o.run.seed, epoch, kAugment);
    BatchStream batches(all, o.train.batch_size, order_rng);
    net->train();
    double loss_sum = 0;
    int64_t correct = 0, seen = 0;
    const RankGroup::Traffic traffic_before = ranks.gradient_traffic();
    for (int step = 0; step < steps; ++step) {
      set_cosine_lr(*sgd, o.train.lr, (static_cast<double>(epoch) * steps + step) / (o.train.epochs * steps));
      const auto rows = make_batch_rows(data.train, batches.next(), o.data, augment_rng, shard, device);
      const auto& x = rows.images;
      const auto& y = rows.labels;
      drop_gradients(parameters);
      const auto logits = net->forward(x);
      const auto loss = smoothed_cross_entropy(logits, y, o.train.label_smoothing);
      loss.backward();
      ranks.reduce_gradients(parameters, shard.share());
      if (o.train.grad_clip > 0) torch::nn::utils::clip_grad_norm_(parameters, o.train.grad_clip);
      sgd->step();
      loss_sum += loss.item<double>() * x.size(0);
      correct += logits.argmax(1).eq(y).sum().item<int64_t>();
      seen += x.size(0);
      progress.step_done(step, seen, loss_sum / seen);
    }
    const double train_seconds = progress.seconds();
    if (ranks.distributed()) {  // the epoch's figures over every rank's rows
      const auto sums = ranks.sum({loss_sum, static_cast<double>(correct), static_cast<double>(seen)},
                                  "the sum of the epoch's statistics");
      loss_sum = sums[0];
      correct = static_cast<int64_t>(sums[1]);
      seen = static_cast<int64_t>(sums[2]);
    }
    log_gradient_traffic(ranks, epoch + 1, traffic_before, train_seconds);
    const double top1 = test_top1();
    end_epoch_on_ranks(*net, ranks, epoch + 1);
    result = {top1, epoch + 1, seen / train_seconds};
    const EpochRow row{epoch + 1, loss_sum / seen, 100.0 * correct / seen, top1,
                       sgd->param_groups()[0].options().get_lr(), result.images_per_s};
    if (ranks.is_main()) {
      append_file_checked(run_dir + "/metrics.csv", metrics_columns().line(row) + "\n", resume_hint);
      spdlog::info("epoch {} done: train loss {:.3f}  train acc {:.1f}%  test top-1 {:.2f}%  ({:.0f} s)",
                   epoch + 1, row.train_loss, row.train_acc, top1, train_seconds);
      checkpoint.numbers["completed_epochs"] = epoch + 1;
      checkpoint.kind = "hwnas_train";
      checkpoint.config = identity;
      checkpoint.save(checkpoint_path, *net, {{"sgd", sgd.get()}});
    }
    if (stop_requested(o.train, epoch + 1, start)) return result;
  }
  if (start >= o.train.epochs) result = {test_top1(), o.train.epochs, 0.0};  // already finished
  if (!ranks.is_main()) return result;
  save_module_checked(*net, run_dir + "/model.pt", resume_hint);
  auto j = nlohmann::ordered_json::parse(make_arch_report(library, target.arch, target.setting).to_json());
  j["dataset"] = data.train.name;
  j["top1"] = result.top1;
  j["epochs"] = result.epochs;
  j["train_images_per_s"] = result.images_per_s;
  write_file_checked(run_dir + "/result.json", j.dump(2) + "\n", resume_hint);
  return result;
}

}  // namespace hwnas
