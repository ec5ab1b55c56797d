#include "search/zero_cost/zero_cost_scorer.h"

#include <torch/torch.h>

#include <algorithm>
#include <mutex>
#include <random>

#include "core/config.h"
#include "core/error.h"
#include "core/run_header.h"
#include "core/strings.h"
#include "costmodels/complexity.h"
#include "costmodels/fbnet_macro.h"
#include "search/training/image_data.h"
#include "search/training/training_options.h"
#include "search/zero_cost/proxies.h"
#include "supernet/supernet.h"
#include "supernet/torch_runtime.h"

namespace hwnas {

ImageDataOptions ZeroCostInputs::default_data() {
  ImageDataOptions data;
  data.augment = false;  // the proxies see the images as they are
  return data;
}

ZeroCostInputs ZeroCostInputs::read(const ConfigSection& s) {
  ZeroCostInputs o;
  o.batch_size = s.get_int("batch_size", o.batch_size);
  o.batches = s.get_int("batches", o.batches);
  o.seed = s.get_int("seed", o.seed);
  o.init = s.get_choice("init", o.init, {"default", "kaiming_normal"});
  o.memory_format = s.get_choice("memory_format", o.memory_format, {"contiguous", "channels_last"});
  o.device = s.get_choice("device", o.device, {"cpu", "cuda"});
  o.threads = s.get_int("threads", o.threads);
  o.data = ImageDataOptions::read(s.child("data"), default_data());
  s.validate([&] { o.validate(); });
  return o;
}

void ZeroCostInputs::validate() const {
  if (batch_size < 1 || batch_size > 4096) throw InvalidOption("batch_size", "must be in 1..4096");
  if (batches < 1 || batches > 64) throw InvalidOption("batches", "must be in 1..64");
  if (seed < 0) throw InvalidOption("seed", "must be >= 0");
  if (init != "default" && init != "kaiming_normal") {
    throw InvalidOption("init", "must be default or kaiming_normal");
  }
  if (data.dataset != "cifar10" && data.dataset != "cifar100" && data.dataset != "synthetic") {
    throw InvalidOption("data.dataset", "must be cifar10, cifar100 or synthetic");
  }
  if (data.augment)
    throw InvalidOption("data.augment", "must be false: proxies score fixed images");
  if (memory_format != "channels_last" && memory_format != "contiguous") {
    throw InvalidOption("memory_format", "must be channels_last or contiguous");
  }
  check_thread_count(threads);
}

std::string ZeroCostInputs::describe() const {
  const std::string images =
      data.dataset == "synthetic" ? "synthetic (" + std::to_string(data.synthetic_size) + ")"
      : data.train_limit > 0
          ? data.dataset + " (the first " + std::to_string(data.train_limit) + ")"
          : data.dataset;
  return std::to_string(batches) + " batch" + (batches == 1 ? "" : "es") + " of " +
         std::to_string(batch_size) + " " + images + " training images, seed " +
         std::to_string(seed) + ", " + init + " init, " + memory_format + " memory";
}

// The images (fixed at construction) and the mutex that serialises the nets' use of LibTorch.
struct ZeroCostScorer::Impl {
  std::mutex mutex;
  torch::Device device{torch::kCPU};
  std::vector<ProxyBatch> batches;
  int num_classes = 10;
  FbnetSetting fbnet_setting = FbnetSetting::Cifar10;
  bool any_network = false;
};

namespace {

void kaiming_normal_init(torch::nn::Module& net) {
  torch::NoGradGuard no_grad;
  for (const auto& module : net.modules(/*include_self=*/true)) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanIn, torch::kReLU);
      if (conv->bias.defined()) conv->bias.zero_();
    } else if (auto* linear = module->as<torch::nn::LinearImpl>()) {
      torch::nn::init::kaiming_normal_(linear->weight, 0.0, torch::kFanIn, torch::kReLU);
      if (linear->bias.defined()) linear->bias.zero_();
    }
  }
}

}  // namespace

std::vector<Arch> sample_archs(Space space, int count, uint64_t seed) {
  if (space == Space::FBNet) return random_fbnet_archs(static_cast<size_t>(count), seed);
  std::vector<int> codes(kNb201Archs);
  for (int c = 0; c < kNb201Archs; ++c) codes[c] = c;
  std::mt19937_64 rng(seed);
  std::shuffle(codes.begin(), codes.end(), rng);
  std::vector<Arch> archs;
  for (int i = 0; i < std::min(count, kNb201Archs); ++i) archs.push_back(nb201_from_code(codes[i]));
  return archs;
}

ZeroCostScorer::ZeroCostScorer(ZeroCostInputs inputs, Space space, std::string setting,
                               std::vector<Proxy> proxies)
    : inputs_(std::move(inputs)),
      space_(space),
      setting_(std::move(setting)),
      proxies_(std::move(proxies)),
      impl_(std::make_unique<Impl>()) {
  inputs_.validate();
  if (proxies_.empty()) throw InputError("no zero-cost proxy to compute");
  Impl& m = *impl_;
  if (space_ == Space::FBNet) m.fbnet_setting = parse_fbnet_setting(setting_);
  m.any_network = std::any_of(proxies_.begin(), proxies_.end(), proxy_needs_network);
  if (!m.any_network) {
    m.num_classes = space_ == Space::FBNet ? fbnet_macro(m.fbnet_setting).num_classes : 10;
    return;  // params and flops: no images, no LibTorch
  }
  m.device =
      start_torch(inputs_.device, inputs_.threads, static_cast<uint64_t>(inputs_.seed)).device;
  const ImageSet train = load_image_sets(inputs_.data, inputs_.seed).train;
  m.num_classes = train.num_classes;
  if (space_ == Space::FBNet) {
    const FbnetMacro& macro = fbnet_macro(m.fbnet_setting);
    if (macro.num_classes != train.num_classes || macro.input_hw != train.images.size(2)) {
      throw InputError("zero-cost evaluator: the fbnet " + setting_ + " setting takes " +
                       std::to_string(macro.input_hw) + "x" + std::to_string(macro.input_hw) +
                       " images of " + std::to_string(macro.num_classes) + " classes, data set " +
                       train.name + " has " + std::to_string(train.images.size(2)) + "x" +
                       std::to_string(train.images.size(3)) + " images of " +
                       std::to_string(train.num_classes) + " classes");
    }
  }
  const int64_t wanted = static_cast<int64_t>(inputs_.batches) * inputs_.batch_size;
  if (train.size() < wanted) {
    throw InputError("zero-cost evaluator: " + std::to_string(inputs_.batches) + " batches of " +
                     std::to_string(inputs_.batch_size) + " need " + std::to_string(wanted) +
                     " training images, data set " + train.name + " has " +
                     std::to_string(train.size()));
  }
  std::vector<int64_t> order(static_cast<size_t>(train.size()));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  std::mt19937_64 rng(static_cast<uint64_t>(inputs_.seed));
  std::shuffle(order.begin(), order.end(), rng);
  for (int b = 0; b < inputs_.batches; ++b) {
    const std::vector<int64_t> idx(
        order.begin() + static_cast<int64_t>(b) * inputs_.batch_size,
        order.begin() + static_cast<int64_t>(b + 1) * inputs_.batch_size);
    m.batches.push_back({make_image_batch(train, idx, /*augment=*/false, rng).to(m.device),
                         batch_labels(train, idx).to(m.device)});
  }
}

ZeroCostScorer::~ZeroCostScorer() = default;

std::vector<double> ZeroCostScorer::score(const Arch& arch) const {
  if (arch.space != space_) {
    throw InputError("the zero-cost evaluator (" + to_string(space_) + ") got an " +
                     to_string(arch.space) + " arch");
  }
  validate(arch);
  Impl& m = *impl_;
  const Complexity complexity = space_ == Space::FBNet ? fbnet_complexity(arch, m.fbnet_setting)
                                                       : nb201_complexity(arch, m.num_classes);
  std::vector<double> scores(proxies_.size(), std::nan(""));
  for (size_t i = 0; i < proxies_.size(); ++i) {
    if (proxies_[i] == Proxy::Params) scores[i] = complexity.mparams;
    if (proxies_[i] == Proxy::Flops) scores[i] = complexity.mflops;
  }
  if (!m.any_network) return scores;

  std::lock_guard<std::mutex> lock(m.mutex);
  SupernetOptions options;
  options.space = space_;
  options.fixed_arch = arch;
  options.num_classes = m.num_classes;
  options.fbnet_setting = m.fbnet_setting;
  // The same seed before each build: the net and synflow's copy start from the same weights,
  // whatever was scored before.
  const auto build = [&] {
    torch::manual_seed(static_cast<uint64_t>(inputs_.seed));
    Supernet net(options);
    if (inputs_.init == "kaiming_normal") kaiming_normal_init(*net);
    net->to(m.device);
    if (inputs_.memory_format == "channels_last") net->use_channels_last();
    return net;
  };
  Supernet net = build();
  const bool synflow =
      std::find(proxies_.begin(), proxies_.end(), Proxy::Synflow) != proxies_.end();
  Supernet synflow_net = synflow ? build() : Supernet(nullptr);
  const auto computed = network_proxy_scores(
      proxies_, *net, [&net](const torch::Tensor& x) { return net->forward(x); }, m.batches,
      synflow ? synflow_net.ptr().get() : nullptr,
      [&synflow_net](const torch::Tensor& x) { return synflow_net->forward(x); });
  for (size_t i = 0; i < proxies_.size(); ++i) {
    if (proxy_needs_network(proxies_[i])) scores[i] = computed[i];
  }
  return scores;
}

}  // namespace hwnas
