#pragma once
// The hardware term of differentiable search: E[cost] over one or several device metrics
// (a weighted sum), and the loss forms of ProxylessNAS and FBNet-DNAS, with an optional hard
// target enforced by a Lagrange multiplier (dual ascent), which none of the reference
// implementations has.
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>
#include <vector>

#include "costmodels/cost_library.h"

namespace hwnas {

class ConfigSection;

struct CostLossOptions {
  std::vector<std::string> metrics = {"edgegpu_latency"};  // cost.metrics
  std::vector<double> weights;  // cost.weights: one per metric; empty = all 1
  // cost.form: mul_log  CE * a * (log E / log ref)^b          (ProxylessNAS; a 0.2, b 0.3)
  //            dnas     CE * a * (log E)^b                    (FBNet-DNAS; a 0.2, b 0.6)
  //            add_linear CE + lambda * (E - ref) / ref
  //            none     CE only (the cost is logged, not optimised)
  std::string form = "mul_log";
  double a = 0.2;
  double b = 0.3;
  double lambda = 0.1;     // add_linear
  double reference = 0;    // ref; 0 = E[cost] of the uniform distribution at the start
  double target = 0;       // > 0: hard constraint E[cost] <= target (dual ascent on a multiplier)
  double dual_step = 1.0;  // multiplier += dual_step * (E / target - 1) after each arch step
  bool use_ce = true;      // false: minimise the cost term alone (checks convergence to the
                           // table's cheapest arch)

  // `default_form`, `default_b`: the strategy's published defaults.
  static CostLossOptions read(const ConfigSection& section, const std::string& default_form,
                              double default_b);
  void validate() const;
};

class CostLoss {
 public:
  CostLoss(const CostLossOptions& options, const CostLibrary& library, Space space,
           const std::string& setting);

  // E[cost] = sum_k w_k E_k[cost] under `probs` [slots, choices] (differentiable).
  at::Tensor expected_cost(const at::Tensor& probs) const;
  // Cost of one architecture under the same weighted sum (MissingValueError if unknown).
  double cost(const Arch& arch) const;
  // The loss from the cross-entropy and E[cost]; adds the Lagrange term when a target is set.
  at::Tensor loss(const at::Tensor& ce, const at::Tensor& expected) const;
  // Dual ascent after an architecture step; the multiplier stays >= 0.
  void update_multiplier(double expected);

  void set_reference(double reference) { reference_ = reference; }
  double reference() const { return reference_; }
  double multiplier() const { return multiplier_; }
  void set_multiplier(double m) { multiplier_ = m; }
  const CostLossOptions& options() const { return options_; }
  std::string describe() const;  // "edgegpu_latency" or "0.5*fpga_latency + 0.5*raspi4_latency"

 private:
  CostLossOptions options_;
  std::vector<std::unique_ptr<CostModel>> models_;
  std::vector<double> weights_;
  double reference_ = 0;
  double multiplier_ = 0;
};

}  // namespace hwnas
