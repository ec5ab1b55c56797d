#pragma once
// Supernets over the FBNet and NAS-Bench-201 spaces. Every searchable slot (FBNet: 22 layers;
// NB201: 6 edges, shared by all 15 cells) is a MixedOp whose candidates are the space's ops in
// the tables' index order. How the slots compute is set by the search before each forward
// (PathSelection): one op per slot (ProxylessNAS weight steps, evaluation of the argmax arch),
// weights over all candidates (FBNet-DNAS / DARTS-like), or binary gates over a few candidates
// (ProxylessNAS architecture steps). A child net is the same class with `fixed_arch` set: only the
// chosen ops are built, from the same block code.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <optional>

#include "costmodels/fbnet_macro.h"
#include "costmodels/space.h"

namespace hwnas {

struct PathSelection {
  enum class Mode { Single, Weighted, Gated };
  Mode mode = Mode::Single;
  std::vector<int> single;  // Single: the op of each slot
  torch::Tensor weights;    // Weighted: [slots, choices], or [batch, slots, choices] per example
  std::vector<std::vector<int>> gated_paths;  // Gated: the candidates computed in each slot
  torch::Tensor gates;  // Gated: [slots, choices] binary values that require grad
  std::vector<int> active;  // Gated: the candidate whose gate is 1 in each slot
};

class MixedOpImpl : public torch::nn::Module {
 public:
  // `ops[i]` is the global op index of candidates[i] (all choices in a supernet, one in a child).
  // `shared`: weights the candidates compute from (FbnetSuperkernel), registered here once.
  MixedOpImpl(int slot, std::vector<int> ops, std::vector<torch::nn::AnyModule> candidates,
              std::shared_ptr<const PathSelection> selection,
              std::shared_ptr<torch::nn::Module> shared = nullptr);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor run(int op, const torch::Tensor& x);

  int slot_;
  std::vector<int> ops_;
  std::vector<torch::nn::AnyModule> candidates_;
  std::shared_ptr<const PathSelection> selection_;
};
TORCH_MODULE(MixedOp);

struct SupernetOptions {
  Space space = Space::FBNet;
  FbnetSetting fbnet_setting = FbnetSetting::Cifar10;  // fixes input size and classes for FBNet
  int num_classes = 10;                                // NB201 (FBNet takes its setting's)
  std::optional<Arch> fixed_arch;                      // set: a child net of this arch
  int nb201_channels = 16;
  int nb201_cells_per_stage = 5;
  // FBNet supernets: conv candidates of a layer share one superkernel (fbnet_shared_weights.h).
  bool fbnet_shared_weights = false;
};

class SupernetImpl : public torch::nn::Module {
 public:
  explicit SupernetImpl(const SupernetOptions& options);

  torch::Tensor forward(const torch::Tensor& images);

  const SupernetOptions& options() const { return options_; }
  int num_slots() const;
  int num_choices() const;
  bool is_child() const { return options_.fixed_arch.has_value(); }

  // Architecture logits [slots, choices] (a supernet only) and every other parameter: the two
  // lists the two optimizers train.
  torch::Tensor alphas() const { return alphas_; }
  std::vector<torch::Tensor> weight_parameters() const;

  // How the slots compute in the next forward passes (see PathSelection).
  const PathSelection& selection() const { return *selection_; }
  // One op per slot; drops the tensors of a weighted or gated selection.
  void select_single(const std::vector<int>& ops);
  // Weights [slots, choices], or [batch, slots, choices] per example, over all candidates.
  void select_weighted(torch::Tensor weights);
  // In each slot the sum over `paths[slot]` of gates[slot][op] * op(x), where `gates` is 1 for
  // `active[slot]` and 0 for the others and may require grad. The candidates whose gate is 0 run
  // without autograd: their output reaches the loss only through its gate, so the gradient that
  // would flow back through them is exactly zero, and skipping it is exact.
  void select_gated(std::vector<std::vector<int>> paths, torch::Tensor gates, std::vector<int> active);
  Arch argmax_arch() const;

  // Channels-last (NHWC) memory for every 4-D weight and for the input of forward(): CPU
  // convolutions (oneDNN) and BatchNorm run faster on it (README "Figures"). The same values, other
  // floating-point order. Call after to(device), before the optimizers are built.
  void use_channels_last();
  bool channels_last() const { return channels_last_; }

 private:
  torch::Tensor forward_fbnet(const torch::Tensor& x);
  torch::Tensor forward_nb201(const torch::Tensor& x);
  MixedOp make_slot(int slot, const std::function<torch::nn::AnyModule(int op)>& make_op,
                    std::shared_ptr<torch::nn::Module> shared = nullptr);
  void build_fbnet();
  void build_nb201();

  SupernetOptions options_;
  std::shared_ptr<PathSelection> selection_ = std::make_shared<PathSelection>();
  torch::Tensor alphas_;
  torch::nn::AnyModule stem_;
  torch::nn::ModuleList body_{nullptr};  // FBNet: 22 MixedOps; NB201: cells and reductions
  std::vector<std::vector<MixedOp>> cells_;  // NB201: the 6 MixedOps of each cell
  std::vector<int> reduction_before_;        // NB201: cell indices preceded by a reduction
  torch::nn::AnyModule head_;
  torch::nn::Linear classifier_{nullptr};
  bool channels_last_ = false;
};
TORCH_MODULE(Supernet);

}  // namespace hwnas
