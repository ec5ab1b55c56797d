#pragma once
// The one interface through which search and analysis read hardware costs. Implementations:
// FbnetCostModel (per-layer LUT sums) and Nb201CostModel (per-architecture table).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "costmodels/cost_key.h"
#include "costmodels/space.h"

// Forward declaration keeps torch out of this header: only code that calls expected_cost needs
// <ATen/ATen.h> (torch::Tensor is at::Tensor).
namespace at {
class Tensor;
}

namespace hwnas {

// The closed form of a cost model that expected_cost contracts with the probabilities.
struct CostStructure {
  enum class Kind {
    Additive,  // cost = fixed + sum_d values[d * num_choices + a_d]   (FBNet LUT, fitted tables)
    Tabular,   // cost = values[code(a)], all num_choices^num_decisions (NB201, code: nb201_code)
  };
  Kind kind = Kind::Additive;
  int num_decisions = 0;
  int num_choices = 0;
  double fixed = 0;
  const double* values = nullptr;  // owned by the model
};

class CostModel {
 public:
  virtual ~CostModel() = default;

  virtual Space space() const = 0;
  virtual const CostKey& key() const = 0;
  virtual std::string setting() const = 0;  // dataset setting of the table ("cifar100", ...)
  virtual std::string describe() const = 0;  // one line: source, space, setting, key, unit

  // Cost of one architecture. InputError for a malformed arch, MissingValueError when the table
  // has no value for it.
  virtual double cost(const Arch& arch) const = 0;

  // Costs of `count` architectures stored as contiguous choice indices
  // (count x num_decisions bytes, row-major). Same errors as cost().
  virtual void costs(const uint8_t* choices, size_t count, double* out) const = 0;
  // The same, except that a value the table does not have is written as NaN (never 0) instead of
  // raising MissingValueError, for callers that mask unknown values themselves (the Python
  // package's CostLibrary.costs(..., unknown="mask")). A malformed arch is still an InputError.
  virtual void costs_or_nan(const uint8_t* choices, size_t count, double* out) const {
    costs(choices, count, out);  // complete tables have nothing to mask
  }

  // True when every architecture of the space has a value, so expected_cost is defined.
  virtual bool complete() const = 0;

  // The model's closed form; MissingValueError when it is not complete.
  virtual CostStructure structure() const = 0;

  // E[cost] under independent per-decision distributions: probs[d] holds the num_choices
  // probabilities of decision d (any floating dtype/device; the result has probs' dtype and
  // device). Exact and differentiable with respect to probs. Not virtual, and defined in
  // expected_cost.cpp, so that programs which never call it do not link LibTorch at all.
  at::Tensor expected_cost(const std::vector<at::Tensor>& probs) const;
  // The same with all decisions in one [num_decisions, num_choices] tensor (e.g. a softmax over
  // a matrix of architecture logits): fewer autograd nodes, the fastest form.
  at::Tensor expected_cost(const at::Tensor& probs) const;
};

}  // namespace hwnas
