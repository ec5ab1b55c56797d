#include "search/differentiable/cost_loss.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/config.h"
#include "core/error.h"
#include "core/strings.h"

namespace hwnas {

CostLossOptions CostLossOptions::read(const ConfigSection& s, const std::string& default_form,
                                      double default_b) {
  CostLossOptions o;
  o.metrics = s.get_strings("metrics", o.metrics);
  o.weights = s.get_doubles("weights", std::vector<double>(o.metrics.size(), 1.0));
  o.form = s.get_choice("form", default_form, {"mul_log", "dnas", "add_linear", "none"});
  o.a = s.get_double("a", o.a);
  o.b = s.get_double("b", default_b);
  o.lambda = s.get_double("lambda", o.lambda);
  o.reference = s.get_double("reference", o.reference);
  o.target = s.get_double("target", o.target);
  o.dual_step = s.get_double("dual_step", o.dual_step);
  o.use_ce = s.get_bool("use_ce", o.use_ce);
  s.validate([&] { o.validate(); });
  return o;
}

void CostLossOptions::validate() const {
  if (metrics.empty()) throw InvalidOption("metrics", "at least one device metric is needed");
  if (weights.size() != metrics.size()) {
    throw InvalidOption("weights", "must have one weight per metric (" +
                                       std::to_string(metrics.size()) + ")");
  }
  for (double w : weights) {
    if (!(w > 0)) throw InvalidOption("weights", "every weight must be > 0");
  }
  if (!(a > 0)) throw InvalidOption("a", "must be > 0");
  if (!(b >= 0)) throw InvalidOption("b", "must be >= 0");
  if (reference < 0) throw InvalidOption("reference", "must be >= 0 (0 = automatic)");
  if (target < 0) throw InvalidOption("target", "must be >= 0 (0 = no hard constraint)");
  if (!(dual_step > 0)) throw InvalidOption("dual_step", "must be > 0");
  if (!use_ce && form == "none") throw InvalidOption("use_ce", "form none with use_ce false leaves no loss");
}

CostLoss::CostLoss(const CostLossOptions& options, const CostLibrary& library, Space space,
                   const std::string& setting)
    : options_(options), weights_(options.weights), reference_(options.reference) {
  for (const auto& metric : options_.metrics) {
    auto model = library.model(space, setting, parse_cost_key(metric));
    (void)model->structure();  // refuses metrics with unknown values up front
    models_.push_back(std::move(model));
  }
}

at::Tensor CostLoss::expected_cost(const at::Tensor& probs) const {
  at::Tensor total;
  for (size_t k = 0; k < models_.size(); ++k) {
    auto e = models_[k]->expected_cost(probs) * weights_[k];
    total = total.defined() ? total + e : e;
  }
  return total;
}

double CostLoss::cost(const Arch& arch) const {
  double total = 0;
  for (size_t k = 0; k < models_.size(); ++k) total += weights_[k] * models_[k]->cost(arch);
  return total;
}

at::Tensor CostLoss::loss(const at::Tensor& ce, const at::Tensor& expected) const {
  const auto& o = options_;
  const at::Tensor base = o.use_ce ? ce : at::ones_like(ce);
  at::Tensor loss;
  // Both log forms raise a log to a fractional power: they need costs above 1 (ms or mJ).
  const auto require_log_positive = [&](double value, const std::string& what) {
    if (!std::isfinite(value)) {
      // Not the form's fault: the alphas (or weights) left the finite range before this step.
      throw InputError(what + " is " + format_double(value) +
                       ": the search diverged (architecture parameters no longer finite); lower "
                       "strategy.arch_lr or train.lr");
    }
    if (!(value > 1.0)) {
      throw InputError("cost.form " + o.form + " takes the log of " + what + ", which must be > 1 (it is " +
                       format_double(value) + "); use form add_linear for such small costs");
    }
  };
  if (o.form == "mul_log") {
    require_log_positive(reference_, "the reference cost");
    require_log_positive(expected.item<double>(), "E[cost]");
    loss = base * o.a * at::pow(at::log(expected) / std::log(reference_), o.b);
  } else if (o.form == "dnas") {
    require_log_positive(expected.item<double>(), "E[cost]");
    loss = base * o.a * at::pow(at::log(expected), o.b);
  } else if (o.form == "add_linear") {
    loss = (o.use_ce ? ce : at::zeros_like(ce)) + o.lambda * (expected - reference_) / reference_;
  } else {
    loss = ce;
  }
  if (o.target > 0) loss = loss + multiplier_ * (expected / o.target - 1.0);
  return loss;
}

void CostLoss::update_multiplier(double expected) {
  if (options_.target > 0) {
    multiplier_ = std::max(0.0, multiplier_ + options_.dual_step * (expected / options_.target - 1.0));
  }
}

std::string CostLoss::describe() const {
  std::vector<std::string> terms;
  for (size_t k = 0; k < models_.size(); ++k) {
    terms.push_back((weights_[k] == 1.0 ? "" : format_double(weights_[k]) + "*") +
                    models_[k]->key().to_string());
  }
  return join(terms, " + ");
}

}  // namespace hwnas
