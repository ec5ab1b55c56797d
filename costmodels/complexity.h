#pragma once
// FLOPs and parameter counts, following the NAS-Bench-201 API's conventions (xautodl
// get_model_infos as published in the NB201 cost tables), applied to both spaces:
//  - FLOPs = multiply-accumulates of Conv2d (k*k*Cin*Cout/groups per output position) and
//    Linear (in*out + out for the bias); pooling, BatchNorm, ReLU, additions, channel shuffle and
//    identity/zero ops count 0. Reported in millions (MFLOPs) for one 32x32 (or 224x224) image.
//  - Params = every learnable tensor: conv weights (no conv bias), BatchNorm weight and bias,
//    Linear weight and bias. Reported in millions.
// Checked against all 12,554 published NB201 cifar10 FLOPs values (tests pin a sample).
#include "costmodels/fbnet_macro.h"
#include "costmodels/space.h"

namespace hwnas {

struct Complexity {
  double mflops = 0;
  double mparams = 0;
};

Complexity fbnet_complexity(const Arch& arch, FbnetSetting setting);
// NAS-Bench-201 TinyNetwork, C=16, N=5, 32x32 input.
Complexity nb201_complexity(const Arch& arch, int num_classes = 10);

}  // namespace hwnas
