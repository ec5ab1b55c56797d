#include "supernet/supernet.h"

#include "core/error.h"
#include "supernet/candidate_ops.h"
#include "supernet/fbnet_fixed_parts.h"
#include "supernet/fbnet_shared_weights.h"

namespace hwnas {

MixedOpImpl::MixedOpImpl(int slot, std::vector<int> ops,
                         std::vector<torch::nn::AnyModule> candidates,
                         std::shared_ptr<const PathSelection> selection,
                         std::shared_ptr<torch::nn::Module> shared)
    : slot_(slot), ops_(std::move(ops)), candidates_(std::move(candidates)),
      selection_(std::move(selection)) {
  if (shared) register_module("shared", std::move(shared));
  for (size_t i = 0; i < candidates_.size(); ++i) {
    register_module("op" + std::to_string(ops_[i]), candidates_[i].ptr());
  }
}

torch::Tensor MixedOpImpl::run(int op, const torch::Tensor& x) {
  for (size_t i = 0; i < ops_.size(); ++i) {
    if (ops_[i] == op) return candidates_[i].forward(x);
  }
  throw InputError("slot " + std::to_string(slot_) + " has no candidate " + std::to_string(op) +
                   " (a child net computes only its own ops)");
}

torch::Tensor MixedOpImpl::forward(const torch::Tensor& x) {
  if (candidates_.size() == 1) return candidates_[0].forward(x);  // child net
  const PathSelection& s = *selection_;
  switch (s.mode) {
    case PathSelection::Mode::Single:
      return run(s.single.at(slot_), x);
    case PathSelection::Mode::Gated: {
      torch::Tensor out;
      for (int op : s.gated_paths.at(slot_)) {
        torch::Tensor o;
        if (op == s.active.at(slot_)) {
          o = run(op, x);
        } else {
          torch::NoGradGuard gate_zero;  // see select_gated
          o = run(op, x);
        }
        auto y = s.gates[slot_][op] * o;
        out = out.defined() ? out + y : y;
      }
      return out;
    }
    case PathSelection::Mode::Weighted: {
      torch::Tensor out;
      const bool per_example = s.weights.dim() == 3;
      for (int op : ops_) {
        const auto w = per_example ? s.weights.select(1, slot_).select(1, op).view({-1, 1, 1, 1})
                                   : s.weights[slot_][op];
        auto y = w * run(op, x);
        out = out.defined() ? out + y : y;
      }
      return out;
    }
  }
  return x;
}

SupernetImpl::SupernetImpl(const SupernetOptions& options) : options_(options) {
  if (options_.fixed_arch) {
    if (options_.fixed_arch->space != options_.space) {
      throw InputError("child net: the architecture is not of the " + to_string(options_.space) +
                       " space");
    }
    validate(*options_.fixed_arch);
    selection_->single = options_.fixed_arch->ops;
  } else {
    alphas_ = register_parameter("alphas", torch::zeros({num_slots(), num_choices()}));
    selection_->single.assign(num_slots(), 0);
  }
  if (options_.space == Space::FBNet) {
    build_fbnet();
  } else {
    build_nb201();
  }
}

int SupernetImpl::num_slots() const { return search_space(options_.space).num_decisions; }
int SupernetImpl::num_choices() const { return search_space(options_.space).num_choices; }

MixedOp SupernetImpl::make_slot(int slot,
                                const std::function<torch::nn::AnyModule(int op)>& make_op,
                                std::shared_ptr<torch::nn::Module> shared) {
  std::vector<int> ops;
  if (options_.fixed_arch) {
    ops = {options_.fixed_arch->ops[slot]};
  } else {
    for (int op = 0; op < num_choices(); ++op) ops.push_back(op);
  }
  std::vector<torch::nn::AnyModule> candidates;
  for (int op : ops) candidates.push_back(make_op(op));
  return MixedOp(slot, ops, std::move(candidates), selection_, std::move(shared));
}

void SupernetImpl::build_fbnet() {
  const FbnetMacro& m = fbnet_macro(options_.fbnet_setting);
  options_.num_classes = m.num_classes;
  stem_ = torch::nn::AnyModule(register_module("stem", make_fbnet_stem(m)));
  body_ = register_module("body", torch::nn::ModuleList());
  const bool shared = options_.fbnet_shared_weights && !options_.fixed_arch;
  for (int l = 0; l < kFbnetLayers; ++l) {
    if (!shared) {
      body_->push_back(make_slot(l, [&](int op) { return make_fbnet_candidate(op, m.layers[l]); }));
      continue;
    }
    FbnetSuperkernel superkernel(m.layers[l]);
    body_->push_back(make_slot(
        l,
        [&](int op) {
          const FbnetCandidate& c = kFbnetCandidates.at(op);
          return c.skip ? make_fbnet_candidate(op, m.layers[l])
                        : torch::nn::AnyModule(FbnetSharedConvBlock(superkernel, c));
        },
        superkernel.ptr()));
  }
  head_ = torch::nn::AnyModule(register_module("head", make_fbnet_head(m)));
  classifier_ = register_module("classifier", make_fbnet_classifier(m));
}

void SupernetImpl::build_nb201() {
  int c = options_.nb201_channels;
  stem_ = torch::nn::AnyModule(
      register_module("stem", ConvBn(ConvBnOptions(3, c, 3).padding(1).relu(ConvBnOptions::Relu::None))));
  body_ = register_module("body", torch::nn::ModuleList());
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      body_->push_back(Nb201Reduction(c, 2 * c));
      c *= 2;
      reduction_before_.push_back(static_cast<int>(cells_.size()));
    }
    for (int cell = 0; cell < options_.nb201_cells_per_stage; ++cell) {
      std::vector<MixedOp> edges;
      auto holder = torch::nn::ModuleList();
      for (int e = 0; e < kNb201Edges; ++e) {
        edges.push_back(make_slot(e, [c](int op) { return make_nb201_op(op, c); }));
        holder->push_back(edges.back());
      }
      body_->push_back(holder);
      cells_.push_back(std::move(edges));
    }
  }
  head_ = torch::nn::AnyModule(register_module("lastact", BnRelu(c)));
  classifier_ = register_module("classifier", torch::nn::Linear(c, options_.num_classes));
}

void SupernetImpl::use_channels_last() {
  torch::NoGradGuard no_grad;
  for (auto& p : parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  }
  channels_last_ = true;
}

torch::Tensor SupernetImpl::forward(const torch::Tensor& input) {
  const torch::Tensor images =
      channels_last_ ? input.contiguous(torch::MemoryFormat::ChannelsLast) : input;
  auto x = options_.space == Space::FBNet ? forward_fbnet(stem_.forward(images))
                                          : forward_nb201(stem_.forward(images));
  return classifier_->forward(global_avg_pool(head_.forward(x)));
}

torch::Tensor SupernetImpl::forward_fbnet(const torch::Tensor& x) {
  torch::Tensor y = x;
  for (const auto& layer : *body_) y = layer->as<MixedOp>()->forward(y);
  return y;
}

torch::Tensor SupernetImpl::forward_nb201(const torch::Tensor& x) {
  torch::Tensor y = x;
  size_t reduction = 0;
  size_t module = 0;
  for (size_t cell = 0; cell < cells_.size(); ++cell) {
    if (reduction < reduction_before_.size() &&
        reduction_before_[reduction] == static_cast<int>(cell)) {
      y = (*body_)[module++]->as<Nb201Reduction>()->forward(y);
      ++reduction;
    }
    ++module;  // the cell's holder
    auto& e = cells_[cell];
    const auto n1 = e[0]->forward(y);
    const auto n2 = e[1]->forward(y) + e[2]->forward(n1);
    y = e[3]->forward(y) + e[4]->forward(n1) + e[5]->forward(n2);
  }
  return y;
}

std::vector<torch::Tensor> SupernetImpl::weight_parameters() const {
  std::vector<torch::Tensor> weights;
  for (const auto& p : named_parameters()) {
    if (p.key() != "alphas") weights.push_back(p.value());
  }
  return weights;
}

void SupernetImpl::select_single(const std::vector<int>& ops) {
  if (static_cast<int>(ops.size()) != num_slots()) {
    throw InputError("select_single: " + std::to_string(ops.size()) + " ops for " +
                     std::to_string(num_slots()) + " slots");
  }
  selection_->mode = PathSelection::Mode::Single;
  selection_->single = ops;
  selection_->weights = torch::Tensor();
  selection_->gates = torch::Tensor();
  selection_->gated_paths.clear();
}

void SupernetImpl::select_weighted(torch::Tensor weights) {
  selection_->mode = PathSelection::Mode::Weighted;
  selection_->weights = std::move(weights);
  selection_->gates = torch::Tensor();
  selection_->gated_paths.clear();
}

void SupernetImpl::select_gated(std::vector<std::vector<int>> paths, torch::Tensor gates,
                                std::vector<int> active) {
  if (static_cast<int>(paths.size()) != num_slots() || active.size() != paths.size()) {
    throw InputError("select_gated: paths and active ops for " + std::to_string(num_slots()) + " slots expected");
  }
  selection_->mode = PathSelection::Mode::Gated;
  selection_->gated_paths = std::move(paths);
  selection_->gates = std::move(gates);
  selection_->active = std::move(active);
  selection_->weights = torch::Tensor();
}

Arch SupernetImpl::argmax_arch() const {
  if (is_child()) return *options_.fixed_arch;
  const auto best = alphas_.detach().argmax(1).to(torch::kCPU);
  Arch arch{options_.space, std::vector<int>(num_slots())};
  for (int s = 0; s < num_slots(); ++s) arch.ops[s] = static_cast<int>(best[s].item<int64_t>());
  return arch;
}

}  // namespace hwnas
