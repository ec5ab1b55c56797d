#pragma once
// Training-free ("zero-cost") proxies: scores of a network at initialisation that rank
// architectures without training them. Higher is better for every proxy. Each is computed as in
// its paper (and the reference code the NAS-Bench-Suite-Zero figures come from); deviations are
// stated at the proxy.
//
//   params     parameter count, NB201 API conventions (costmodels/complexity.h)
//   flops      multiply-accumulates of one image, same conventions
//   grad_norm  sum over conv/linear layers of ||dL/dW||_2 (Abdelfattah et al., ICLR 2021,
//              "Zero-Cost Proxies for Lightweight NAS"), cross-entropy L of one batch
//   snip       sum over conv/linear weights of |W * dL/dW| (Lee et al., ICLR 2019, as a proxy
//              in Abdelfattah et al. 2021)
//   synflow    sum over conv/linear weights of |W * dR/dW|, R = sum of the outputs of the net with
//              every parameter replaced by its absolute value, on one all-ones image, in double
//              precision, BatchNorm off (Tanaka et al., NeurIPS 2020; Abdelfattah et al. 2021).
//              Deviation: BatchNorm is "off" by running it in eval mode with its fresh statistics
//              (mean 0, variance 1, weight 1, bias 0), i.e. a scale of 1/sqrt(1 + 1e-5) per BN
//              instead of removing the layer: the score changes by under 0.01 % per 100 BNs.
//   jacov      -sum_i [log(l_i + k) + 1 / (l_i + k)], k = 1e-5, l_i the eigenvalues of the
//              correlation matrix of the per-image input gradients of the summed outputs of one
//              batch (Mellor et al. 2020, "Neural Architecture Search without Training" v1)
//   naswot     log |det K|, K = sum over the ReLUs of c c^T + (1 - c)(1 - c)^T, c the binary
//              activation codes (input > 0) of one batch's images (Mellor et al., ICML 2021)
//   zico       sum over conv/linear layers of log( sum_w mean_b |g_w| / std_b g_w ), g the
//              weight gradients of the cross-entropy of each of >= 2 batches, over the weights
//              whose std is not 0; a layer whose sum is 0 adds nothing (Li et al., ICLR 2023,
//              "ZiCo: Zero-shot NAS via Inverse Coefficient of Variation on Gradients"). With one
//              batch it is split in two halves, as ZiCo's code does.
//
// Every network proxy runs the network in training mode (batch statistics), as the reference
// code does, except synflow (above). A score that cannot be computed (a singular kernel, a
// gradient that is NaN) is NaN.
#include <torch/nn/module.h>

#include <functional>
#include <vector>

#include "search/zero_cost/proxy_kind.h"

namespace hwnas {

using NetForward = std::function<torch::Tensor(const torch::Tensor& images)>;

struct ProxyBatch {
  torch::Tensor images;  // [B, 3, H, W] normalised
  torch::Tensor labels;  // [B] int64
};

// The weights the gradient proxies read: every Conv2d and Linear weight of `net`, in module order.
std::vector<torch::Tensor> prunable_weights(torch::nn::Module& net);

// The network proxies of one freshly initialised net, sharing its passes: one forward of batch 0
// (train mode) serves naswot, jacov and the cross-entropy whose gradients serve grad_norm, snip
// and zico's first batch; the other batches serve zico; synflow runs on `synflow_net`, a second
// net with the same initial weights (it is modified: absolute values, double precision).
// `wanted` may hold params/flops, which are skipped (NaN: the caller has them from the arch).
std::vector<double> network_proxy_scores(const std::vector<Proxy>& wanted, torch::nn::Module& net,
                                         const NetForward& forward,
                                         const std::vector<ProxyBatch>& batches,
                                         torch::nn::Module* synflow_net,
                                         const NetForward& synflow_forward);

}  // namespace hwnas
