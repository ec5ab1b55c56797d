// CostModel::expected_cost, the differentiable part of the cost library, kept in one translation
// unit so that only it pays for the ATen headers and only its callers link LibTorch.
#include <ATen/ATen.h>

#include "core/error.h"
#include "costmodels/cost_model.h"

namespace hwnas {

namespace {

void check_matrix(const at::Tensor& probs, const CostStructure& form, Space space) {
  if (!probs.defined() || probs.dim() != 2 || probs.size(0) != form.num_decisions ||
      probs.size(1) != form.num_choices || !at::isFloatingType(probs.scalar_type())) {
    throw InputError("expected_cost over " + to_string(space) + ": the probability matrix must be "
                     "a 2-D floating tensor of shape [" + std::to_string(form.num_decisions) +
                     ", " + std::to_string(form.num_choices) + "]");
  }
}

void check_probs(const std::vector<at::Tensor>& probs, const CostStructure& form, Space space) {
  const std::string name = to_string(space);
  if (static_cast<int>(probs.size()) != form.num_decisions) {
    throw InputError("expected_cost over " + name + " needs " + std::to_string(form.num_decisions) +
                     " probability vectors, got " + std::to_string(probs.size()));
  }
  for (size_t d = 0; d < probs.size(); ++d) {
    const at::Tensor& p = probs[d];
    if (!p.defined() || p.dim() != 1 || p.size(0) != form.num_choices ||
        !at::isFloatingType(p.scalar_type())) {
      throw InputError("expected_cost over " + name + ": probability vector " + std::to_string(d) +
                       " must be a 1-D floating tensor of " + std::to_string(form.num_choices) +
                       " values");
    }
  }
}

// A private copy in the probabilities' dtype and device: autograd may keep it for the backward
// pass, so it must not alias the model's memory.
at::Tensor table_tensor(const double* values, at::IntArrayRef shape, const at::Tensor& like) {
  return at::from_blob(const_cast<double*>(values), shape, at::kDouble)
      .to(like.options(), /*non_blocking=*/false, /*copy=*/true);
}

}  // namespace

at::Tensor CostModel::expected_cost(const at::Tensor& probs) const {
  const CostStructure form = structure();
  check_matrix(probs, form, space());
  if (form.kind == CostStructure::Kind::Additive) {
    // Exact for independent decisions: the cost is a sum of per-decision terms.
    const at::Tensor c = table_tensor(form.values, {form.num_decisions * form.num_choices}, probs);
    return at::dot(probs.reshape({-1}), c) + form.fixed;
  }
  return expected_cost(probs.unbind(0));
}

at::Tensor CostModel::expected_cost(const std::vector<at::Tensor>& probs) const {
  const CostStructure form = structure();
  check_probs(probs, form, space());
  if (form.kind == CostStructure::Kind::Additive) return expected_cost(at::stack(probs));
  // Tabular: decision 0 is the most significant digit of the code, so contracting the leading
  // axis decision by decision gives sum over all archs of prod_d p_d[a_d] * cost(a).
  int64_t size = 1;
  for (int d = 0; d < form.num_decisions; ++d) size *= form.num_choices;
  at::Tensor x = table_tensor(form.values, {size}, probs[0]);
  for (const at::Tensor& p : probs) x = at::matmul(p, x.view({form.num_choices, -1}));
  return x.reshape({}) + form.fixed;
}

}  // namespace hwnas
