// The measuring half of the profiler (LibTorch): the timing routine, the LUT's blocks built from
// the supernet's modules, whole child networks, and stage 1 (the LUT). Stages 2 and 3 only call
// measure_archs and live in profile_validation.cpp, without LibTorch.
#include "supernet/profiler/profiler.h"

#include <c10/core/InferenceMode.h>
#include <spdlog/spdlog.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "supernet/candidate_ops.h"
#include "supernet/fbnet_fixed_parts.h"
#include "supernet/profiler/profile_io.h"
#include "supernet/torch_runtime.h"
#include "supernet/supernet.h"

namespace hwnas {

void MeasureOptions::validate() const {
  const auto fail = [](const std::string& what) { throw InputError("profile: " + what); };
  if (device != "cpu" && device != "cuda") fail("device '" + device + "' is not cpu or cuda");
  if (threads < 0)
    fail("threads " + std::to_string(threads) + " must be >= 0 (0 = LibTorch's default)");
  if (batch_size < 1) fail("batch_size " + std::to_string(batch_size) + " must be >= 1");
  if (warmup < 0) fail("warmup " + std::to_string(warmup) + " must be >= 0");
  if (repetitions < 1) fail("repetitions " + std::to_string(repetitions) + " must be >= 1");
}

ProfileOptions ProfileOptions::quick() {
  ProfileOptions o;
  o.measure.warmup = 2;
  o.measure.repetitions = 5;
  o.validate_archs = 5;
  o.nb201_archs = 10;
  return o;
}

void ProfileOptions::validate() const {
  measure.validate();
  if (device_name.empty() || device_name.find_first_of("/ \t\"") != std::string::npos) {
    throw InputError("profile: device name '" + device_name +
                     "' must be non-empty, without '/', spaces or quotes (it names the LUT file "
                     "and its metric '<name>_latency')");
  }
  if (validate_archs < 0 || validate_archs == 1) {
    throw InputError("profile: validate " + std::to_string(validate_archs) +
                     " must be 0 (skip) or >= 2 (a correlation needs two points)");
  }
  if (nb201_archs < 0 || nb201_archs == 1 || nb201_archs > kNb201Archs) {
    throw InputError("profile: nb201 " + std::to_string(nb201_archs) + " must be 0 (skip) or 2.." +
                     std::to_string(kNb201Archs));
  }
}

std::vector<FbnetBlock> fbnet_unique_blocks(FbnetSetting setting) {
  const FbnetMacro& m = fbnet_macro(setting);
  std::vector<FbnetBlock> blocks;
  std::set<std::string> seen;
  const auto add = [&](FbnetBlock b) {
    if (seen.insert(b.key).second) blocks.push_back(std::move(b));
  };
  add({FbnetBlock::Kind::Stem, fbnet_stem_key(m)});
  for (const FbnetLayerShape& shape : m.layers) {
    for (int op = 0; op < kFbnetChoices; ++op) {
      add({FbnetBlock::Kind::Layer, fbnet_layer_key(shape, op), shape, op});
    }
  }
  add({FbnetBlock::Kind::Head, fbnet_head_key(m)});
  add({FbnetBlock::Kind::Pool, fbnet_pool_key(m)});
  add({FbnetBlock::Kind::Classifier, fbnet_fc_key(m)});
  return blocks;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) throw InputError("quantile of no values");
  std::sort(values.begin(), values.end());
  const double pos = q * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

int apply_threads(const MeasureOptions& options) { return apply_threads(options.threads); }

namespace {

// Something to time: the module owning the weights (moved to the device, put in eval mode) and
// how to run it on an input of `input_sizes`.
struct Runnable {
  std::shared_ptr<torch::nn::Module> module;  // null for the weight-free pool
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  std::vector<int64_t> input_sizes;  // without the batch dimension
};

Runnable make_block(const FbnetBlock& block, const FbnetMacro& m) {
  const auto image = [](int c, int hw) { return std::vector<int64_t>{c, hw, hw}; };
  switch (block.kind) {
    case FbnetBlock::Kind::Stem: {
      auto stem = make_fbnet_stem(m);
      return {stem.ptr(), [stem](const torch::Tensor& x) mutable { return stem->forward(x); },
              image(3, m.input_hw)};
    }
    case FbnetBlock::Kind::Layer: {
      auto op = make_fbnet_candidate(block.op, block.shape);
      return {op.ptr(), [op](const torch::Tensor& x) mutable { return op.forward(x); },
              image(block.shape.cin, block.shape.in_hw)};
    }
    case FbnetBlock::Kind::Head: {
      auto head = make_fbnet_head(m);
      return {head.ptr(), [head](const torch::Tensor& x) mutable { return head->forward(x); },
              image(m.layers.back().cout, m.final_hw())};
    }
    case FbnetBlock::Kind::Pool:
      return {nullptr, [](const torch::Tensor& x) { return global_avg_pool(x); },
              image(m.head_channels, m.final_hw())};
    case FbnetBlock::Kind::Classifier: {
      auto fc = make_fbnet_classifier(m);
      return {fc.ptr(),
              [fc](const torch::Tensor& x) mutable { return fc->forward(x); },
              {m.head_channels}};
    }
  }
  throw InputError("profile: unknown block kind");
}

// Moves the module to the device in eval mode and returns a random input of the options' batch.
torch::Tensor prepare(Runnable& r, const MeasureOptions& o, const torch::Device& device) {
  if (r.module) {
    r.module->eval();
    r.module->to(device);
  }
  std::vector<int64_t> sizes{o.batch_size};
  sizes.insert(sizes.end(), r.input_sizes.begin(), r.input_sizes.end());
  return torch::randn(sizes).to(device);
}

// One forward pass, timed (a CUDA device is synchronised before the clock is read, so the
// kernels' time is counted, not their launch).
double time_once(Runnable& r, const torch::Tensor& x, bool cuda) {
  const auto start = std::chrono::steady_clock::now();
  r.forward(x);
  if (cuda) torch::cuda::synchronize();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

Timing summarise(const std::vector<double>& ms) {
  return {quantile(ms, 0.5), quantile(ms, 0.1), quantile(ms, 0.9)};
}

// The one timing routine: warm-up runs of every runnable, then `repetitions` rounds that each time
// every runnable once, in turn. Interleaving matters on shared machines: their slow phases last
// longer than one network's runs, so timing networks one after the other gives some a slow phase
// and others a fast one (on the 2-core development VM the medians of 100 networks timed that way
// correlated only 0.39 with the same networks timed again); in rounds every network sees the same
// phases. The median of each runnable's runs resists the remaining outliers.
std::vector<Timing> time_interleaved(std::vector<Runnable>& runnables, const MeasureOptions& o) {
  const torch::Device device = torch_device(o.device);
  const bool cuda = device.is_cuda();
  c10::InferenceMode no_autograd;
  std::vector<torch::Tensor> inputs;
  for (auto& r : runnables) {
    inputs.push_back(prepare(r, o, device));
    for (int i = 0; i < o.warmup; ++i) r.forward(inputs.back());
  }
  if (cuda) torch::cuda::synchronize();
  std::vector<std::vector<double>> ms(runnables.size(), std::vector<double>(o.repetitions));
  for (int rep = 0; rep < o.repetitions; ++rep) {
    for (size_t i = 0; i < runnables.size(); ++i)
      ms[i][rep] = time_once(runnables[i], inputs[i], cuda);
  }
  std::vector<Timing> timings;
  for (const auto& runs : ms) timings.push_back(summarise(runs));
  return timings;
}

Timing time_runnable(Runnable& r, const MeasureOptions& o) {
  std::vector<Runnable> one{r};
  return time_interleaved(one, o).front();
}

}  // namespace

std::vector<Timing> measure_archs(const MeasureOptions& options, const std::vector<Arch>& archs,
                                  FbnetSetting setting) {
  options.validate();
  apply_threads(options);
  std::vector<Runnable> nets;
  for (const Arch& arch : archs) {
    SupernetOptions net;
    net.space = arch.space;
    net.fbnet_setting = setting;
    net.num_classes = 10;  // NB201: the cifar10 tables
    net.fixed_arch = arch;
    Supernet child(net);
    const int hw = arch.space == Space::FBNet ? fbnet_macro(setting).input_hw : 32;
    nets.push_back({child.ptr(),
                    [child](const torch::Tensor& x) mutable { return child->forward(x); },
                    {3, hw, hw}});
  }
  return time_interleaved(nets, options);
}

LutStageSummary profile_fbnet_lut(const ProfileOptions& options, const std::string& out_dir,
                                  const ProfileObserver& observer) {
  options.validate();
  const auto start = std::chrono::steady_clock::now();
  const int threads = start_torch(options.measure.device, options.measure.threads, options.seed).threads;
  const auto blocks = fbnet_unique_blocks(options.setting);
  std::vector<std::string> order;
  for (const auto& b : blocks) order.push_back(b.key);
  std::filesystem::create_directories(out_dir);
  ProfiledLutFile file(out_dir + "/" + options.lut_file_name(), lut_protocol(options, threads),
                       order, options.seed);

  LutStageSummary summary;
  summary.path = file.path();
  summary.blocks = static_cast<int>(blocks.size());
  std::vector<const FbnetBlock*> todo;
  for (const auto& b : blocks) {
    if (file.has(b.key)) {
      ++summary.reused;
    } else {
      todo.push_back(&b);
    }
  }
  const MeasureOptions& mo = options.measure;
  spdlog::info(
      "profile: {} unique blocks of the fbnet {} setting, {} to measure ({} in {}); {}, "
      "{} thread(s), batch {}, {} warm-up + {} timed runs each",
      blocks.size(), to_string(options.setting), todo.size(), summary.reused, file.path(),
      mo.device, threads, mo.batch_size, mo.warmup, mo.repetitions);
  ProgressReporter progress("profile", blocks.size(), summary.reused);
  const FbnetMacro& macro = fbnet_macro(options.setting);
  for (const FbnetBlock* block : todo) {
    Runnable r = make_block(*block, macro);
    const Timing t = time_runnable(r, mo);
    file.add(block->key, t);
    file.save();  // after every block: a killed run loses at most one
    ++summary.measured;
    if (observer.block_measured) observer.block_measured(*block);
    progress.step(block->key, fmt::format("blocks, last {} = {:.4f} ms (p10 {:.4f}, p90 {:.4f})",
                                          block->key, t.median_ms, t.p10_ms, t.p90_ms));
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace hwnas
