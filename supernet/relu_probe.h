#pragma once
// The inputs of a network's ReLUs, for training-free proxies that read activation patterns
// (NASWOT, Mellor et al. 2021: the binary code of every ReLU). LibTorch's C++ modules have no
// forward hooks, so the ops that apply a ReLU (ConvBn, BnRelu) hand its input to the probe
// installed on the calling thread; with none installed (training, search) that is one branch.
#include <ATen/core/Tensor.h>

namespace hwnas {

class ReluProbe {
 public:
  virtual ~ReluProbe() = default;
  virtual void observe(const at::Tensor& relu_input) = 0;
};

// Called by every op just before it applies a ReLU to `relu_input`.
void report_relu_input(const at::Tensor& relu_input);

// Installs `probe` on this thread for its lifetime (the previous one is restored after).
class ScopedReluProbe {
 public:
  explicit ScopedReluProbe(ReluProbe& probe);
  ~ScopedReluProbe();
  ScopedReluProbe(const ScopedReluProbe&) = delete;
  ScopedReluProbe& operator=(const ScopedReluProbe&) = delete;

 private:
  ReluProbe* previous_;
};

}  // namespace hwnas
