#include "supernet/fbnet_shared_weights.h"

#include <torch/nn/functional/conv.h>
#include <torch/nn/init.h>

#include <algorithm>
#include <cmath>

#include "supernet/candidate_ops.h"

namespace hwnas {

namespace {

// LibTorch's Conv2d default initialisation (kaiming uniform, a = sqrt(5)), so that a shared
// layer starts at the scale of the separate modules it replaces.
torch::Tensor conv_weights(std::vector<int64_t> shape) {
  auto w = torch::empty(shape);
  torch::nn::init::kaiming_uniform_(w, std::sqrt(5.0));
  return w;
}

}  // namespace

FbnetSuperkernelImpl::FbnetSuperkernelImpl(const FbnetLayerShape& s) : shape_(s) {
  int max_expansion = 0;
  for (const auto& c : kFbnetCandidates) {
    if (c.skip) continue;
    max_expansion = std::max(max_expansion, c.expansion);
    max_kernel_ = std::max(max_kernel_, c.kernel);
  }
  const int mid = s.cin * max_expansion;
  expand = register_parameter("expand", conv_weights({mid, s.cin, 1, 1}));
  depthwise = register_parameter("depthwise", conv_weights({mid, 1, max_kernel_, max_kernel_}));
  project = register_parameter("project", conv_weights({s.cout, mid, 1, 1}));
}

void FbnetSuperkernelImpl::pretty_print(std::ostream& stream) const {
  stream << "hwnas::FbnetSuperkernel(" << shape_.cin << " -> " << shape_.cout << ", expand "
         << expand.size(0) << ", kernel " << max_kernel_ << ")";
}

torch::Tensor shuffled_channel_order(int64_t channels, int groups) {
  auto order = torch::empty({channels}, torch::kLong);
  auto* o = order.data_ptr<int64_t>();
  for (int64_t j = 0; j < channels; ++j) o[j] = (j % groups) * (channels / groups) + j / groups;
  return order;
}

torch::Tensor block_diagonal_weights(const torch::Tensor& dense, int groups) {
  if (groups == 1) return dense;
  const int64_t out = dense.size(0) / groups, in = dense.size(1) / groups;
  std::vector<torch::Tensor> blocks;
  for (int g = 0; g < groups; ++g) {
    blocks.push_back(dense.slice(0, g * out, (g + 1) * out).slice(1, g * in, (g + 1) * in));
  }
  return torch::cat(blocks, 0);
}

FbnetSharedConvBlockImpl::FbnetSharedConvBlockImpl(FbnetSuperkernel superkernel,
                                                   const FbnetCandidate& c)
    : superkernel_(std::move(superkernel)), candidate_(c) {
  const FbnetLayerShape& s = superkernel_->shape();
  residual_ = fbnet_keeps_shape(s);
  const int mid = s.cin * c.expansion;
  expand_bn_ = register_module("expand_bn", torch::nn::BatchNorm2d(mid));
  depthwise_bn_ = register_module("depthwise_bn", torch::nn::BatchNorm2d(mid));
  project_bn_ = register_module("project_bn", torch::nn::BatchNorm2d(s.cout));
  if (c.group > 1) shuffle_order_ = shuffled_channel_order(mid, c.group);
}

torch::Tensor FbnetSharedConvBlockImpl::forward(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  const FbnetLayerShape& s = superkernel_->shape();
  const FbnetCandidate& c = candidate_;
  const int mid = s.cin * c.expansion;
  const int crop = (superkernel_->max_kernel() - c.kernel) / 2;
  const auto expand = block_diagonal_weights(superkernel_->expand.slice(0, 0, mid), c.group);
  auto depthwise = superkernel_->depthwise.slice(0, 0, mid).slice(2, crop, crop + c.kernel).slice(3, crop, crop + c.kernel);
  auto project = superkernel_->project.slice(1, 0, mid);
  if (c.group > 1) {
    // After the shuffle, position j holds expand channel order[j]: its depthwise filter and its
    // project column follow it, so every mid channel computes what it does in the dense op.
    if (shuffle_order_.device() != depthwise.device()) shuffle_order_ = shuffle_order_.to(depthwise.device());
    depthwise = depthwise.index_select(0, shuffle_order_);
    project = project.index_select(1, shuffle_order_);
  }
  project = block_diagonal_weights(project, c.group);
  auto y = torch::relu(expand_bn_->forward(F::conv2d(x, expand, F::Conv2dFuncOptions().groups(c.group))));
  if (c.group > 1) y = channel_shuffle(y, c.group);
  const int padding = fbnet_depthwise_padding(c.kernel, s.stride);
  y = torch::relu(depthwise_bn_->forward(F::conv2d(
      y, depthwise, F::Conv2dFuncOptions().stride(s.stride).padding(padding).groups(mid))));
  y = project_bn_->forward(F::conv2d(y, project, F::Conv2dFuncOptions().groups(c.group)));
  return residual_ ? y + x : y;
}

void FbnetSharedConvBlockImpl::pretty_print(std::ostream& stream) const {
  const FbnetLayerShape& s = superkernel_->shape();
  stream << "hwnas::FbnetSharedConvBlock(" << s.cin << " -> " << s.cout
         << ", kernel=" << candidate_.kernel << ", expansion=" << candidate_.expansion
         << ", groups=" << candidate_.group << ", stride=" << s.stride
         << (residual_ ? ", residual" : "") << ")";
}

}  // namespace hwnas
