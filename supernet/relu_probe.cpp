#include "supernet/relu_probe.h"

namespace hwnas {

namespace {
thread_local ReluProbe* installed_probe = nullptr;
}  // namespace

void report_relu_input(const at::Tensor& relu_input) {
  if (installed_probe != nullptr) installed_probe->observe(relu_input);
}

ScopedReluProbe::ScopedReluProbe(ReluProbe& probe) : previous_(installed_probe) {
  installed_probe = &probe;
}

ScopedReluProbe::~ScopedReluProbe() { installed_probe = previous_; }

}  // namespace hwnas
