#pragma once
// The processes of one data-parallel run, on PyTorch's c10d: a TCPStore rendezvous served by
// rank 0 at MASTER_ADDR:MASTER_PORT and a Gloo (CPU) or NCCL (CUDA) process group, with the few
// collectives the training loops need. A run of one process holds a RankGroup too, whose
// collectives return at once, so the loops have one code path.
//
// Every collective that fails (a rank died, a peer closed its socket, nothing arrived within
// distributed.timeout_s) throws IoError "rank R of N: <what> failed: <c10d's reason> ..." followed
// by the recovery hint of the loop that owns the run folder: no rank hangs on a dead one.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "search/distributed/batch_shard.h"
#include "search/distributed/distributed_options.h"

namespace hwnas {

class RankGroup {
 public:
  RankGroup();  // one process: rank 0 of 1
  ~RankGroup();
  RankGroup(const RankGroup&) = delete;
  RankGroup& operator=(const RankGroup&) = delete;

  // Joins the run `env` describes (one process: the same as RankGroup()). InputError for a
  // backend this LibTorch lacks; IoError naming the address, port and timeout when the rendezvous
  // or the process group cannot be set up.
  static std::shared_ptr<RankGroup> join(const LaunchEnvironment& env,
                                         const DistributedOptions& options,
                                         const std::string& device);

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }
  bool is_main() const { return rank_ == 0; }
  bool distributed() const { return world_size_ > 1; }
  std::string describe() const;  // "rank 1 of 2 (gloo)", "one process"
  // This rank's rows of every batch of `global_batch` images (the config key `key`); InputError
  // when there are more ranks than images in a batch.
  BatchShard shard(int64_t global_batch, const std::string& key) const;

  // What a failed collective leaves and how to continue ("; the run's last checkpoint is kept;
  // ..."), appended to its message.
  void set_recovery_hint(std::string hint) { recovery_hint_ = std::move(hint); }

  // Gradients of a mean loss over this rank's `share` of the batch become the full batch's: the
  // sum over ranks of share * gradient, for every defined gradient of `parameters` (the same ones
  // on every rank: all ranks train the same path), in one flat buffer.
  void reduce_gradients(const std::vector<at::Tensor>& parameters, double share);

  // Sums over ranks (epoch statistics: losses, counts).
  std::vector<double> sum(std::vector<double> values, const std::string& what);
  // The mean over ranks, in place (BatchNorm running statistics); integer tensors (counters)
  // take rank 0's value.
  void average(const std::vector<at::Tensor>& tensors, const std::string& what);
  // Rank 0's values on every rank, in place (the starting weights).
  void broadcast(const std::vector<at::Tensor>& tensors, const std::string& what);
  // Error "ranks diverged: ..." unless every rank holds bit-identical `tensors`; returns their
  // 64-bit fingerprint (FNV-1a over the bytes), the same on every rank.
  uint64_t check_identical(const std::vector<at::Tensor>& tensors, const std::string& what);

  // The gradient all-reduces so far: wall time, calls and bytes (for the epoch's log line).
  struct Traffic {
    double seconds = 0;
    int64_t calls = 0;
    int64_t bytes = 0;
  };
  const Traffic& gradient_traffic() const { return traffic_; }

 struct Collectives;  // the c10d process group behind them (rank_group.cpp)

 private:
  template <typename Fn>
  void run_collective(const std::string& what, Fn&& fn);

  int rank_ = 0;
  int world_size_ = 1;
  std::string backend_;
  double timeout_s_ = 0;
  std::string recovery_hint_;
  Traffic traffic_;
  std::unique_ptr<Collectives> collectives_;
};

// The RankGroup of a run that trains alone (tests, the evaluator, one-process runs).
RankGroup& single_process();

// What a training run (hwnas_search's supernet runs, hwnas_train, hwnas.search) does first: joins
// the ranks LaunchEnvironment::read() describes, with `threads` (the config's; 0 = this machine's
// cores shared by its LOCAL_WORLD_SIZE ranks) resolved into `threads`. On ranks other than 0 the
// console then shows warnings and errors only: rank 0 reports the run.
std::shared_ptr<RankGroup> join_run_ranks(const DistributedOptions& options,
                                          const std::string& device, int& threads);

}  // namespace hwnas
