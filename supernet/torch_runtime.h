#pragma once
// One set-up of LibTorch for every run that trains or times networks (supernet search, retraining,
// the profiler): the device a config names, checked against this LibTorch, the intra-op thread
// count and the seed of weight initialisation.
#include <c10/core/Device.h>

#include <cstdint>
#include <string>

namespace hwnas {

// "cpu" or "cuda"; InputError when cuda is asked for and this LibTorch has no CUDA device.
c10::Device torch_device(const std::string& name);

// Sets LibTorch's intra-op threads and returns the count in effect. 0 = every core of this
// machine (std::thread::hardware_concurrency): LibTorch's own default here is one thread when
// OMP_NUM_THREADS is unset, which leaves the second core idle. Runs side by side on one machine
// should ask for 1 thread each: OpenMP threads spin, and two 2-thread jobs on 2 cores ran at 0.1-0.45x
// of one thread each.
int apply_threads(int threads);

// Keeps freed memory in the process heap instead of handing it back to the kernel. glibc serves
// blocks above its mmap threshold (dynamic, at most 32 MB by default) with a fresh mmap() each
// time, and a training step's activations (tens of MB each at batch 64) then page-fault in anew
// every step: keeping them cut an FBNet child step from 0.71-0.79 s to 0.42-0.46 s here (README
// "Figures"). Process-wide and idempotent; the resident size stays at its high-water mark.
void keep_freed_memory();

struct TorchRun {
  c10::Device device = c10::Device(c10::kCPU);
  int threads = 1;  // in effect
};

// torch_device + apply_threads + keep_freed_memory + torch::manual_seed(seed).
TorchRun start_torch(const std::string& device, int threads, uint64_t seed);

}  // namespace hwnas
