#pragma once
// FBNet supernet layers whose conv candidates share one set of weights (supernet.weights: shared),
// as in Single-Path NAS and Once-for-All: a k x k depthwise kernel is the centre of the layer's
// largest, expansion e uses the first e * Cin channels of the largest expansion, and a g-group
// 1x1 conv uses the block diagonal of the dense weights, with each mid channel's depthwise filter
// and project column following it through the channel shuffle (so a grouped op is the dense op
// with connections removed, every mid channel computing the same thing). Why: with a separate module per
// candidate, a path sampled uniformly per step meets independently initialised successors whose
// channels mean something else each time, and the supernet stays at chance. Sharing fixes that
// only where candidates differ by kernel size; across expansions and groups a uniform path still
// stays at chance (measured in experiments/supernet_learning), so this is a base for
// progressive shrinking, not a fix by itself. Each candidate keeps its own BatchNorms (their
// statistics differ by op). The skip op keeps its own weights. Child nets are unaffected: they
// are built from FbnetConvBlock, the same computation with weights of their own.
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <ostream>
#include <vector>

#include "costmodels/fbnet_macro.h"
#include "costmodels/space.h"

namespace hwnas {

// The largest expand, depthwise and project weights over a layer's conv candidates.
class FbnetSuperkernelImpl : public torch::nn::Module {
 public:
  explicit FbnetSuperkernelImpl(const FbnetLayerShape& shape);
  void pretty_print(std::ostream& stream) const override;

  const FbnetLayerShape& shape() const { return shape_; }
  int max_kernel() const { return max_kernel_; }
  torch::Tensor expand;     // [Cin * Emax, Cin, 1, 1]
  torch::Tensor depthwise;  // [Cin * Emax, 1, Kmax, Kmax]
  torch::Tensor project;    // [Cout, Cin * Emax, 1, 1]

 private:
  FbnetLayerShape shape_;
  int max_kernel_ = 0;
};
TORCH_MODULE(FbnetSuperkernel);

// One conv candidate (kernel, expansion, groups) computed from its layer's superkernel: the
// computation of FbnetConvBlock. The superkernel is the MixedOp's module, not this one's, so
// that every parameter is listed (and stepped) once.
class FbnetSharedConvBlockImpl : public torch::nn::Module {
 public:
  FbnetSharedConvBlockImpl(FbnetSuperkernel superkernel, const FbnetCandidate& candidate);
  torch::Tensor forward(const torch::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

 private:
  FbnetSuperkernel superkernel_;
  FbnetCandidate candidate_;
  bool residual_;
  torch::nn::BatchNorm2d expand_bn_{nullptr};
  torch::nn::BatchNorm2d depthwise_bn_{nullptr};
  torch::nn::BatchNorm2d project_bn_{nullptr};
  // Grouped ops: shuffled_channel_order of the mid channels, built once (not a buffer: it is
  // derived from the shape, so checkpoints need not carry it).
  torch::Tensor shuffle_order_;
};
TORCH_MODULE(FbnetSharedConvBlock);

// channel_shuffle(x, g) puts channel order[j] of x at position j (order: [channels] int64).
torch::Tensor shuffled_channel_order(int64_t channels, int groups);

// The weights of a g-group 1x1 conv taken from dense [O, I, 1, 1] ones: output block j reads input
// block j, so the result is [O, I / g, 1, 1] (g = 1: the tensor itself).
torch::Tensor block_diagonal_weights(const torch::Tensor& dense, int groups);

}  // namespace hwnas
