#include "supernet/candidate_ops.h"

#include <torch/nn/functional/activation.h>

namespace hwnas {

namespace {

torch::nn::Conv2d conv(int cin, int cout, int kernel, int stride, int padding, int groups) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(cin, cout, kernel)
                               .stride(stride)
                               .padding(padding)
                               .groups(groups)
                               .bias(false));
}

// ShuffleNet channel shuffle: [B, g, C/g, H, W] -> transpose -> [B, C, H, W].
torch::Tensor channel_shuffle(const torch::Tensor& x, int groups) {
  const auto b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  return x.view({b, groups, c / groups, h, w}).transpose(1, 2).contiguous().view({b, c, h, w});
}

}  // namespace

ConvBnReluImpl::ConvBnReluImpl(int cin, int cout, int kernel, int stride, int padding, int groups,
                               bool relu)
    : relu_(relu) {
  conv_ = register_module("conv", conv(cin, cout, kernel, stride, padding, groups));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(cout));
}

torch::Tensor ConvBnReluImpl::forward(const torch::Tensor& x) {
  auto y = bn_->forward(conv_->forward(x));
  return relu_ ? torch::relu(y) : y;
}

FbnetConvBlockImpl::FbnetConvBlockImpl(const FbnetLayerShape& s, const FbnetCandidate& c)
    : groups_(c.group), residual_(s.cin == s.cout && s.stride == 1) {
  const int mid = s.cin * c.expansion;
  // HW-NAS-Bench's padding: ceil((k - 1 + 1 - s) / 2).
  const int padding = (c.kernel - s.stride + 1) / 2;
  expand_ = register_module("expand", ConvBnRelu(s.cin, mid, 1, 1, 0, c.group, /*relu=*/true));
  depthwise_ = register_module(
      "depthwise", ConvBnRelu(mid, mid, c.kernel, s.stride, padding, /*groups=*/mid, /*relu=*/true));
  project_ = register_module("project", ConvBnRelu(mid, s.cout, 1, 1, 0, c.group, /*relu=*/false));
}

torch::Tensor FbnetConvBlockImpl::forward(const torch::Tensor& x) {
  auto y = expand_->forward(x);
  if (groups_ > 1) y = channel_shuffle(y, groups_);
  y = project_->forward(depthwise_->forward(y));
  return residual_ ? y + x : y;
}

FbnetSkipImpl::FbnetSkipImpl(const FbnetLayerShape& s) {
  if (s.stride != 1 || s.cin != s.cout) {
    conv_ = register_module("conv", ConvBnRelu(s.cin, s.cout, 1, s.stride, 0, 1, /*relu=*/true));
  }
}

torch::Tensor FbnetSkipImpl::forward(const torch::Tensor& x) {
  return conv_ ? conv_->forward(x) : x;
}

torch::nn::AnyModule make_fbnet_candidate(int op, const FbnetLayerShape& shape) {
  const FbnetCandidate& c = kFbnetCandidates.at(op);
  if (c.skip) return torch::nn::AnyModule(FbnetSkip(shape));
  return torch::nn::AnyModule(FbnetConvBlock(shape, c));
}

ReluConvBnImpl::ReluConvBnImpl(int cin, int cout, int kernel, int stride, int padding) {
  conv_ = register_module("conv", conv(cin, cout, kernel, stride, padding, 1));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(cout));
}

torch::Tensor ReluConvBnImpl::forward(const torch::Tensor& x) {
  return bn_->forward(conv_->forward(torch::relu(x)));
}

Nb201AvgPoolImpl::Nb201AvgPoolImpl() {
  pool_ = register_module(
      "pool",
      torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(3).stride(1).padding(1).count_include_pad(false)));
}

torch::nn::AnyModule make_nb201_op(int op, int channels) {
  switch (op) {
    case kNone: return torch::nn::AnyModule(Nb201Zero());
    case kSkipConnect: return torch::nn::AnyModule(Nb201Identity());
    case kNorConv1x1: return torch::nn::AnyModule(ReluConvBn(channels, channels, 1, 1, 0));
    case kNorConv3x3: return torch::nn::AnyModule(ReluConvBn(channels, channels, 3, 1, 1));
    default: return torch::nn::AnyModule(Nb201AvgPool());
  }
}

BnReluImpl::BnReluImpl(int channels) {
  bn_ = register_module("bn", torch::nn::BatchNorm2d(channels));
}

torch::Tensor BnReluImpl::forward(const torch::Tensor& x) { return torch::relu(bn_->forward(x)); }

Nb201ReductionImpl::Nb201ReductionImpl(int cin, int cout) {
  conv_a_ = register_module("conv_a", ReluConvBn(cin, cout, 3, 2, 1));
  conv_b_ = register_module("conv_b", ReluConvBn(cout, cout, 3, 1, 1));
  shortcut_pool_ = register_module("shortcut_pool",
                                   torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(2).stride(2)));
  shortcut_conv_ = register_module("shortcut_conv", conv(cin, cout, 1, 1, 0, 1));
}

torch::Tensor Nb201ReductionImpl::forward(const torch::Tensor& x) {
  return conv_b_->forward(conv_a_->forward(x)) +
         shortcut_conv_->forward(shortcut_pool_->forward(x));
}

}  // namespace hwnas
