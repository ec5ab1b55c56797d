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

// Sets LibTorch's intra-op threads (0 = leave LibTorch's default) and returns the count in effect.
int apply_threads(int threads);

struct TorchRun {
  c10::Device device = c10::Device(c10::kCPU);
  int threads = 1;  // in effect
};

// torch_device + apply_threads + torch::manual_seed(seed).
TorchRun start_torch(const std::string& device, int threads, uint64_t seed);

}  // namespace hwnas
