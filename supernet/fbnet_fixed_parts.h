#pragma once
// The fixed parts of an FBNet network around its 22 searchable layers: stem, head conv, global
// pool and classifier. The supernet and the profiler (hwnas_profile) both build them from here, so
// the LUT entries a user measures (HW-NAS-Bench keys ConvNorm_*, AvgP_*, FC_*) time exactly the
// code the network runs.
#include <torch/nn/functional/pooling.h>
#include <torch/nn/modules/linear.h>

#include "costmodels/fbnet_macro.h"
#include "supernet/candidate_ops.h"

namespace hwnas {

// 3x3 conv 3 -> 16 (stride 1, or 2 on ImageNet) + BN + ReLU: key fbnet_stem_key(macro).
inline ConvBn make_fbnet_stem(const FbnetMacro& m) {
  return ConvBn(ConvBnOptions(3, m.stem_channels, 3).stride(m.stem_stride).padding(1));
}

// 1x1 conv 352 -> 1504 (1984 on ImageNet) + BN + ReLU: key fbnet_head_key(macro).
inline ConvBn make_fbnet_head(const FbnetMacro& m) {
  return ConvBn(ConvBnOptions(m.layers.back().cout, m.head_channels, 1));
}

// Global average pool to [N, C]: key fbnet_pool_key(macro) (NB201 ends with the same pool).
inline torch::Tensor global_avg_pool(const torch::Tensor& x) {
  return torch::nn::functional::adaptive_avg_pool2d(
             x, torch::nn::functional::AdaptiveAvgPool2dFuncOptions({1, 1}))
      .flatten(1);
}

// Linear head_channels -> classes: key fbnet_fc_key(macro).
inline torch::nn::Linear make_fbnet_classifier(const FbnetMacro& m) {
  return torch::nn::Linear(m.head_channels, m.num_classes);
}

}  // namespace hwnas
