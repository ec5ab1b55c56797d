#include "search/differentiable/supernet_search.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

#include "core/config.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/strings.h"
#include "core/paths.h"
#include "search/differentiable/derive_arch.h"
#include "search/training/checkpoint_file.h"
#include "search/training/image_data.h"
#include "search/training/resume.h"
#include "search/training/training.h"
#include "supernet/supernet.h"
#include "supernet/torch_runtime.h"

namespace hwnas {

namespace {

namespace fs = std::filesystem;

enum Stream { kDataOrder = 0, kAugment = 1, kArchSampling = 2, kSplit = 3 };

}  // namespace

SupernetData load_supernet_data(const SupernetSearchOptions& o) {
  SupernetData d;
  auto sets = load_image_sets(o.data, o.run.seed);
  d.train = std::move(sets.train);
  d.test = std::move(sets.test);
  auto rng = epoch_rng(o.run.seed, 0, kSplit);
  auto split = split_indices(d.train.size(), o.data.arch_fraction, rng);
  if (split.held_out.empty() || split.rest.empty()) {
    throw InputError("data: " + std::to_string(d.train.size()) +
                     " training images cannot be split by arch_fraction " +
                     format_double(o.data.arch_fraction));
  }
  d.arch_split = std::move(split.held_out);
  d.weight_split = std::move(split.rest);
  return d;
}

Supernet make_run_supernet(const SupernetSearchOptions& o, int num_classes) {
  SupernetOptions net_options;
  net_options.space = o.space;
  net_options.num_classes = num_classes;
  net_options.nb201_channels = o.shape.nb201_channels;
  net_options.nb201_cells_per_stage = o.shape.nb201_cells_per_stage;
  net_options.fbnet_shared_weights = o.shape.fbnet_weights == "shared";
  if (o.space == Space::FBNet) {
    net_options.fbnet_setting = parse_fbnet_setting(o.cost_setting());
    const int classes = fbnet_macro(net_options.fbnet_setting).num_classes;
    if (classes != num_classes) {
      throw InputError("setting " + o.cost_setting() + " has a " + std::to_string(classes) +
                       "-class classifier but data set " + o.data.dataset + " has " +
                       std::to_string(num_classes) + " classes");
    }
  }
  return Supernet(net_options);
}

namespace {

double entropy_of(const torch::Tensor& probs) {
  return -(probs * probs.clamp_min(1e-12).log()).sum(1).mean().item<double>();
}

struct EpochStats {
  double loss = 0, ce = 0;
  int64_t correct = 0, seen = 0;
  int arch_steps = 0;
};

// One row of metrics.csv.
struct EpochRow {
  int epoch = 0;
  bool searching = false;
  EpochStats stats;
  const SupernetSearchResult* result = nullptr;
  double entropy = 0, multiplier = 0, temperature = 0, images_per_s = 0;
};

const CsvColumns<EpochRow>& metrics_columns() {
  using R = EpochRow;
  static const CsvColumns<EpochRow> columns = {
      {"epoch", [](const R& r) { return std::to_string(r.epoch); }},
      {"phase", [](const R& r) { return std::string(r.searching ? "search" : "warmup"); }},
      {"train_loss", [](const R& r) { return format_double(r.stats.loss / std::max<int64_t>(r.stats.seen, 1)); }},
      {"arch_ce", [](const R& r) { return format_double(r.stats.arch_steps ? r.stats.ce / r.stats.arch_steps : 0.0); }},
      {"expected_cost", [](const R& r) { return csv_number(r.result->expected_cost); }},
      {"arch_cost", [](const R& r) { return csv_number(r.result->arch_cost); }},
      {"entropy", [](const R& r) { return format_double(r.entropy); }},
      {"train_acc", [](const R& r) { return format_double(100.0 * r.stats.correct / std::max<int64_t>(r.stats.seen, 1)); }},
      {"test_acc", [](const R& r) { return format_double(r.result->test_accuracy); }},
      {"multiplier", [](const R& r) { return format_double(r.multiplier); }},
      {"temperature", [](const R& r) { return format_double(r.temperature); }},
      {"images_per_s", [](const R& r) { return format_double(r.images_per_s); }},
      {"arch", [](const R& r) { return arch_to_string(r.result->arch); }},
  };
  return columns;
}

std::vector<std::vector<double>> rows_of(const torch::Tensor& matrix) {
  const auto m = matrix.to(torch::kCPU).to(torch::kDouble).contiguous();
  std::vector<std::vector<double>> rows;
  for (int64_t r = 0; r < m.size(0); ++r) {
    rows.emplace_back(m[r].data_ptr<double>(), m[r].data_ptr<double>() + m.size(1));
  }
  return rows;
}

// Adam on the alphas whose step() first sums the ranks' gradients, each weighted by its rank's
// share of the batch (ArchStepContext::optimizer): strategies, built-in or not, compute and step
// as in one process.
class RankSummedAdam : public torch::optim::Adam {
 public:
  RankSummedAdam(std::vector<torch::Tensor> parameters, torch::optim::AdamOptions options,
                 RankGroup& ranks, double share)
      : torch::optim::Adam(std::move(parameters), options), ranks_(ranks), share_(share) {}

  torch::Tensor step(LossClosure closure = nullptr) override {
    for (auto& group : param_groups()) ranks_.reduce_gradients(group.params(), share_);
    return torch::optim::Adam::step(closure);
  }

 private:
  RankGroup& ranks_;
  double share_;
};

class Trainer {
 public:
  Trainer(const SupernetSearchOptions& o, const CostLibrary& library, std::string run_dir,
          RankGroup& ranks)
      : o_(o), strategy_(*o.algorithm), run_dir_(std::move(run_dir)),
        device_(start_torch(o.run.device, o.run.threads, o.run.seed).device),  // seeds the weights
        library_(library), ranks_(ranks), shard_(ranks.shard(o.train.batch_size, "train.batch_size")) {
    ranks_.set_recovery_hint("; the run's last checkpoint is kept: start all ranks again with "
                             "hwnas_search --resume " + run_dir_);
    // Weights-only runs (warm-up, SPOS) have no cost term: their config need not name a metric
    // the space has complete tables for.
    if (strategy_.searches_architecture()) cost_.emplace(o.cost, library, o.space, o.cost_setting());
    data_ = load_supernet_data(o);
    net_ = make_run_supernet(o, data_.train.num_classes);
    net_->to(device_);
    if (o.train.memory_format == "channels_last") net_->use_channels_last();
    weights_ = net_->weight_parameters();
    sgd_ = make_sgd(weights_, o.train);
    adam_ = std::make_unique<RankSummedAdam>(
        std::vector<torch::Tensor>{net_->alphas()},
        torch::optim::AdamOptions(o.strategy.arch_lr)
            .betas({o.strategy.arch_beta1, o.strategy.arch_beta2}),
        ranks_, shard_.share());
    steps_per_epoch_ = o.train.steps_per_epoch > 0
                           ? o.train.steps_per_epoch
                           : static_cast<int>((data_.weight_split.size() + o.train.batch_size - 1) /
                                              o.train.batch_size);
    if (cost_ && cost_->reference() <= 0) {
      torch::NoGradGuard no_grad;
      const auto uniform = torch::full({net_->num_slots(), net_->num_choices()},
                                       1.0 / net_->num_choices(), torch::kDouble);
      cost_->set_reference(cost_->expected_cost(uniform).item<double>());
    }
    last_epoch_ = strategy_.epochs_to_train(o.train.epochs, o.train.warmup_epochs);
  }

  SupernetSearchResult run(bool resume) {
    if (ranks_.is_main()) {
      std::error_code error;
      fs::create_directories(run_dir_ + "/checkpoints", error);
      if (error) throw IoError("cannot create '" + run_dir_ + "/checkpoints': " + error.message());
      identity_ = run_identity(run_dir_);
    }
    int start_epoch = 0;
    if (resume) {
      start_epoch = load_checkpoint(run_dir_, /*own_run=*/true);
    } else if (!o_.init.from.empty()) {
      start_epoch = init_from(o_.init.from);
    }
    start_from_rank0(*net_, ranks_);
    spdlog::info("supernet {} {}: {} over {} ({} slots x {} choices), cost {}, "
                 "{} weight / {} held-out images, {} steps/epoch, {} epochs, device {}, {}",
                 strategy_.searches_architecture() ? "search" : "training", o_.run.name,
                 strategy_.name(), to_string(o_.space), net_->num_slots(), net_->num_choices(),
                 cost_ ? cost_->describe() + " (ref " + format_double(cost_->reference()) + ")"
                       : std::string("none (weights only)"),
                 data_.weight_split.size(), data_.arch_split.size(), steps_per_epoch_, last_epoch_,
                 o_.run.device, ranks_.describe());
    if (ranks_.is_main()) {
      reset_metrics_csv(run_dir_ + "/metrics.csv", metrics_columns().header(), start_epoch);
    }
    SupernetSearchResult result;
    for (int epoch = start_epoch; epoch < last_epoch_; ++epoch) {
      result = run_epoch(epoch);
      save_checkpoint(epoch + 1);
      if (stop_requested(o_.train, epoch + 1, start_epoch) && epoch + 1 < last_epoch_) return result;
    }
    if (start_epoch >= last_epoch_) result = summary(last_epoch_, evaluate());
    if (!cost_) result.trained_only = strategy_.name();
    if (!ranks_.is_main()) return result;
    try {
      if (cost_) {
        write_supernet_arch_json(run_dir_ + "/arch.json", library_, o_.cost_setting(),
                                 {strategy_.name(), cost_->describe(), o_.cost.target}, result);
      } else {
        write_trained_supernet_json(run_dir_ + "/supernet.json", trained_facts(result.epochs));
      }
    } catch (const IoError& e) {
      throw IoError(e.what() + resume_hint() + " (it writes " + (cost_ ? "arch.json" : "supernet.json") +
                    " again)");
    }
    return result;
  }

 private:
  void weight_step(const torch::Tensor& x, const torch::Tensor& y, int epoch, int64_t global_step,
                   std::mt19937_64& arch_rng, EpochStats& stats) {
    set_cosine_lr(*sgd_, o_.train.lr,
                  static_cast<double>(global_step) / (o_.train.epochs * steps_per_epoch_));
    strategy_.select_weight_paths(net_, shard_, epoch, arch_rng);
    drop_gradients(weights_);
    const auto logits = net_->forward(x);
    const auto loss = smoothed_cross_entropy(logits, y, o_.train.label_smoothing);
    loss.backward();
    ranks_.reduce_gradients(weights_, shard_.share());
    if (o_.train.grad_clip > 0) {
      torch::nn::utils::clip_grad_norm_(weights_, o_.train.grad_clip);
    }
    sgd_->step();
    stats.loss += loss.item<double>() * x.size(0);
    stats.correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    stats.seen += x.size(0);
  }

  // Top-1 of the current argmax arch inside the supernet (batch statistics: a monitor, not the
  // accuracy of the arch trained alone).
  double evaluate() {
    net_->select_single(final_arch(torch::softmax(net_->alphas().detach(), 1)).ops);
    return evaluate_top1([this](const torch::Tensor& x) { return net_->forward(x); }, data_.test,
                         std::max(o_.train.batch_size, 64), o_.train.eval_batches, device_, ranks_);
  }

  // The arch the run reports (and monitors): strategy.derive over the current distribution.
  Arch final_arch(const torch::Tensor& probs) const {
    torch::NoGradGuard no_grad;
    const auto& s = o_.strategy;
    const bool limited = cost_ && o_.cost.target > 0;
    DeriveRule rule;
    rule.rule = s.derive == "auto" ? (limited ? "most_probable_feasible" : "argmax") : s.derive;
    rule.without_none = s.derive_without_none;
    return derive_arch(o_.space, rows_of(probs), rule, cost_ ? &*cost_ : nullptr,
                       o_.cost.target);
  }

  SupernetSearchResult summary(int epochs_done, double test_accuracy) {
    torch::NoGradGuard no_grad;
    SupernetSearchResult r;
    const auto probs = torch::softmax(net_->alphas().detach(), 1);
    r.arch = final_arch(probs);
    r.test_accuracy = test_accuracy;
    r.epochs = epochs_done;
    r.probabilities = rows_of(probs);
    if (!cost_) {
      r.expected_cost = r.arch_cost = std::nan("");
      return r;
    }
    r.expected_cost = cost_->expected_cost(probs).item<double>();
    try {
      r.arch_cost = cost_->cost(r.arch);
    } catch (const MissingValueError&) {
      r.arch_cost = std::nan("");
    }
    grade_on_nb201_table(library_, o_.data.dataset,
                         [this](const Arch& arch) { return cost_->cost(arch); }, r);
    return r;
  }

  SupernetSearchResult run_epoch(int epoch) {
    const EpochProgress progress(o_.train, epoch, steps_per_epoch_);
    auto order_rng = epoch_rng(o_.run.seed, epoch, kDataOrder);
    auto augment_rng = epoch_rng(o_.run.seed, epoch, kAugment);
    auto arch_rng = epoch_rng(o_.run.seed, epoch, kArchSampling);
    BatchStream weight_batches(data_.weight_split, o_.train.batch_size, order_rng);
    BatchStream arch_batches(data_.arch_split, o_.train.batch_size, order_rng);
    const bool searching = cost_ && epoch >= o_.train.warmup_epochs;
    const auto batch_of = [&](BatchStream& batches) {
      const auto rows = make_batch_rows(data_.train, batches.next(), o_.data, augment_rng, shard_, device_);
      return std::make_pair(rows.images, rows.labels);
    };
    net_->train();
    EpochStats stats;
    const RankGroup::Traffic traffic_before = ranks_.gradient_traffic();
    for (int step = 0; step < steps_per_epoch_; ++step) {
      // Without the cross-entropy the architecture loss does not depend on the weights, so
      // training them would be wasted time.
      if (!cost_ || o_.cost.use_ce) {
        const auto [x, y] = batch_of(weight_batches);
        weight_step(x, y, epoch, static_cast<int64_t>(epoch) * steps_per_epoch_ + step, arch_rng,
                    stats);
      }
      if (searching && (step + 1) % o_.strategy.arch_every == 0) {
        const auto [ax, ay] = batch_of(arch_batches);
        ArchStepContext ctx{net_, *cost_, *adam_, o_.cost.use_ce, epoch, arch_rng, shard_};
        const ArchStepResult r = strategy_.arch_step(ctx, ax, ay);
        if (!std::isnan(r.ce)) stats.ce += r.ce * shard_.share();  // summed over the ranks below
        cost_->update_multiplier(r.expected_cost);
        ++stats.arch_steps;
      }
      progress.step_done(step, static_cast<int64_t>(step + 1) * o_.train.batch_size * (searching ? 2 : 1),
                         stats.loss / std::max<int64_t>(stats.seen, 1));
    }
    const double train_seconds = progress.seconds();
    sum_over_ranks(stats);
    check_finite(epoch + 1, stats);
    const double accuracy = evaluate();
    end_epoch_on_ranks(*net_, ranks_, epoch + 1);
    auto result = summary(epoch + 1, accuracy);
    const double seconds = progress.seconds();
    EpochRow row{epoch + 1, searching, stats, &result};
    row.entropy = entropy_of(torch::softmax(net_->alphas().detach(), 1).to(torch::kCPU));
    row.multiplier = cost_ ? cost_->multiplier() : 0.0;
    row.temperature = strategy_.temperature(epoch);
    row.images_per_s = stats.seen * (searching ? 2.0 : 1.0) / seconds;
    log_gradient_traffic(ranks_, epoch + 1, traffic_before, train_seconds);
    if (!ranks_.is_main()) return result;
    append_file_checked(run_dir_ + "/metrics.csv", metrics_columns().line(row) + "\n", resume_hint());
    spdlog::info("epoch {} done: E[cost] {:.4f}  argmax cost {:.4f}  entropy {:.3f}  train acc "
                 "{:.1f}%  test acc {:.1f}%  ({:.0f} s)",
                 epoch + 1, result.expected_cost, result.arch_cost, row.entropy,
                 100.0 * stats.correct / std::max<int64_t>(stats.seen, 1), accuracy, seconds);
    return result;
  }

  // The epoch's statistics of every rank's rows: those of the global batches.
  void sum_over_ranks(EpochStats& stats) {
    if (!ranks_.distributed()) return;
    const auto sums = ranks_.sum({stats.loss, stats.ce, static_cast<double>(stats.correct),
                                  static_cast<double>(stats.seen)},
                                 "the sum of the epoch's statistics");
    stats.loss = sums[0];
    stats.ce = sums[1];
    stats.correct = static_cast<int64_t>(sums[2]);
    stats.seen = static_cast<int64_t>(sums[3]);
  }

  // A diverged epoch (too large a learning rate) ends the run before its checkpoint: the last
  // checkpoint stays the last finite one, and the message names the knob instead of a cost form.
  void check_finite(int epoch, const EpochStats& stats) const {
    if (stats.seen > 0 && !std::isfinite(stats.loss)) {
      throw InputError("epoch " + std::to_string(epoch) + ": the training loss is " +
                       format_double(stats.loss) + ": the weights diverged; lower train.lr (" +
                       format_double(o_.train.lr) + ")");
    }
    if (!torch::isfinite(net_->alphas().detach()).all().item<bool>()) {
      throw InputError("epoch " + std::to_string(epoch) +
                       ": the architecture parameters are no longer finite: the search diverged; "
                       "lower strategy.arch_lr (" + format_double(o_.strategy.arch_lr) + ")");
    }
  }

  std::map<std::string, torch::optim::Optimizer*> optimizers() {
    return {{"sgd", sgd_.get()}, {"adam", adam_.get()}};
  }

  // What a failed write leaves: the checkpoint of the last finished epoch, which --resume continues.
  std::string resume_hint() const {
    return "; the run's last checkpoint is kept; free space and run hwnas_search --resume " + run_dir_;
  }

  void save_checkpoint(int completed_epochs) {
    if (!ranks_.is_main()) return;
    Checkpoint checkpoint;
    checkpoint.kind = "hwnas_search";
    checkpoint.config = identity_;
    checkpoint.numbers = {{"completed_epochs", completed_epochs},
                          {"multiplier", cost_ ? cost_->multiplier() : 0.0},
                          {"reference", cost_ ? cost_->reference() : 0.0}};
    checkpoint.save(run_dir_ + "/checkpoints/last.pt", *net_, optimizers());
  }

  // Loads dir/checkpoints/last.pt and returns its completed epochs. The run's own checkpoint
  // (--resume) restores everything; another run's (init.from) the weights, BN state and the SGD
  // state, and the alphas with their Adam state only with init.alphas: keep.
  int load_checkpoint(const std::string& dir, bool own_run) {
    Checkpoint checkpoint;
    checkpoint.numbers = {{"completed_epochs", 0}, {"multiplier", 0}, {"reference", 0}};
    const bool keep_alphas = own_run || o_.init.alphas == "keep";
    auto wanted = optimizers();
    if (!keep_alphas) wanted.erase("adam");
    const std::string path = dir + "/checkpoints/last.pt";
    try {
      if (!checkpoint.load(path, *net_, wanted, device_)) {
        if (!own_run) throw InputError("init.from: " + dir + " has no checkpoints/last.pt");
        spdlog::warn("--resume: no checkpoint in {}, starting from epoch 1", dir);
        return 0;
      }
    } catch (const c10::Error& e) {
      throw InputError(path + ": cannot be loaded into this run's supernet (" +
                       std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
    if (!keep_alphas) {
      torch::NoGradGuard no_grad;
      net_->alphas().zero_();
    }
    if (cost_ && own_run) {
      cost_->set_multiplier(checkpoint.numbers["multiplier"]);
      cost_->set_reference(checkpoint.numbers["reference"]);
    }
    const int epochs = static_cast<int>(checkpoint.numbers["completed_epochs"]);
    spdlog::info("{} {} after epoch {}", own_run ? "resuming" : "starting from", dir, epochs);
    return epochs;
  }

  // Starts from another run's checkpoint (a shared warm-up): the two runs must train the same
  // supernet on the same images with the same schedule, or the continuation would not be the
  // run it claims to be.
  int init_from(const std::string& dir) {
    if (!fs::exists(dir + "/config.resolved.yaml")) {
      throw InputError("init.from: " + dir + " is not a supernet run folder (no config.resolved.yaml)");
    }
    const Config source_config = Config::load(dir + "/config.resolved.yaml");
    const auto source = SupernetSearchOptions::read(source_config);
    check_same_supernet_run(source, o_, dir);
    const std::string paths = source_config.root().child("strategy").get_string("paths", "");
    if (!paths.empty() && paths != strategy_.name()) {
      spdlog::info("init.from {}: a warm-up of {} paths continued by {}", dir, paths, strategy_.name());
    }
    const int completed = load_checkpoint(dir, /*own_run=*/false);
    if (completed >= last_epoch_) {
      throw InputError("init.from: " + dir + " has trained " + std::to_string(completed) +
                       " epochs; this run trains " + std::to_string(last_epoch_) +
                       ", so nothing would be left to do");
    }
    // The source's rows of the epochs it trained become this run's first rows.
    const std::string source_metrics = dir + "/metrics.csv";
    check_metrics_csv(source_metrics, completed);
    if (ranks_.is_main()) write_file_checked(run_dir_ + "/metrics.csv", read_text_file(source_metrics));
    return completed;
  }

  TrainedSupernetFacts trained_facts(int epochs) const {
    TrainedSupernetFacts f;
    f.strategy = strategy_.name();
    f.space = to_string(o_.space);
    f.setting = o_.cost_setting();
    f.dataset = o_.data.dataset;
    f.seed = o_.run.seed;
    f.epochs = epochs;
    return f;
  }

  const SupernetSearchOptions& o_;
  const SupernetStrategy& strategy_;
  std::string run_dir_;
  std::string identity_;  // what the checkpoints record of the run (search/training/resume.h)
  torch::Device device_;
  const CostLibrary& library_;
  RankGroup& ranks_;
  BatchShard shard_;              // this rank's rows of every batch
  std::optional<CostLoss> cost_;  // searches only
  SupernetData data_;
  Supernet net_{nullptr};
  std::vector<torch::Tensor> weights_;  // every parameter but the alphas
  std::unique_ptr<torch::optim::SGD> sgd_;
  std::unique_ptr<RankSummedAdam> adam_;
  int steps_per_epoch_ = 0;
  int last_epoch_ = 0;  // the epochs this run trains
};

}  // namespace

SupernetSearch::SupernetSearch(SupernetSearchOptions options,
                               std::shared_ptr<const CostLibrary> library)
    : options_(std::move(options)), library_(std::move(library)) {
  if (!options_.algorithm) throw InputError("supernet search: no strategy (read the options first)");
}

SupernetSearchResult SupernetSearch::run(const std::string& run_dir, bool resume,
                                         RankGroup& ranks) const {
  Trainer trainer(options_, *library_, run_dir, ranks);
  return trainer.run(resume);
}

}  // namespace hwnas
