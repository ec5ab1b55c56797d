#include "search/supernet_search.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
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

namespace fs = std::filesystem;

enum Stream { kDataOrder = 0, kAugment = 1, kArchSampling = 2, kSplit = 3 };

struct Data {
  ImageSet train;
  ImageSet test;
  std::vector<int64_t> weight_split;
  std::vector<int64_t> arch_split;
};

Data load_data(const SupernetSearchOptions& o) {
  Data d;
  const auto& opt = o.data;
  auto sets = load_image_sets(opt, o.seed);
  d.train = std::move(sets.train);
  d.test = std::move(sets.test);
  std::vector<int64_t> order(d.train.size());
  std::iota(order.begin(), order.end(), 0);
  auto rng = epoch_rng(o.seed, 0, kSplit);
  std::shuffle(order.begin(), order.end(), rng);
  const auto n_arch = static_cast<int64_t>(std::llround(opt.arch_fraction * order.size()));
  if (n_arch < 1 || n_arch >= static_cast<int64_t>(order.size())) {
    throw InputError("data: " + std::to_string(order.size()) +
                     " training images cannot be split by arch_fraction " +
                     format_double(opt.arch_fraction));
  }
  d.arch_split.assign(order.begin(), order.begin() + n_arch);
  d.weight_split.assign(order.begin() + n_arch, order.end());
  return d;
}

double entropy_of(const torch::Tensor& probs) {
  return -(probs * probs.clamp_min(1e-12).log()).sum(1).mean().item<double>();
}

struct EpochStats {
  double loss = 0, ce = 0;
  int64_t correct = 0, seen = 0;
  int arch_steps = 0;
};

class Trainer {
 public:
  Trainer(const SupernetSearchOptions& o, const CostLibrary& library, std::string run_dir)
      : o_(o), run_dir_(std::move(run_dir)), device_(o.device == "cuda" ? torch::kCUDA : torch::kCPU),
        cost_(o.cost, library, o.space, o.cost_setting()), library_(library) {
    if (device_.is_cuda() && !torch::cuda::is_available()) {
      throw InputError("device: cuda was asked for, but this LibTorch has no CUDA device");
    }
    if (o.threads > 0) torch::set_num_threads(o.threads);
    torch::manual_seed(o.seed);  // weight initialisation
    data_ = load_data(o);
    SupernetOptions net_options;
    net_options.space = o.space;
    net_options.num_classes = data_.train.num_classes;
    if (o.space == Space::FBNet) {
      net_options.fbnet_setting = parse_fbnet_setting(o.cost_setting());
      const int classes = fbnet_macro(net_options.fbnet_setting).num_classes;
      if (classes != data_.train.num_classes) {
        throw InputError("setting " + o.cost_setting() + " has a " + std::to_string(classes) +
                         "-class classifier but data set " + o.data.dataset + " has " +
                         std::to_string(data_.train.num_classes) + " classes");
      }
    }
    net_ = Supernet(net_options);
    net_->to(device_);
    weights_ = net_->weight_parameters();
    sgd_ = std::make_unique<torch::optim::SGD>(
        weights_, torch::optim::SGDOptions(o.train.lr)
                                       .momentum(o.train.momentum)
                                       .nesterov(o.train.nesterov)
                                       .weight_decay(o.train.weight_decay));
    adam_ = std::make_unique<torch::optim::Adam>(
        std::vector<torch::Tensor>{net_->alphas()},
        torch::optim::AdamOptions(o.strategy.arch_lr)
            .betas({o.strategy.arch_beta1, o.strategy.arch_beta2}));
    steps_per_epoch_ = o.train.steps_per_epoch > 0
                           ? o.train.steps_per_epoch
                           : static_cast<int>((data_.weight_split.size() + o.train.batch_size - 1) /
                                              o.train.batch_size);
    if (cost_.reference() <= 0) {
      torch::NoGradGuard no_grad;
      const auto uniform = torch::full({net_->num_slots(), net_->num_choices()},
                                       1.0 / net_->num_choices(), torch::kDouble);
      cost_.set_reference(cost_.expected_cost(uniform).item<double>());
    }
  }

  SupernetSearchResult run(bool resume) {
    fs::create_directories(run_dir_ + "/checkpoints");
    int start_epoch = 0;
    if (resume) start_epoch = load_checkpoint();
    spdlog::info("supernet search {}: {} over {} ({} slots x {} choices), cost {} (ref {}), "
                 "{} weight / {} arch images, {} steps/epoch, device {}",
                 o_.name, o_.strategy.type, to_string(o_.space), net_->num_slots(),
                 net_->num_choices(), cost_.describe(), format_double(cost_.reference()),
                 data_.weight_split.size(), data_.arch_split.size(), steps_per_epoch_, o_.device);
    rewrite_metrics(start_epoch);
    SupernetSearchResult result;
    for (int epoch = start_epoch; epoch < o_.train.epochs; ++epoch) {
      result = run_epoch(epoch);
      save_checkpoint(epoch + 1);
      if (o_.train.stop_after_epochs > 0 && epoch + 1 - start_epoch >= o_.train.stop_after_epochs &&
          epoch + 1 < o_.train.epochs) {
        spdlog::info("stopping after epoch {} as asked; continue with --resume", epoch + 1);
        result.epochs = epoch + 1;
        return result;
      }
    }
    if (start_epoch >= o_.train.epochs) result = summary(o_.train.epochs, evaluate());
    write_arch_json(result);
    return result;
  }

 private:
  double temperature(int epoch) const {
    return o_.strategy.temperature * std::exp(-o_.strategy.temperature_decay * epoch);
  }
  bool is_dnas() const { return o_.strategy.type == "fbnet_dnas"; }

  torch::Tensor gumbel_weights(double tau, int64_t batch, std::mt19937_64& rng) {
    const auto alphas = net_->alphas().detach().to(torch::kCPU);
    std::vector<int64_t> shape = {net_->num_slots(), net_->num_choices()};
    if (batch > 0) shape.insert(shape.begin(), batch);
    auto noise = torch::empty(shape, torch::kFloat);
    std::uniform_real_distribution<float> u(1e-10f, 1.0f);
    auto* p = noise.data_ptr<float>();
    for (int64_t i = 0; i < noise.numel(); ++i) p[i] = -std::log(-std::log(u(rng)));
    return noise.to(device_);
  }

  // Single path sampled from softmax(alphas) (ProxylessNAS weight steps).
  std::vector<int> sample_paths(std::mt19937_64& rng) const {
    const auto probs = torch::softmax(net_->alphas().detach(), 1).to(torch::kCPU).to(torch::kDouble);
    std::vector<int> ops(net_->num_slots());
    for (int s = 0; s < net_->num_slots(); ++s) {
      const auto row = probs[s];
      std::discrete_distribution<int> pick(row.data_ptr<double>(), row.data_ptr<double>() + row.numel());
      ops[s] = pick(rng);
    }
    return ops;
  }

  void weight_step(const torch::Tensor& x, const torch::Tensor& y, int epoch, int64_t global_step,
                   std::mt19937_64& arch_rng, EpochStats& stats) {
    set_cosine_lr(*sgd_, o_.train.lr,
                  static_cast<double>(global_step) / (o_.train.epochs * steps_per_epoch_));
    if (is_dnas()) {
      auto& s = net_->selection();
      s.mode = PathSelection::Mode::Weighted;
      const auto logits_noise = gumbel_weights(
          temperature(epoch), o_.strategy.gumbel_sampling == "example" ? x.size(0) : 0, arch_rng);
      s.weights = torch::softmax((net_->alphas().detach() + logits_noise) / temperature(epoch), -1);
    } else {
      net_->select_single(sample_paths(arch_rng));
    }
    drop_gradients(weights_);
    const auto logits = net_->forward(x);
    const auto loss = smoothed_cross_entropy(logits, y, o_.train.label_smoothing);
    loss.backward();
    if (o_.train.grad_clip > 0) {
      torch::nn::utils::clip_grad_norm_(weights_, o_.train.grad_clip);
    }
    sgd_->step();
    stats.loss += loss.item<double>() * x.size(0);
    stats.correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    stats.seen += x.size(0);
  }

  // ProxylessNAS: binary gates over all candidates ("full") or two sampled ones ("two"), and
  // dL/dalpha_i = sum_j dL/dg_j p_j (delta_ij - p_i) over those candidates (probabilities
  // renormalised over the two, whose logits are then shifted so that the other candidates keep
  // their probabilities).
  double proxyless_arch_step(const torch::Tensor& x, const torch::Tensor& y, std::mt19937_64& rng,
                             EpochStats& stats) {
    const int slots = net_->num_slots(), choices = net_->num_choices();
    const auto probs = torch::softmax(net_->alphas().detach(), 1).to(torch::kCPU).to(torch::kDouble);
    std::vector<std::vector<int>> paths(slots);
    auto gates = torch::zeros({slots, choices});
    for (int s = 0; s < slots; ++s) {
      std::vector<double> p(probs[s].data_ptr<double>(), probs[s].data_ptr<double>() + choices);
      if (o_.strategy.estimator == "full") {
        for (int c = 0; c < choices; ++c) paths[s].push_back(c);
      } else {
        std::discrete_distribution<int> first(p.begin(), p.end());
        const int a = first(rng);
        std::vector<double> rest = p;
        rest[a] = 0;
        std::discrete_distribution<int> second(rest.begin(), rest.end());
        paths[s] = {a, second(rng)};
      }
      std::vector<double> pp;
      for (int c : paths[s]) pp.push_back(p[c]);
      std::discrete_distribution<int> active(pp.begin(), pp.end());
      gates[s][paths[s][active(rng)]] = 1.0;
    }
    auto& sel = net_->selection();
    sel.mode = PathSelection::Mode::Gated;
    sel.gated_paths = paths;
    sel.gates = gates.to(device_).requires_grad_(true);

    const auto alphas = net_->alphas();
    const auto expected = cost_.expected_cost(torch::softmax(alphas, 1));
    torch::Tensor ce = torch::zeros({}, expected.options());
    if (o_.cost.use_ce) {
      ce = smoothed_cross_entropy(net_->forward(x), y, /*smoothing=*/0.0);
      stats.ce += ce.item<double>();
    }
    const auto loss = cost_.loss(ce, expected);
    auto grads = torch::autograd::grad({loss}, {sel.gates, alphas}, /*grad_outputs=*/{},
                                       /*retain_graph=*/false, /*create_graph=*/false,
                                       /*allow_unused=*/true);
    auto alpha_grad = grads[1].defined() ? grads[1].to(torch::kCPU).to(torch::kDouble)
                                         : torch::zeros({slots, choices}, torch::kDouble);
    if (grads[0].defined()) {
      const auto gate_grad = grads[0].to(torch::kCPU).to(torch::kDouble);
      for (int s = 0; s < slots; ++s) {
        double total = 0;
        for (int c : paths[s]) total += probs[s][c].item<double>();
        for (int i : paths[s]) {
          const double pi = probs[s][i].item<double>() / total;
          double g = 0;
          for (int j : paths[s]) {
            const double pj = probs[s][j].item<double>() / total;
            g += gate_grad[s][j].item<double>() * pj * ((i == j) - pi);
          }
          alpha_grad[s][i] += g;
        }
      }
    }
    std::vector<double> old_lse(slots);
    {
      torch::NoGradGuard no_grad;
      const auto a = alphas.detach().to(torch::kCPU).to(torch::kDouble);
      for (int s = 0; s < slots; ++s) {
        double sum = 0;
        for (int c : paths[s]) sum += std::exp(a[s][c].item<double>());
        old_lse[s] = std::log(sum);
      }
    }
    adam_->zero_grad();
    alphas.mutable_grad() = alpha_grad.to(alphas.options());
    adam_->step();
    if (o_.strategy.estimator == "two") {
      torch::NoGradGuard no_grad;
      auto a = alphas.detach().to(torch::kCPU).to(torch::kDouble);
      for (int s = 0; s < slots; ++s) {
        double sum = 0;
        for (int c : paths[s]) sum += std::exp(a[s][c].item<double>());
        const double shift = std::log(sum) - old_lse[s];
        for (int c : paths[s]) a[s][c] -= shift;
      }
      alphas.detach().copy_(a.to(alphas.options()));
    }
    net_->select_single(std::vector<int>(slots, 0));
    return expected.item<double>();
  }

  // FBNet-DNAS: Gumbel-softmax weights over all candidates; E[cost] of the relaxed sample.
  double dnas_arch_step(const torch::Tensor& x, const torch::Tensor& y, int epoch,
                        std::mt19937_64& rng, EpochStats& stats) {
    const double tau = temperature(epoch);
    const bool per_example = o_.strategy.gumbel_sampling == "example";
    const auto noise = gumbel_weights(tau, per_example ? x.size(0) : 0, rng);
    const auto alphas = net_->alphas();
    const auto weights = torch::softmax((alphas + noise) / tau, -1);
    const auto expected = cost_.expected_cost(per_example ? weights.mean(0) : weights);
    torch::Tensor ce = torch::zeros({}, expected.options());
    if (o_.cost.use_ce) {
      auto& sel = net_->selection();
      sel.mode = PathSelection::Mode::Weighted;
      sel.weights = weights;
      ce = smoothed_cross_entropy(net_->forward(x), y, /*smoothing=*/0.0);
      stats.ce += ce.item<double>();
    }
    const auto loss = cost_.loss(ce, expected);
    adam_->zero_grad();
    alphas.mutable_grad() = torch::autograd::grad({loss}, {alphas})[0];
    adam_->step();
    net_->selection().weights = torch::Tensor();
    return expected.item<double>();
  }

  // Top-1 of the current argmax arch inside the supernet (batch statistics: a monitor, not the
  // accuracy of the arch trained alone).
  double evaluate() {
    net_->select_single(net_->argmax_arch().ops);
    return evaluate_top1([this](const torch::Tensor& x) { return net_->forward(x); }, data_.test,
                         std::max(o_.train.batch_size, 64), o_.train.eval_batches, device_);
  }

  SupernetSearchResult summary(int epochs_done, double test_accuracy) {
    torch::NoGradGuard no_grad;
    SupernetSearchResult r;
    r.arch = net_->argmax_arch();
    r.expected_cost = cost_.expected_cost(torch::softmax(net_->alphas().detach(), 1)).item<double>();
    try {
      r.arch_cost = cost_.cost(r.arch);
    } catch (const MissingValueError&) {
      r.arch_cost = std::nan("");
    }
    r.test_accuracy = test_accuracy;
    r.epochs = epochs_done;
    if (o_.space == Space::NB201 && library_.nb201().has_accuracy() && !std::isnan(r.arch_cost)) {
      const auto dataset = o_.data.dataset == "cifar100" ? Nb201Dataset::Cifar100 : Nb201Dataset::Cifar10;
      const auto& accuracy = library_.nb201().accuracy_by_code(dataset);
      r.accuracy_dataset = to_string(dataset);
      r.table_accuracy = accuracy[nb201_code(r.arch)];
      r.best_accuracy_at_cost = r.table_accuracy;
      for (int code = 0; code < kNb201Archs; ++code) {
        if (accuracy[code] > r.best_accuracy_at_cost && cost_.cost(nb201_from_code(code)) <= r.arch_cost) {
          r.best_accuracy_at_cost = accuracy[code];
        }
      }
    }
    return r;
  }

  SupernetSearchResult run_epoch(int epoch) {
    const auto started = std::chrono::steady_clock::now();
    auto order_rng = epoch_rng(o_.seed, epoch, kDataOrder);
    auto augment_rng = epoch_rng(o_.seed, epoch, kAugment);
    auto arch_rng = epoch_rng(o_.seed, epoch, kArchSampling);
    BatchStream weight_batches(data_.weight_split, o_.train.batch_size, order_rng);
    BatchStream arch_batches(data_.arch_split, o_.train.batch_size, order_rng);
    const bool searching = epoch >= o_.train.warmup_epochs;
    net_->train();
    EpochStats stats;
    double expected = 0;
    for (int step = 0; step < steps_per_epoch_; ++step) {
      // Without the cross-entropy the architecture loss does not depend on the weights, so
      // training them would be wasted time.
      if (o_.cost.use_ce) {
        const auto idx = weight_batches.next();
        const auto x = make_image_batch(data_.train, idx, o_.data.augment, augment_rng, o_.data.cutout)
                           .to(device_);
        const auto y = batch_labels(data_.train, idx).to(device_);
        weight_step(x, y, epoch, static_cast<int64_t>(epoch) * steps_per_epoch_ + step, arch_rng,
                    stats);
      }
      if (searching && (step + 1) % o_.strategy.arch_every == 0) {
        const auto aidx = arch_batches.next();
        const auto ax = make_image_batch(data_.train, aidx, o_.data.augment, augment_rng, o_.data.cutout)
                            .to(device_);
        const auto ay = batch_labels(data_.train, aidx).to(device_);
        expected = is_dnas() ? dnas_arch_step(ax, ay, epoch, arch_rng, stats)
                             : proxyless_arch_step(ax, ay, arch_rng, stats);
        cost_.update_multiplier(expected);
        ++stats.arch_steps;
      }
      if ((step + 1) % o_.train.log_every == 0 || step + 1 == steps_per_epoch_) {
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const double per_step = seconds / (step + 1);
        const double eta = per_step * ((o_.train.epochs - epoch - 1) * steps_per_epoch_ +
                                       (steps_per_epoch_ - step - 1));
        spdlog::info("epoch {}/{} step {}/{}  {:.0f} img/s  loss {:.3f}  ETA {:.0f} s", epoch + 1,
                     o_.train.epochs, step + 1, steps_per_epoch_,
                     (step + 1) * o_.train.batch_size * (searching ? 2 : 1) / seconds,
                     stats.loss / std::max<int64_t>(stats.seen, 1), eta);
      }
    }
    const double accuracy = evaluate();
    auto result = summary(epoch + 1, accuracy);
    const auto probs = torch::softmax(net_->alphas().detach(), 1).to(torch::kCPU);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::ofstream metrics(run_dir_ + "/metrics.csv", std::ios::app);
    metrics << epoch + 1 << "," << (searching ? "search" : "warmup") << ","
            << format_double(stats.loss / std::max<int64_t>(stats.seen, 1)) << ","
            << format_double(stats.arch_steps ? stats.ce / stats.arch_steps : 0.0) << ","
            << format_double(result.expected_cost) << "," << format_double(result.arch_cost) << ","
            << format_double(entropy_of(probs)) << ","
            << format_double(100.0 * stats.correct / std::max<int64_t>(stats.seen, 1)) << ","
            << format_double(accuracy) << "," << format_double(cost_.multiplier()) << ","
            << format_double(is_dnas() ? temperature(epoch) : 0.0) << ","
            << format_double(stats.seen * (searching ? 2.0 : 1.0) / seconds) << ","
            << arch_to_string(result.arch) << "\n";
    spdlog::info("epoch {} done: E[cost] {:.4f}  argmax cost {:.4f}  entropy {:.3f}  train acc "
                 "{:.1f}%  test acc {:.1f}%  ({:.0f} s)",
                 epoch + 1, result.expected_cost, result.arch_cost, entropy_of(probs),
                 100.0 * stats.correct / std::max<int64_t>(stats.seen, 1), accuracy, seconds);
    return result;
  }

  void rewrite_metrics(int completed_epochs) {
    reset_metrics_csv(run_dir_ + "/metrics.csv",
                      "epoch,phase,train_loss,arch_ce,expected_cost,arch_cost,entropy,train_acc,"
                      "test_acc,multiplier,temperature,images_per_s,arch",
                      completed_epochs);
  }

  std::map<std::string, torch::optim::Optimizer*> optimizers() {
    return {{"sgd", sgd_.get()}, {"adam", adam_.get()}};
  }

  void save_checkpoint(int completed_epochs) {
    Checkpoint checkpoint;
    checkpoint.numbers = {{"completed_epochs", completed_epochs},
                          {"multiplier", cost_.multiplier()},
                          {"reference", cost_.reference()}};
    checkpoint.save(run_dir_ + "/checkpoints/last.pt", *net_, optimizers());
  }

  int load_checkpoint() {
    Checkpoint checkpoint;
    checkpoint.numbers = {{"completed_epochs", 0}, {"multiplier", 0}, {"reference", 0}};
    if (!checkpoint.load(run_dir_ + "/checkpoints/last.pt", *net_, optimizers(), device_)) {
      spdlog::warn("--resume: no checkpoint in {}, starting from epoch 1", run_dir_);
      return 0;
    }
    cost_.set_multiplier(checkpoint.numbers["multiplier"]);
    cost_.set_reference(checkpoint.numbers["reference"]);
    const int epochs = static_cast<int>(checkpoint.numbers["completed_epochs"]);
    spdlog::info("resuming {} after epoch {}", run_dir_, epochs);
    return epochs;
  }

  void write_arch_json(const SupernetSearchResult& result) {
    const auto report = make_arch_report(library_, result.arch, o_.cost_setting());
    auto j = nlohmann::ordered_json::parse(report.to_json());
    j["strategy"] = o_.strategy.type;
    j["cost_term"] = cost_.describe();
    j["arch_cost"] = std::isnan(result.arch_cost) ? nlohmann::ordered_json(nullptr)
                                                  : nlohmann::ordered_json(result.arch_cost);
    j["expected_cost"] = result.expected_cost;
    if (o_.cost.target > 0) j["target"] = o_.cost.target;
    j["supernet_test_accuracy"] = result.test_accuracy;
    if (!std::isnan(result.table_accuracy)) {
      j["table_accuracy"] = {{"dataset", result.accuracy_dataset},
                             {"found", result.table_accuracy},
                             {"best_at_no_more_cost", result.best_accuracy_at_cost}};
    }
    j["epochs"] = result.epochs;
    const auto probs = torch::softmax(net_->alphas().detach(), 1).to(torch::kCPU).to(torch::kDouble);
    std::vector<std::vector<double>> rows;
    for (int s = 0; s < probs.size(0); ++s) {
      rows.emplace_back(probs[s].data_ptr<double>(), probs[s].data_ptr<double>() + probs.size(1));
    }
    j["probabilities"] = rows;
    write_text_file(run_dir_ + "/arch.json", j.dump(2) + "\n");
  }

  const SupernetSearchOptions& o_;
  std::string run_dir_;
  torch::Device device_;
  CostLoss cost_;
  const CostLibrary& library_;
  Data data_;
  Supernet net_{nullptr};
  std::vector<torch::Tensor> weights_;  // every parameter but the alphas
  std::unique_ptr<torch::optim::SGD> sgd_;
  std::unique_ptr<torch::optim::Adam> adam_;
  int steps_per_epoch_ = 0;
};

}  // namespace

SupernetSearch::SupernetSearch(SupernetSearchOptions options,
                               std::shared_ptr<const CostLibrary> library)
    : options_(std::move(options)), library_(std::move(library)) {}

SupernetSearchResult SupernetSearch::run(const std::string& run_dir, bool resume) const {
  Trainer trainer(options_, *library_, run_dir);
  return trainer.run(resume);
}

}  // namespace hwnas
