#include "supernet/candidate_ops.h"

#include <torch/nn/functional/activation.h>

#include "supernet/relu_probe.h"

namespace hwnas {

namespace {

torch::nn::Conv2d conv(int cin, int cout, int kernel, int stride, int padding, int groups) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(cin, cout, kernel)
                               .stride(stride)
                               .padding(padding)
                               .groups(groups)
                               .bias(false));
}

}  // namespace

// ShuffleNet channel shuffle: [B, g, C/g, H, W] -> transpose -> [B, C, H, W], in the memory
// format of `x` (a channels-last input stays channels-last: one copy, no round trip via NCHW).
torch::Tensor channel_shuffle(const torch::Tensor& x, int groups) {
  const auto b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  if (x.is_contiguous(torch::MemoryFormat::ChannelsLast) && !x.is_contiguous()) {
    return x.permute({0, 2, 3, 1})
        .reshape({b, h, w, groups, c / groups})
        .transpose(3, 4)
        .contiguous()
        .view({b, h, w, c})
        .permute({0, 3, 1, 2});
  }
  return x.view({b, groups, c / groups, h, w}).transpose(1, 2).contiguous().view({b, c, h, w});
}

ConvBnImpl::ConvBnImpl(const ConvBnOptions& o) : options_(o) {
  conv_ = register_module(
      "conv", conv(o.in_channels(), o.out_channels(), o.kernel_size(), o.stride(), o.padding(), o.groups()));
  bn_ = register_module("bn", torch::nn::BatchNorm2d(o.out_channels()));
}

torch::Tensor ConvBnImpl::forward(const torch::Tensor& x) {
  using Relu = ConvBnOptions::Relu;
  if (options_.relu() == Relu::Before) {
    report_relu_input(x);
    return bn_->forward(conv_->forward(torch::relu(x)));
  }
  auto y = bn_->forward(conv_->forward(x));
  if (options_.relu() == Relu::None) return y;
  report_relu_input(y);
  return torch::relu(y);
}

void ConvBnImpl::pretty_print(std::ostream& stream) const {
  const auto& o = options_;
  stream << "hwnas::ConvBn(" << o.in_channels() << ", " << o.out_channels()
         << ", kernel_size=" << o.kernel_size() << ", stride=" << o.stride()
         << ", padding=" << o.padding() << ", groups=" << o.groups() << ", relu="
         << (o.relu() == ConvBnOptions::Relu::After    ? "after"
             : o.relu() == ConvBnOptions::Relu::Before ? "before"
                                                       : "none")
         << ")";
}

FbnetConvBlockImpl::FbnetConvBlockImpl(const FbnetLayerShape& s, const FbnetCandidate& c)
    : shape_(s), candidate_(c), residual_(fbnet_keeps_shape(s)) {
  const int mid = s.cin * c.expansion;
  const int padding = fbnet_depthwise_padding(c.kernel, s.stride);
  expand_ = register_module("expand", ConvBn(ConvBnOptions(s.cin, mid, 1).groups(c.group)));
  depthwise_ = register_module(
      "depthwise",
      ConvBn(ConvBnOptions(mid, mid, c.kernel).stride(s.stride).padding(padding).groups(mid)));
  project_ = register_module(
      "project", ConvBn(ConvBnOptions(mid, s.cout, 1).groups(c.group).relu(ConvBnOptions::Relu::None)));
}

torch::Tensor FbnetConvBlockImpl::forward(const torch::Tensor& x) {
  auto y = expand_->forward(x);
  if (candidate_.group > 1) y = channel_shuffle(y, candidate_.group);
  y = project_->forward(depthwise_->forward(y));
  return residual_ ? y + x : y;
}

void FbnetConvBlockImpl::pretty_print(std::ostream& stream) const {
  stream << "hwnas::FbnetConvBlock(" << shape_.cin << " -> " << shape_.cout
         << ", kernel=" << candidate_.kernel << ", expansion=" << candidate_.expansion
         << ", groups=" << candidate_.group << ", stride=" << shape_.stride
         << (residual_ ? ", residual" : "") << ")";
}

FbnetSkipImpl::FbnetSkipImpl(const FbnetLayerShape& s) {
  if (!fbnet_keeps_shape(s)) {
    conv_ = register_module("conv", ConvBn(ConvBnOptions(s.cin, s.cout, 1).stride(s.stride)));
  }
}

torch::Tensor FbnetSkipImpl::forward(const torch::Tensor& x) {
  return conv_ ? conv_->forward(x) : x;
}

void FbnetSkipImpl::pretty_print(std::ostream& stream) const {
  stream << "hwnas::FbnetSkip(" << (conv_ ? "1x1 conv" : "identity") << ")";
}

torch::nn::AnyModule make_fbnet_candidate(int op, const FbnetLayerShape& shape) {
  const FbnetCandidate& c = kFbnetCandidates.at(op);
  if (c.skip) return torch::nn::AnyModule(FbnetSkip(shape));
  return torch::nn::AnyModule(FbnetConvBlock(shape, c));
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
    case kNorConv1x1: return torch::nn::AnyModule(ConvBn(ConvBnOptions(channels, channels, 1).relu(ConvBnOptions::Relu::Before)));
    case kNorConv3x3: return torch::nn::AnyModule(ConvBn(ConvBnOptions(channels, channels, 3).padding(1).relu(ConvBnOptions::Relu::Before)));
    default: return torch::nn::AnyModule(Nb201AvgPool());
  }
}

BnReluImpl::BnReluImpl(int channels) {
  bn_ = register_module("bn", torch::nn::BatchNorm2d(channels));
}

torch::Tensor BnReluImpl::forward(const torch::Tensor& x) {
  auto y = bn_->forward(x);
  report_relu_input(y);
  return torch::relu(y);
}

Nb201ReductionImpl::Nb201ReductionImpl(int cin, int cout) : cin_(cin), cout_(cout) {
  conv_a_ = register_module("conv_a", ConvBn(ConvBnOptions(cin, cout, 3).stride(2).padding(1).relu(ConvBnOptions::Relu::Before)));
  conv_b_ = register_module("conv_b", ConvBn(ConvBnOptions(cout, cout, 3).padding(1).relu(ConvBnOptions::Relu::Before)));
  shortcut_pool_ = register_module("shortcut_pool",
                                   torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(2).stride(2)));
  shortcut_conv_ = register_module("shortcut_conv", conv(cin, cout, 1, 1, 0, 1));
}

torch::Tensor Nb201ReductionImpl::forward(const torch::Tensor& x) {
  return conv_b_->forward(conv_a_->forward(x)) +
         shortcut_conv_->forward(shortcut_pool_->forward(x));
}

void Nb201ReductionImpl::pretty_print(std::ostream& stream) const {
  stream << "hwnas::Nb201Reduction(" << cin_ << " -> " << cout_ << ", stride=2)";
}

}  // namespace hwnas
