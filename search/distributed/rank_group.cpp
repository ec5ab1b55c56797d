#include "search/distributed/rank_group.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <map>

#include "core/cli_args.h"
#include "core/error.h"
#include "core/strings.h"

#ifdef HWNAS_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef HWNAS_WITH_NCCL
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#if defined(HWNAS_WITH_GLOO) || defined(HWNAS_WITH_NCCL)
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace hwnas {

// The process group behind the collectives. A template over the c10d class: LibTorch 1.x derives
// ProcessGroupGloo/NCCL from ProcessGroup, 2.x from Backend, and both have these members.
struct RankGroup::Collectives {
  virtual ~Collectives() = default;
  virtual void all_reduce(std::vector<at::Tensor>& tensors, bool maximum) = 0;
  virtual void broadcast(std::vector<at::Tensor>& tensors) = 0;
};

namespace {

#if defined(HWNAS_WITH_GLOO) || defined(HWNAS_WITH_NCCL)
template <typename Group>
struct C10dCollectives : RankGroup::Collectives {
  explicit C10dCollectives(c10::intrusive_ptr<Group> g) : group(std::move(g)) {}
  void all_reduce(std::vector<at::Tensor>& tensors, bool maximum) override {
    c10d::AllreduceOptions options;
    options.reduceOp = maximum ? c10d::ReduceOp::MAX : c10d::ReduceOp::SUM;
    group->allreduce(tensors, options)->wait();
  }
  void broadcast(std::vector<at::Tensor>& tensors) override {
    group->broadcast(tensors, c10d::BroadcastOptions())->wait();
  }
  c10::intrusive_ptr<Group> group;
};

bool is_loopback(const std::string& address) {
  return address == "localhost" || address.rfind("127.", 0) == 0;
}
#endif

// c10d's message without LibTorch's backtrace: its first line.
std::string reason_of(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  return one_line_message(c10 ? c10->what_without_backtrace() : e.what());
}

// FNV-1a over the tensors' bytes (on the CPU): equal on two ranks iff the values are, but for a
// 2^-64 chance.
uint64_t fingerprint(const std::vector<at::Tensor>& tensors) {
  uint64_t hash = 1469598103934665603ull;
  for (const auto& t : tensors) {
    if (!t.defined()) continue;
    const auto c = t.detach().to(torch::kCPU).contiguous();
    const auto* bytes = static_cast<const unsigned char*>(c.data_ptr());
    for (size_t i = 0; i < c.nbytes(); ++i) hash = (hash ^ bytes[i]) * 1099511628211ull;
  }
  return hash;
}

}  // namespace

RankGroup::RankGroup() = default;
RankGroup::~RankGroup() = default;

RankGroup& single_process() {
  static RankGroup group;
  return group;
}

std::shared_ptr<RankGroup> RankGroup::join(const LaunchEnvironment& env,
                                           const DistributedOptions& options,
                                           const std::string& device) {
  auto group = std::make_shared<RankGroup>();
  if (!env.distributed()) return group;
  const std::string backend = options.backend_for(device);
  group->rank_ = env.rank;
  group->world_size_ = env.world_size;
  group->backend_ = backend;
  group->timeout_s_ = options.timeout_s;
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(options.timeout_s * 1000));
  const std::string where = env.describe() + ": ";
#if defined(HWNAS_WITH_GLOO) || defined(HWNAS_WITH_NCCL)
  c10::intrusive_ptr<c10d::Store> store;
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<uint16_t>(env.master_port);
    store_options.isServer = env.rank == 0;
    store_options.numWorkers = env.world_size;
    store_options.waitWorkers = true;
    store_options.timeout = timeout;
    store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
  } catch (const std::exception& e) {
    throw IoError(where + "the rendezvous at MASTER_ADDR:MASTER_PORT " + env.master_addr + ":" +
                  std::to_string(env.master_port) + " failed within distributed.timeout_s " +
                  format_double(options.timeout_s) + " s: " + reason_of(e) +
                  " (are all " + std::to_string(env.world_size) + " ranks started, and the port free?)");
  }
  try {
    if (backend == "gloo") {
#ifdef HWNAS_WITH_GLOO
      auto gloo_options = c10d::ProcessGroupGloo::Options::create(timeout);
      // The interface this machine's ranks talk over: GLOO_SOCKET_IFNAME as in PyTorch, the
      // loopback device for a run on one machine, else the address this host name resolves to.
      const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
      if (interface && *interface) {
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
      } else if (is_loopback(env.master_addr)) {
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      } else {
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      }
      group->collectives_ = std::make_unique<C10dCollectives<c10d::ProcessGroupGloo>>(
          c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world_size, gloo_options));
#endif
    } else {
#ifdef HWNAS_WITH_NCCL
      c10::cuda::set_device(static_cast<c10::DeviceIndex>(env.local_rank % c10::cuda::device_count()));
      auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
      nccl_options->timeout = timeout;
      group->collectives_ = std::make_unique<C10dCollectives<c10d::ProcessGroupNCCL>>(
          c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.world_size, nccl_options));
#endif
    }
  } catch (const std::exception& e) {
    throw IoError(where + "the " + backend + " process group could not be set up: " + reason_of(e));
  }
#endif
  if (!group->collectives_) {
    throw InputError(where + "distributed.backend " + backend + " is not in this build of hwnas (" +
                     (backend == "nccl" ? "it needs a CUDA LibTorch with NCCL"
                                        : "it needs libgloo-dev when hwnas is built") +
                     "); run one process or rebuild");
  }
  spdlog::info("{}: joined the {} process group at {}:{}", env.describe(), backend, env.master_addr,
               env.master_port);
  return group;
}

std::shared_ptr<RankGroup> join_run_ranks(const DistributedOptions& options,
                                          const std::string& device, int& threads) {
  const LaunchEnvironment env = LaunchEnvironment::read();
  if (!env.distributed()) return std::make_shared<RankGroup>();
  if (threads == 0) {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads = std::max(1, cores / env.local_world_size);
  }
  if (env.rank != 0) spdlog::set_level(spdlog::level::warn);
  return RankGroup::join(env, options, device);
}

std::string RankGroup::describe() const {
  if (!distributed()) return "one process";
  return "rank " + std::to_string(rank_) + " of " + std::to_string(world_size_) + " (" + backend_ + ")";
}

BatchShard RankGroup::shard(int64_t global_batch, const std::string& key) const {
  if (world_size_ > global_batch) {
    throw InputError("WORLD_SIZE " + std::to_string(world_size_) + " is more ranks than " + key +
                     " " + std::to_string(global_batch) +
                     " allows: every rank needs at least one image of each batch");
  }
  return BatchShard::of(global_batch, rank_, world_size_);
}

template <typename Fn>
void RankGroup::run_collective(const std::string& what, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    throw IoError("rank " + std::to_string(rank_) + " of " + std::to_string(world_size_) + ": " +
                  what + " failed: " + reason_of(e) + " (another rank stopped, or did not answer "
                  "within distributed.timeout_s " + format_double(timeout_s_) + " s)" +
                  recovery_hint_);
  }
}

namespace {

// Runs `collective` on `tensors` packed into one flat buffer per dtype (one message each, not one
// per tensor: a supernet has hundreds of BatchNorm buffers) and copies the results back.
template <typename Fn>
void packed(const std::vector<at::Tensor>& tensors, Fn&& collective) {
  torch::NoGradGuard no_grad;
  std::map<c10::ScalarType, std::vector<at::Tensor>> by_type;
  for (const auto& t : tensors) {
    if (t.defined()) by_type[t.scalar_type()].push_back(t.detach());
  }
  for (auto& [type, group] : by_type) {
    std::vector<at::Tensor> parts;
    parts.reserve(group.size());
    for (const auto& t : group) parts.push_back(t.reshape({-1}));
    std::vector<at::Tensor> flat = {torch::cat(parts)};
    collective(flat);
    int64_t offset = 0;
    for (auto& t : group) {
      t.copy_(flat[0].narrow(0, offset, t.numel()).view_as(t));
      offset += t.numel();
    }
  }
}

}  // namespace

void RankGroup::reduce_gradients(const std::vector<at::Tensor>& parameters, double share) {
  if (!distributed()) return;
  std::vector<at::Tensor> gradients;
  for (const auto& p : parameters) {
    if (p.grad().defined()) gradients.push_back(p.grad());
  }
  if (gradients.empty()) return;
  const auto started = std::chrono::steady_clock::now();
  packed(gradients, [&](std::vector<at::Tensor>& flat) {
    flat[0].mul_(share);
    run_collective("the gradient all-reduce", [&] { collectives_->all_reduce(flat, /*maximum=*/false); });
    traffic_.bytes += static_cast<int64_t>(flat[0].nbytes());
  });
  traffic_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  traffic_.calls += 1;
}

std::vector<double> RankGroup::sum(std::vector<double> values, const std::string& what) {
  if (!distributed() || values.empty()) return values;
  std::vector<at::Tensor> t = {torch::tensor(values, torch::kDouble)};
  run_collective(what, [&] { collectives_->all_reduce(t, /*maximum=*/false); });
  const auto* p = t[0].data_ptr<double>();
  return std::vector<double>(p, p + values.size());
}

void RankGroup::average(const std::vector<at::Tensor>& tensors, const std::string& what) {
  if (!distributed()) return;
  packed(tensors, [&](std::vector<at::Tensor>& flat) {
    if (!flat[0].is_floating_point()) {  // counters (BatchNorm's num_batches_tracked)
      run_collective(what, [&] { collectives_->broadcast(flat); });
      return;
    }
    run_collective(what, [&] { collectives_->all_reduce(flat, /*maximum=*/false); });
    flat[0].div_(world_size_);
  });
}

void RankGroup::broadcast(const std::vector<at::Tensor>& tensors, const std::string& what) {
  if (!distributed()) return;
  packed(tensors, [&](std::vector<at::Tensor>& flat) {
    run_collective(what, [&] { collectives_->broadcast(flat); });
  });
}

uint64_t RankGroup::check_identical(const std::vector<at::Tensor>& tensors, const std::string& what) {
  const uint64_t mine = fingerprint(tensors);
  if (!distributed()) return mine;
  // Max and min of the two 32-bit halves: equal on every rank iff the fingerprints are.
  const int64_t high = static_cast<int64_t>(mine >> 32), low = static_cast<int64_t>(mine & 0xffffffffu);
  std::vector<at::Tensor> t = {torch::tensor({high, low, -high, -low}, torch::kLong)};
  run_collective("the comparison of " + what, [&] { collectives_->all_reduce(t, /*maximum=*/true); });
  const auto* m = t[0].data_ptr<int64_t>();
  if (m[0] != high || m[1] != low || -m[2] != high || -m[3] != low) {
    throw Error("ranks diverged: " + what + " differ between the " + std::to_string(world_size_) +
                " ranks (rank " + std::to_string(rank_) + "); a rank trained other images or paths, "
                "or the ranks run different builds of hwnas");
  }
  return mine;
}

}  // namespace hwnas
