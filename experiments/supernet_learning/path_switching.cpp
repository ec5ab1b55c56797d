// Does the FBNet supernet learn when its path changes every step? Trains one network for --steps
// SGD steps (batch 64, the train: defaults at a constant lr: momentum 0.9 Nesterov, weight decay
// 4e-5, label smoothing 0.1, clip 5) on CIFAR-10 and prints the training top-1 and loss of every
// --report-every steps. The networks:
//   --net child   a child net of one seeded random arch (the reference: what one path learns)
//   --net fixed   the supernet, that arch's path every step
//   --net random  the supernet, a path drawn uniformly every step (SPOS / ProxylessNAS warm-up)
// --choices N draws from ops 0..N-1 only, --ops a,b,... from those; --shared uses supernet.weights:
// shared. The levers of Once-for-All and BigNAS:
//   --stage S:a,b,...  (repeatable) draw from ops a,b,... for S steps, the stages in order, then
//                      from --ops (progressive shrinking: --stage 300:7 --stage 300:3,7 ...)
//   --sandwich         every step also trains the largest and the smallest op of the ops drawn
//                      from, everywhere (gradients summed into one step)
//   --distill          with --sandwich: the other two paths learn the largest path's softmax
//                      (inplace distillation) instead of the labels
// --eval-archs N adds, at every report, the mean top-1 of N fixed random archs (from --ops) on the
// first 1,000 test images, with batch statistics: what a path of the final space has learned.
// Usage: supernet_path_switching --data DIR|synthetic --net child|fixed|random [--steps 150]
//        [--lr 0.05] [--choices 9] [--ops a,b] [--shared] [--stage S:a,b]... [--sandwich]
//        [--distill] [--eval-archs 0] [--threads 2] [--images 20000] [--report-every 50]
#include <torch/torch.h>

#include <algorithm>
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

struct Stage {
  int steps = 0;
  std::vector<int> ops;
};

struct Flags {
  std::string data, net;
  int steps = 150, report_every = 50, choices = hwnas::kFbnetChoices, threads = 2, eval_archs = 0;
  int64_t images = 20000;
  double lr = 0.05;
  bool shared = false, sandwich = false, distill = false;
  std::vector<int> ops;  // --ops a,b,...: the candidates drawn from (default 0..choices-1)
  std::vector<Stage> stages;
};

// The FBNet ops from the cheapest to the largest (MFLOPs of a block at equal shape).
const std::vector<int> kOpsBySize = {8, 1, 0, 5, 4, 2, 6, 3, 7};

std::vector<int> parse_ops(const std::string& list_text) {
  std::vector<int> ops;
  std::stringstream list(list_text);
  for (std::string item; std::getline(list, item, ',');) {
    const int o = std::stoi(item);
    if (o < 0 || o >= hwnas::kFbnetChoices) throw std::invalid_argument("each op must be in 0..8");
    ops.push_back(o);
  }
  if (ops.empty()) throw std::invalid_argument("no ops");
  return ops;
}

std::string join(const std::vector<int>& ops, char sep = ',') {
  std::string text;
  for (int o : ops) text += (text.empty() ? "" : std::string(1, sep)) + std::to_string(o);
  return text;
}

int by_size(const std::vector<int>& ops, bool largest) {
  const auto rank = [](int o) { return std::find(kOpsBySize.begin(), kOpsBySize.end(), o) - kOpsBySize.begin(); };
  const auto cmp = [&](int a, int b) { return rank(a) < rank(b); };
  return largest ? *std::max_element(ops.begin(), ops.end(), cmp) : *std::min_element(ops.begin(), ops.end(), cmp);
}

int usage(const std::string& why) {
  std::cerr << "supernet_path_switching: " << why
            << "\nusage: supernet_path_switching --data DIR --net child|fixed|random [--steps N] "
               "[--lr X] [--choices N] [--ops a,b] [--shared] [--stage S:a,b]... [--sandwich] "
               "[--distill] [--eval-archs N] [--threads N] [--images N] [--report-every N]\n";
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
      else if (a == "--threads") f.threads = std::stoi(value());
      else if (a == "--images") f.images = std::stoll(value());
      else if (a == "--eval-archs") f.eval_archs = std::stoi(value());
      else if (a == "--ops") f.ops = parse_ops(value());
      else if (a == "--stage") {
        const std::string s = value();
        const auto colon = s.find(':');
        if (colon == std::string::npos) throw std::invalid_argument("expected STEPS:a,b,...");
        f.stages.push_back({std::stoi(s.substr(0, colon)), parse_ops(s.substr(colon + 1))});
        if (f.stages.back().steps < 1) throw std::invalid_argument("a stage needs steps >= 1");
      }
      else if (a == "--shared") f.shared = true;
      else if (a == "--sandwich") f.sandwich = true;
      else if (a == "--distill") f.distill = true;
      else return usage("unknown argument " + a);
    } catch (const std::exception& e) {
      return usage(a + ": " + e.what());
    }
  }
  if (f.data.empty()) return usage("--data is required");
  if (f.net != "child" && f.net != "fixed" && f.net != "random") return usage("--net must be child, fixed or random");
  if (f.steps < 1 || f.report_every < 1 || f.images < 1 || f.eval_archs < 0)
    return usage("--steps, --report-every and --images must be positive, --eval-archs >= 0");
  if (f.choices < 1 || f.choices > kFbnetChoices) return usage("--choices must be in 1..9");
  if ((f.sandwich || !f.stages.empty()) && f.net != "random") return usage("--sandwich and --stage need --net random");
  if (f.distill && !f.sandwich) return usage("--distill needs --sandwich");
  if (f.ops.empty()) for (int o = 0; o < f.choices; ++o) f.ops.push_back(o);
  try {
    torch::set_num_threads(f.threads);
    torch::manual_seed(0);
    // "synthetic": the tests' generated images (a smoke run without the CIFAR-10 copy).
    const bool synthetic = f.data == "synthetic";
    const ImageSet train = synthetic ? make_synthetic_images(f.images, 10, 32, 0)
                                     : load_cifar(f.data, "cifar10", /*train=*/true, f.images);
    const ImageSet test = synthetic ? make_synthetic_images(64, 10, 32, 1)
                                    : load_cifar(f.data, "cifar10", /*train=*/false, 1000);
    std::mt19937_64 rng(1);
    std::uniform_int_distribution<int> any_op(0, kFbnetChoices - 1);
    std::vector<int> arch(kFbnetLayers);
    for (int& o : arch) o = any_op(rng);
    std::mt19937_64 eval_rng(2);
    std::vector<std::vector<int>> eval_archs(f.eval_archs, std::vector<int>(kFbnetLayers));
    for (auto& a : eval_archs)
      for (int& o : a) o = f.ops[std::uniform_int_distribution<size_t>(0, f.ops.size() - 1)(eval_rng)];
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
    std::string stages;
    for (const auto& s : f.stages) stages += (stages.empty() ? "" : ";") + std::to_string(s.steps) + ":" + join(s.ops);
    if (stages.empty()) stages = "-";
    double correct = 0, seen = 0, loss_sum = 0;
    for (int step = 0; step < f.steps; ++step) {
      std::vector<int64_t> rows(64);
      for (auto& r : rows) r = image(rng);
      const auto x = make_image_batch(train, rows, /*augment=*/true, rng);
      const auto y = batch_labels(train, rows);
      const std::vector<int>* drawn = &f.ops;
      for (int s = 0, end = 0; s < static_cast<int>(f.stages.size()); ++s) {
        end += f.stages[s].steps;
        if (step < end) { drawn = &f.stages[s].ops; break; }
      }
      drop_gradients(weights);
      torch::Tensor teacher;  // --distill: the largest path's softmax
      if (f.sandwich) {
        for (bool largest : {true, false}) {
          net->select_single(std::vector<int>(kFbnetLayers, by_size(*drawn, largest)));
          const auto logits = net->forward(x);
          torch::Tensor loss;
          if (largest || !f.distill) loss = smoothed_cross_entropy(logits, y, train_options.label_smoothing);
          else loss = -(teacher * torch::log_softmax(logits, 1)).sum(1).mean();
          if (largest && f.distill) teacher = torch::softmax(logits.detach(), 1);
          loss.backward();
        }
      }
      if (f.net == "fixed") net->select_single(arch);
      if (f.net == "random") {
        std::uniform_int_distribution<size_t> op(0, drawn->size() - 1);
        std::vector<int> path(kFbnetLayers);
        for (int& o : path) o = (*drawn)[op(rng)];
        net->select_single(path);
      }
      const auto logits = net->forward(x);
      const auto loss = teacher.defined() ? -(teacher * torch::log_softmax(logits, 1)).sum(1).mean()
                                          : smoothed_cross_entropy(logits, y, train_options.label_smoothing);
      loss.backward();
      torch::nn::utils::clip_grad_norm_(weights, train_options.grad_clip);
      sgd->step();
      correct += logits.argmax(1).eq(y).sum().item<int64_t>();
      seen += rows.size();
      loss_sum += loss.item<double>() * rows.size();
      if ((step + 1) % f.report_every == 0) {
        std::printf("net %s ops %s shared %d stages %s sandwich %d distill %d step %d train_top1 %.2f loss %.3f",
                    f.net.c_str(), join(f.ops).c_str(), f.shared ? 1 : 0, stages.c_str(), f.sandwich ? 1 : 0,
                    f.distill ? 1 : 0, step + 1, 100 * correct / seen, loss_sum / seen);
        if (!eval_archs.empty()) {
          double sum = 0;
          for (const auto& a : eval_archs) {
            net->select_single(a);
            sum += evaluate_top1([&](const torch::Tensor& images) { return net->forward(images); }, test, 100, 0,
                                 torch::kCPU);
          }
          std::printf(" eval_top1 %.2f", sum / eval_archs.size());
        }
        std::printf("\n");
        std::fflush(stdout);
        correct = seen = loss_sum = 0;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "supernet_path_switching: " << e.what() << "\n";
    return 1;
  }
}
