// Does the FBNet supernet learn when its path changes every step? Trains one network for --steps
// SGD steps (batch 64, the train: defaults at a constant lr: momentum 0.9 Nesterov, weight decay
// 4e-5, label smoothing 0.1, clip 5) on CIFAR-10 and prints the training top-1 and loss of every
// 50 steps. The networks:
//   --net child   a child net of one seeded random arch (the reference: what one path learns)
//   --net fixed   the supernet, that arch's path every step
//   --net random  the supernet, a path drawn uniformly every step (SPOS / ProxylessNAS warm-up)
// --choices N draws from ops 0..N-1 only, --ops a,b,... from those; --shared uses supernet.weights: shared;
// --largest-first S trains the k5_e6 path for the first S steps (Once-for-All's order).
// Usage: supernet_path_switching --data DIR|synthetic --net child|fixed|random [--steps 150]
//        [--lr 0.05] [--choices 9] [--shared] [--largest-first 0] [--threads 2] [--images 20000]
//        [--report-every 50]
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

#include "search/training/image_data.h"
#include "search/training/training.h"
#include "search/training/training_options.h"
#include "supernet/supernet.h"

namespace {

struct Flags {
  std::string data, net;
  int steps = 150, report_every = 50, choices = hwnas::kFbnetChoices, largest_first = 0, threads = 2;
  int64_t images = 20000;
  double lr = 0.05;
  bool shared = false;
  std::vector<int> ops;  // --ops a,b,...: the candidates drawn from (default 0..choices-1)
};

int usage(const std::string& why) {
  std::cerr << "supernet_path_switching: " << why
            << "\nusage: supernet_path_switching --data DIR --net child|fixed|random [--steps N] "
               "[--lr X] [--choices N] [--shared] [--largest-first N] [--threads N] [--images N] "
               "[--report-every N]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hwnas;
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--data") f.data = value();
      else if (a == "--net") f.net = value();
      else if (a == "--steps") f.steps = std::stoi(value());
      else if (a == "--report-every") f.report_every = std::stoi(value());
      else if (a == "--lr") f.lr = std::stod(value());
      else if (a == "--choices") f.choices = std::stoi(value());
      else if (a == "--largest-first") f.largest_first = std::stoi(value());
      else if (a == "--threads") f.threads = std::stoi(value());
      else if (a == "--images") f.images = std::stoll(value());
      else if (a == "--ops") {
        std::stringstream list(value());
        for (std::string item; std::getline(list, item, ',');) f.ops.push_back(std::stoi(item));
      }
      else if (a == "--shared") f.shared = true;
      else return usage("unknown argument " + a);
    } catch (const std::exception& e) {
      return usage(a + ": " + e.what());
    }
  }
  if (f.data.empty()) return usage("--data is required");
  if (f.net != "child" && f.net != "fixed" && f.net != "random") return usage("--net must be child, fixed or random");
  if (f.steps < 1 || f.report_every < 1 || f.images < 1) return usage("--steps, --report-every and --images must be positive");
  if (f.choices < 1 || f.choices > kFbnetChoices) return usage("--choices must be in 1..9");
  if (f.ops.empty()) for (int o = 0; o < f.choices; ++o) f.ops.push_back(o);
  for (int o : f.ops) if (o < 0 || o >= kFbnetChoices) return usage("--ops: each op must be in 0..8");
  try {
    torch::set_num_threads(f.threads);
    torch::manual_seed(0);
    // "synthetic": the tests' generated images (a smoke run without the CIFAR-10 copy).
    const ImageSet train = f.data == "synthetic" ? make_synthetic_images(f.images, 10, 32, 0)
                                                 : load_cifar(f.data, "cifar10", /*train=*/true, f.images);
    std::mt19937_64 rng(1);
    std::uniform_int_distribution<int> any_op(0, kFbnetChoices - 1);
    std::vector<int> arch(kFbnetLayers);
    for (int& o : arch) o = any_op(rng);
    SupernetOptions options;
    options.fbnet_shared_weights = f.shared;
    if (f.net == "child") options.fixed_arch = Arch{Space::FBNet, arch};
    Supernet net(options);
    net->use_channels_last();
    net->train();
    auto weights = net->weight_parameters();
    TrainLoopOptions train_options;
    train_options.lr = f.lr;
    auto sgd = make_sgd(weights, train_options);
    std::uniform_int_distribution<int64_t> image(0, train.size() - 1);
    std::uniform_int_distribution<size_t> op(0, f.ops.size() - 1);
    const int largest = 7;  // k5_e6
    double correct = 0, seen = 0, loss_sum = 0;
    for (int step = 0; step < f.steps; ++step) {
      std::vector<int64_t> rows(64);
      for (auto& r : rows) r = image(rng);
      const auto x = make_image_batch(train, rows, /*augment=*/true, rng);
      const auto y = batch_labels(train, rows);
      if (f.net == "fixed") net->select_single(arch);
      if (f.net == "random") {
        std::vector<int> path(kFbnetLayers);
        for (int& o : path) o = step < f.largest_first ? largest : f.ops[op(rng)];
        net->select_single(path);
      }
      drop_gradients(weights);
      const auto logits = net->forward(x);
      const auto loss = smoothed_cross_entropy(logits, y, train_options.label_smoothing);
      loss.backward();
      torch::nn::utils::clip_grad_norm_(weights, train_options.grad_clip);
      sgd->step();
      correct += logits.argmax(1).eq(y).sum().item<int64_t>();
      seen += rows.size();
      loss_sum += loss.item<double>() * rows.size();
      if ((step + 1) % f.report_every == 0) {
        std::string ops;
        for (int o : f.ops) ops += (ops.empty() ? "" : ",") + std::to_string(o);
        std::printf("net %s ops %s shared %d largest_first %d step %d train_top1 %.2f loss %.3f\n",
                    f.net.c_str(), ops.c_str(), f.shared ? 1 : 0, f.largest_first, step + 1,
                    100 * correct / seen, loss_sum / seen);
        std::fflush(stdout);
        correct = seen = loss_sum = 0;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "supernet_path_switching: " << e.what() << "\n";
    return 1;
  }
}
