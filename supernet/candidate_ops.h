#pragma once
// The candidate blocks of both spaces as LibTorch modules, exactly as HW-NAS-Bench and
// NAS-Bench-201 define them (README "Conventions"). The supernet and every child net are built from these,
// so a derived architecture is the network that was searched and costed.
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/pimpl.h>

#include <ostream>

#include "costmodels/fbnet_macro.h"

namespace hwnas {

struct ConvBnOptions {
  // Where the ReLU goes: after the BN (FBNet's ConvNorm and blocks), before the conv (NAS-Bench-201's
  // ReLU-Conv-BN), or nowhere.
  enum class Relu { After, Before, None };
  ConvBnOptions(int in_channels, int out_channels, int kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  TORCH_ARG(int, in_channels);
  TORCH_ARG(int, out_channels);
  TORCH_ARG(int, kernel_size);
  TORCH_ARG(int, stride) = 1;
  TORCH_ARG(int, padding) = 0;
  TORCH_ARG(int, groups) = 1;
  TORCH_ARG(Relu, relu) = Relu::After;
};

// conv (no bias) + BN with a ReLU after, before or not at all: the FBNet stem and head
// ("ConvNorm"), the blocks' convolutions, the skip's 1x1 conv, NAS-Bench-201's nor_conv_kxk.
class ConvBnImpl : public torch::nn::Module {
 public:
  explicit ConvBnImpl(const ConvBnOptions& options);
  torch::Tensor forward(const torch::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

 private:
  ConvBnOptions options_;
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(ConvBn);

// The two rules every FBNet block follows (HW-NAS-Bench's definition), shared by the blocks with
// their own weights and the shared-weight ones (fbnet_shared_weights.h):
// a layer keeps its shape when Cin == Cout and stride 1; a ConvBlock then adds its input and a
// skip is the identity.
inline bool fbnet_keeps_shape(const FbnetLayerShape& s) { return s.cin == s.cout && s.stride == 1; }
// The depthwise conv's padding: ceil((k - 1 + 1 - s) / 2).
inline int fbnet_depthwise_padding(int kernel, int stride) { return (kernel - stride + 1) / 2; }

// FBNet ConvBlock(k, e, g): 1x1 group conv Cin->Cin*e + BN + ReLU, channel shuffle when g > 1,
// k x k depthwise conv (stride s, fbnet_depthwise_padding) + BN + ReLU, 1x1 group conv ->Cout
// + BN; the input is added when the layer keeps its shape.
class FbnetConvBlockImpl : public torch::nn::Module {
 public:
  FbnetConvBlockImpl(const FbnetLayerShape& shape, const FbnetCandidate& candidate);
  torch::Tensor forward(const torch::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

 private:
  ConvBn expand_{nullptr};
  ConvBn depthwise_{nullptr};
  ConvBn project_{nullptr};
  FbnetLayerShape shape_;
  FbnetCandidate candidate_;
  bool residual_;
};
TORCH_MODULE(FbnetConvBlock);

// FBNet skip: identity when the shape is kept, else 1x1 conv (stride s) + BN + ReLU.
class FbnetSkipImpl : public torch::nn::Module {
 public:
  explicit FbnetSkipImpl(const FbnetLayerShape& shape);
  torch::Tensor forward(const torch::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

 private:
  ConvBn conv_{nullptr};  // null for the identity
};
TORCH_MODULE(FbnetSkip);

torch::nn::AnyModule make_fbnet_candidate(int op, const FbnetLayerShape& shape);

// ShuffleNet channel shuffle of `groups` groups, in the memory format of `x`.
torch::Tensor channel_shuffle(const torch::Tensor& x, int groups);

// NAS-Bench-201: ReLU-Conv-BN (nor_conv_kxk: ConvBn with Relu::Before), avg_pool_3x3 (count_include_pad=false),
// skip_connect (identity), none (zeros); the residual reduction block between stages.

class Nb201IdentityImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x) { return x; }
  void pretty_print(std::ostream& stream) const override { stream << "hwnas::Nb201Identity"; }
};
TORCH_MODULE(Nb201Identity);

class Nb201ZeroImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x) { return x.mul(0.0); }
  void pretty_print(std::ostream& stream) const override { stream << "hwnas::Nb201Zero"; }
};
TORCH_MODULE(Nb201Zero);

class Nb201AvgPoolImpl : public torch::nn::Module {
 public:
  Nb201AvgPoolImpl();
  torch::Tensor forward(const torch::Tensor& x) { return pool_->forward(x); }
  void pretty_print(std::ostream& stream) const override { stream << "hwnas::Nb201AvgPool(3x3)"; }

 private:
  torch::nn::AvgPool2d pool_{nullptr};
};
TORCH_MODULE(Nb201AvgPool);

torch::nn::AnyModule make_nb201_op(int op, int channels);

// BN + ReLU before NB201's global pool ("lastact").
class BnReluImpl : public torch::nn::Module {
 public:
  explicit BnReluImpl(int channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(BnRelu);

// ResNet basic block with stride 2: two 3x3 ReLU-Conv-BN, shortcut avg-pool 2x2 + 1x1 conv.
class Nb201ReductionImpl : public torch::nn::Module {
 public:
  Nb201ReductionImpl(int cin, int cout);
  torch::Tensor forward(const torch::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

 private:
  ConvBn conv_a_{nullptr};
  ConvBn conv_b_{nullptr};
  torch::nn::AvgPool2d shortcut_pool_{nullptr};
  torch::nn::Conv2d shortcut_conv_{nullptr};
  int cin_, cout_;
};
TORCH_MODULE(Nb201Reduction);

}  // namespace hwnas
