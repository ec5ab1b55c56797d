#include "supernet/torch_runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/utils.h>

#include <malloc.h>

#include <algorithm>
#include <limits>
#include <thread>

#include "core/error.h"

namespace hwnas {

c10::Device torch_device(const std::string& name) {
  if (name == "cuda") {
    if (!torch::cuda::is_available()) {
      throw InputError("device: cuda was asked for, but this LibTorch has no CUDA device");
    }
    return c10::Device(c10::kCUDA);
  }
  if (name != "cpu") throw InputError("device: '" + name + "' is not one of cpu, cuda");
  return c10::Device(c10::kCPU);
}

int apply_threads(int threads) {
  const int wanted = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (at::get_num_threads() != wanted) at::set_num_threads(wanted);
  return at::get_num_threads();
}

void keep_freed_memory() {
  static const bool done = [] {
    // Every block from the heap (never mmap) and no trimming of the heap's top.
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
    return true;
  }();
  (void)done;
}

TorchRun start_torch(const std::string& device, int threads, uint64_t seed) {
  TorchRun run;
  run.device = torch_device(device);
  run.threads = apply_threads(threads);
  keep_freed_memory();
  torch::manual_seed(seed);
  return run;
}

}  // namespace hwnas
