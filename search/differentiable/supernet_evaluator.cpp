#include "search/differentiable/supernet_evaluator.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <numeric>

#include "core/config.h"
#include "core/run_header.h"
#include "search/training/training_options.h"
#include "core/error.h"
#include "core/strings.h"
#include "costmodels/cost_library.h"
#include "search/differentiable/supernet_search.h"
#include "search/training/training.h"
#include "supernet/torch_runtime.h"

namespace hwnas {

SupernetEvaluatorOptions SupernetEvaluatorOptions::read(const ConfigSection& s) {
  SupernetEvaluatorOptions o;
  o.checkpoint = s.get_string("checkpoint", o.checkpoint);
  o.split = s.get_choice("split", o.split, {"valid", "test"});
  o.images = s.get_int("images", static_cast<int>(o.images));
  o.bn_batches = s.get_int("bn_batches", o.bn_batches);
  o.batch_size = s.get_int("batch_size", o.batch_size);
  o.device = s.get_choice("device", o.device, {"cpu", "cuda"});
  o.threads = s.get_int("threads", o.threads);
  s.validate([&] { o.validate(); });
  return o;
}

void SupernetEvaluatorOptions::validate() const {
  if (checkpoint.empty()) throw InvalidOption("checkpoint", "must name a supernet run folder");
  if (images < 0) throw InvalidOption("images", "must be >= 0 (0 = the whole split)");
  if (bn_batches < 0) throw InvalidOption("bn_batches", "must be >= 0 (0 = keep the running statistics)");
  if (batch_size < 1 || batch_size > kMaxBatchSize) {
    throw InvalidOption("batch_size", "must be in 1.." + std::to_string(kMaxBatchSize));
  }
  check_thread_count(threads);
}

// The supernet, its fixed batches and the cache. Every member is used under `mutex`.
struct SupernetEvaluator::Net {
  std::mutex mutex;
  torch::Device device{torch::kCPU};
  Supernet net{nullptr};
  std::vector<torch::nn::BatchNorm2d> batch_norms;
  std::vector<torch::Tensor> bn_batches;                        // normalised training images
  std::vector<std::pair<torch::Tensor, torch::Tensor>> eval_batches;  // images, labels
  int64_t eval_images = 0;
  std::string trained;  // what the checkpoint is, for describe()
  std::map<std::vector<int>, double> cache;
  int64_t queries = 0, hits = 0;
  double seconds = 0;
};

namespace {

// Batches of `indices` of `set` (no augmentation), moved to `device`.
std::vector<std::pair<torch::Tensor, torch::Tensor>> batches_of(const ImageSet& set,
                                                                const std::vector<int64_t>& indices,
                                                                int batch, torch::Device device) {
  std::vector<std::pair<torch::Tensor, torch::Tensor>> out;
  std::mt19937_64 unused(0);
  for (size_t start = 0; start < indices.size(); start += batch) {
    const std::vector<int64_t> idx(indices.begin() + start,
                                   indices.begin() + std::min(indices.size(), start + batch));
    out.emplace_back(make_image_batch(set, idx, /*augment=*/false, unused).to(device),
                     batch_labels(set, idx).to(device));
  }
  return out;
}

}  // namespace

SupernetEvaluator::SupernetEvaluator(SupernetEvaluatorOptions options, const EvaluatorContext& context)
    : options_(std::move(options)), context_(context), metrics_(context.metrics),
      net_(std::make_unique<Net>()) {
  if (metrics_.size() > static_cast<size_t>(kMaxCostMetrics)) {
    throw InputError("the supernet evaluator takes at most " + std::to_string(kMaxCostMetrics) +
                     " cost metrics, got " + std::to_string(metrics_.size()));
  }
  const std::string dir = options_.checkpoint;
  const std::string checkpoint = dir + "/checkpoints/last.pt";
  if (!std::filesystem::exists(dir + "/config.resolved.yaml") || !std::filesystem::exists(checkpoint)) {
    throw InputError("evaluator.checkpoint: " + dir + " is not a supernet run folder (expected "
                     "config.resolved.yaml and checkpoints/last.pt; train one with hwnas_search, "
                     "e.g. strategy.type spos)");
  }
  const Config config = Config::load(dir + "/config.resolved.yaml");
  const SupernetSearchOptions trained = SupernetSearchOptions::read(config);
  if (trained.space != context_.space) {
    throw InputError("evaluator.checkpoint: " + dir + " trained a " + to_string(trained.space) +
                     " supernet; this search is over " + to_string(context_.space));
  }
  if (trained.space == Space::FBNet && trained.cost_setting() != context_.setting) {
    throw InputError("evaluator.checkpoint: " + dir + " trained the fbnet " + trained.cost_setting() +
                     " supernet; this search costs the " + context_.setting + " setting");
  }
  Net& n = *net_;
  n.device = start_torch(options_.device, options_.threads, trained.run.seed).device;
  const SupernetData data = load_supernet_data(trained);
  n.net = make_run_supernet(trained, data.train.num_classes);
  n.net->to(n.device);
  if (trained.train.memory_format == "channels_last") n.net->use_channels_last();
  Checkpoint state;
  state.numbers = {{"completed_epochs", 0}};
  try {
    state.load(checkpoint, *n.net, {}, n.device);
  } catch (const c10::Error& e) {
    throw InputError(checkpoint + ": cannot be loaded into a " + to_string(trained.space) +
                     " supernet (" + std::string(e.what_without_backtrace()).substr(0, 200) + ")");
  }
  for (const auto& module : n.net->modules(/*include_self=*/false)) {
    if (auto* bn = module->as<torch::nn::BatchNorm2dImpl>()) {
      bn->options.momentum(c10::nullopt);  // cumulative average over the re-estimation batches
      n.batch_norms.emplace_back(std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(module));
    }
  }
  // Fixed batches, so an arch's accuracy does not depend on when it is asked for.
  std::vector<int64_t> bn_images(data.weight_split);
  auto rng = epoch_rng(trained.run.seed, 0, /*stream=*/7);
  std::shuffle(bn_images.begin(), bn_images.end(), rng);
  bn_images.resize(std::min<size_t>(bn_images.size(),
                                    static_cast<size_t>(options_.bn_batches) * options_.batch_size));
  for (auto& [x, y] : batches_of(data.train, bn_images, options_.batch_size, n.device)) {
    n.bn_batches.push_back(x);
  }
  const bool valid = options_.split == "valid";
  std::vector<int64_t> eval(valid ? data.arch_split : std::vector<int64_t>(data.test.size()));
  if (!valid) std::iota(eval.begin(), eval.end(), 0);
  if (options_.images > 0 && static_cast<size_t>(options_.images) < eval.size()) eval.resize(options_.images);
  n.eval_images = static_cast<int64_t>(eval.size());
  n.eval_batches = batches_of(valid ? data.train : data.test, eval, options_.batch_size, n.device);
  n.trained = trained.algorithm->name() + " run " + dir + " (" +
              std::to_string(static_cast<int>(state.numbers["completed_epochs"])) + " epochs on " +
              data.train.name + ")";
}

SupernetEvaluator::~SupernetEvaluator() = default;

const SearchSpace& SupernetEvaluator::space() const { return search_space(context_.space); }

std::string SupernetEvaluator::describe() const {
  std::vector<std::string> names;
  for (const auto& key : metrics_) names.push_back(key.to_string());
  return "supernet of the " + net_->trained + ": top-1 of the single path on " +
         std::to_string(net_->eval_images) + " " +
         (options_.split == "valid" ? "held-out training" : "test") + " images after " +
         std::to_string(net_->bn_batches.size()) + " BN batches; costs " +
         (names.empty() ? std::string("(none)") : join(names, ", ")) + " (" + context_.setting +
         " setting)";
}

double SupernetEvaluator::supernet_accuracy(const Arch& arch) const {
  validate(arch);
  std::lock_guard<std::mutex> lock(net_->mutex);
  return score(arch);
}

double SupernetEvaluator::score(const Arch& arch) const {
  Net& n = *net_;
  torch::NoGradGuard no_grad;
  n.net->select_single(arch.ops);
  if (!n.bn_batches.empty()) {
    for (auto& bn : n.batch_norms) bn->reset_running_stats();
    n.net->train();
    for (const auto& x : n.bn_batches) n.net->forward(x);
  }
  n.net->eval();
  int64_t correct = 0, seen = 0;
  for (const auto& [x, y] : n.eval_batches) {
    correct += n.net->forward(x).argmax(1).eq(y).sum().item<int64_t>();
    seen += x.size(0);
  }
  return seen ? 100.0 * static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
}

std::optional<Evaluation> SupernetEvaluator::evaluate_costs(const Arch& arch) const {
  if (arch.space != context_.space) {
    throw InputError("the supernet evaluator (" + to_string(context_.space) + ") got an " +
                     to_string(arch.space) + " arch");
  }
  validate(arch);
  return table_costs(*context_.library, context_.space, context_.setting, metrics_, arch);
}

Evaluation SupernetEvaluator::evaluate(const Arch& arch) const {
  Evaluation e = *evaluate_costs(arch);
  Net& n = *net_;
  std::lock_guard<std::mutex> lock(n.mutex);
  ++n.queries;
  const auto cached = n.cache.find(arch.ops);
  if (cached != n.cache.end()) {
    ++n.hits;
    e.accuracy = cached->second;
  } else {
    const auto start = std::chrono::steady_clock::now();
    e.accuracy = score(arch);
    n.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    n.cache.emplace(arch.ops, e.accuracy);
  }
  return e;
}

int SupernetEvaluator::arch_index(const Arch& arch) const {
  return arch.space == Space::NB201 ? context_.library->nb201().index_of(arch) : -1;
}

std::string SupernetEvaluator::usage_report() const {
  std::lock_guard<std::mutex> lock(net_->mutex);
  const int64_t evaluated = net_->queries - net_->hits;
  return "supernet evaluator: " + std::to_string(net_->queries) + " scored queries (a hard limit's "
         "infeasible archs are not scored), " +
         std::to_string(net_->hits) + " from the cache, " + std::to_string(evaluated) +
         " archs evaluated in " + format_fixed(net_->seconds, 1) + " s (" +
         format_fixed(evaluated > 0 ? evaluated / net_->seconds : 0.0, 2) + " archs/s)";
}

void register_supernet_evaluator() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_builtin_evaluators();
    EvaluatorRegistry::global().add(
        "supernet", "built-in",
        "a trained supernet: single-path top-1 on held-out images after BN re-estimation",
        [](const ConfigSection& section, const EvaluatorContext& context) -> std::unique_ptr<const Evaluator> {
          return std::make_unique<const SupernetEvaluator>(SupernetEvaluatorOptions::read(section),
                                                           context);
        });
  });
}

}  // namespace hwnas
