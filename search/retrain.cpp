#include "search/retrain.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"
#include "search/image_data.h"
#include "search/training.h"
#include "supernet/supernet.h"

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

}  // namespace

RetrainResult retrain(const RetrainOptions& o, const ArchFile& target, const CostLibrary& library,
                      const std::string& run_dir, bool resume) {
  const torch::Device device(o.device == "cuda" ? torch::kCUDA : torch::kCPU);
  if (device.is_cuda() && !torch::cuda::is_available()) {
    throw InputError("device: cuda was asked for, but this LibTorch has no CUDA device");
  }
  if (o.threads > 0) torch::set_num_threads(o.threads);
  torch::manual_seed(o.seed);
  const TrainTestSets data = load_image_sets(o.data, o.seed);
  Supernet net = build_child(target, data.train.num_classes);
  net->to(device);
  auto parameters = net->parameters();
  torch::optim::SGD sgd(parameters, torch::optim::SGDOptions(o.train.lr)
                                        .momentum(o.train.momentum)
                                        .nesterov(o.train.nesterov)
                                        .weight_decay(o.train.weight_decay));
  std::filesystem::create_directories(run_dir + "/checkpoints");
  const std::string checkpoint_path = run_dir + "/checkpoints/last.pt";
  Checkpoint checkpoint;
  checkpoint.numbers = {{"completed_epochs", 0}};
  int start = 0;
  if (resume && checkpoint.load(checkpoint_path, *net, {{"sgd", &sgd}}, device)) {
    start = static_cast<int>(checkpoint.numbers["completed_epochs"]);
    spdlog::info("resuming {} after epoch {}", run_dir, start);
  }
  reset_metrics_csv(run_dir + "/metrics.csv", "epoch,train_loss,train_acc,test_acc,lr,images_per_s",
                    start);
  std::vector<int64_t> all(data.train.size());
  std::iota(all.begin(), all.end(), 0);
  const int steps = static_cast<int>((all.size() + o.train.batch_size - 1) / o.train.batch_size);
  spdlog::info("retraining {} ({:.3f} MFLOPs) on {} {} images, {} epochs of {} steps, device {}",
               arch_to_string(target.arch),
               make_arch_report(library, target.arch, target.setting).complexity.mflops,
               all.size(), data.train.name, o.train.epochs, steps, o.device);
  RetrainResult result;
  for (int epoch = start; epoch < o.train.epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    auto order_rng = epoch_rng(o.seed, epoch, kDataOrder);
    auto augment_rng = epoch_rng(o.seed, epoch, kAugment);
    BatchStream batches(all, o.train.batch_size, order_rng);
    net->train();
    double loss_sum = 0;
    int64_t correct = 0, seen = 0;
    for (int step = 0; step < steps; ++step) {
      set_cosine_lr(sgd, o.train.lr, (static_cast<double>(epoch) * steps + step) / (o.train.epochs * steps));
      const auto idx = batches.next();
      const auto x =
          make_image_batch(data.train, idx, o.data.augment, augment_rng, o.data.cutout).to(device);
      const auto y = batch_labels(data.train, idx).to(device);
      drop_gradients(parameters);
      const auto logits = net->forward(x);
      const auto loss = smoothed_cross_entropy(logits, y, o.train.label_smoothing);
      loss.backward();
      if (o.train.grad_clip > 0) torch::nn::utils::clip_grad_norm_(parameters, o.train.grad_clip);
      sgd.step();
      loss_sum += loss.item<double>() * x.size(0);
      correct += logits.argmax(1).eq(y).sum().item<int64_t>();
      seen += x.size(0);
      if ((step + 1) % o.train.log_every == 0) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const double eta = seconds / (step + 1) *
                           ((o.train.epochs - epoch - 1) * steps + (steps - step - 1));
        spdlog::info("epoch {}/{} step {}/{}  {:.0f} img/s  loss {:.3f}  ETA {:.0f} s", epoch + 1,
                     o.train.epochs, step + 1, steps, seen / seconds, loss_sum / seen, eta);
      }
    }
    const double train_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    net->eval();
    const double top1 = evaluate_top1([&](const torch::Tensor& x) { return net->forward(x); },
                                      data.test, std::max(o.train.batch_size, 64),
                                      o.train.eval_batches, device);
    result = {top1, epoch + 1, seen / train_seconds};
    std::ofstream(run_dir + "/metrics.csv", std::ios::app)
        << epoch + 1 << "," << format_double(loss_sum / seen) << ","
        << format_double(100.0 * correct / seen) << "," << format_double(top1) << ","
        << format_double(sgd.param_groups()[0].options().get_lr()) << ","
        << format_double(result.images_per_s) << "\n";
    spdlog::info("epoch {} done: train loss {:.3f}  train acc {:.1f}%  test top-1 {:.2f}%  ({:.0f} s)",
                 epoch + 1, loss_sum / seen, 100.0 * correct / seen, top1, train_seconds);
    checkpoint.numbers["completed_epochs"] = epoch + 1;
    checkpoint.save(checkpoint_path, *net, {{"sgd", &sgd}});
    if (o.train.stop_after_epochs > 0 && epoch + 1 - start >= o.train.stop_after_epochs &&
        epoch + 1 < o.train.epochs) {
      spdlog::info("stopping after epoch {} as asked; continue with --resume", epoch + 1);
      return result;
    }
  }
  if (start >= o.train.epochs) {  // already finished: report the saved weights
    net->eval();
    result = {evaluate_top1([&](const torch::Tensor& x) { return net->forward(x); }, data.test,
                            std::max(o.train.batch_size, 64), o.train.eval_batches, device),
              o.train.epochs, 0.0};
  }
  torch::save(net, run_dir + "/model.pt");
  auto j = nlohmann::ordered_json::parse(make_arch_report(library, target.arch, target.setting).to_json());
  j["dataset"] = data.train.name;
  j["top1"] = result.top1;
  j["epochs"] = result.epochs;
  j["train_images_per_s"] = result.images_per_s;
  write_text_file(run_dir + "/result.json", j.dump(2) + "\n");
  return result;
}

}  // namespace hwnas
