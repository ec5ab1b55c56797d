#include "search/sampling/objective.h"

#include <cmath>

#include "core/config.h"
#include "core/strings.h"
#include "costmodels/nb201_tables.h"

namespace hwnas {

ObjectiveOptions ObjectiveOptions::read(const ConfigSection& s) {
  ObjectiveOptions o;
  o.type = s.get_choice("type", o.type, {"constrained", "scalarized", "pareto"});
  o.dataset = s.get_choice("dataset", o.dataset, {"cifar10", "cifar100", "ImageNet16-120"});
  if (o.type == "pareto") {
    o.metrics = s.get_strings("metrics", o.metrics);
  } else {
    o.metric = s.get_string("metric", o.metric);
  }
  if (o.type == "constrained") {
    o.limit = s.require_double("limit", "required when objective.type is constrained (the cost "
                                        "limit in the metric's unit: ms for latency, mJ for energy)");
  } else if (o.type == "scalarized") {
    o.target = s.require_double("target", "required when objective.type is scalarized (the MnasNet "
                                          "target cost T in acc * (cost/T)^w)");
    o.alpha = s.get_double("alpha", o.alpha);
    o.beta = s.get_double("beta", o.beta);
  }
  s.validate([&] {
    o.validate();
    for (const auto& name : o.type == "pareto" ? o.metrics : std::vector<std::string>{o.metric}) {
      try {
        parse_cost_key(name);
      } catch (const InputError& e) {
        throw InvalidOption(o.type == "pareto" ? "metrics" : "metric", e.what());
      }
    }
  });
  return o;
}

void ObjectiveOptions::validate() const {
  if (type == "constrained" && !(limit > 0)) throw InvalidOption("limit", "must be > 0");
  if (type == "scalarized" && !(target > 0)) throw InvalidOption("target", "must be > 0");
  if (type == "scalarized" && (alpha > 0 || beta > 0)) {
    throw InvalidOption(alpha > 0 ? "alpha" : "beta", "must be <= 0 (a higher cost never pays)");
  }
  if (type == "pareto" && (metrics.empty() || metrics.size() > 2)) {
    throw InvalidOption("metrics", "must name 1 or 2 cost metrics (the hypervolume is exact up to "
                                   "3 objectives with accuracy)");
  }
}

Objective::Objective(const ObjectiveOptions& options) : options_(options) {
  options_.validate();
  if (options_.type == "constrained") {
    kind_ = Kind::Constrained;
  } else if (options_.type == "scalarized") {
    kind_ = Kind::Scalarized;
  } else if (options_.type == "pareto") {
    kind_ = Kind::Pareto;
  } else {
    throw InvalidOption("type", "unknown objective type '" + options_.type +
                                    "'; known: constrained, scalarized, pareto");
  }
  for (const auto& name : kind_ == Kind::Pareto ? options_.metrics
                                                : std::vector<std::string>{options_.metric}) {
    metrics_.push_back(parse_cost_key(name));
  }
}

std::string Objective::describe() const {
  const std::string unit = metric_unit(metrics_[0].metric);
  switch (kind_) {
    case Kind::Constrained:
      return "maximise " + options_.dataset + " accuracy s.t. " + metrics_[0].to_string() +
             " <= " + format_double(options_.limit) + " " + unit;
    case Kind::Scalarized:
      return "maximise " + options_.dataset + " acc * (" + metrics_[0].to_string() + "/" +
             format_double(options_.target) + ")^w, w = " + format_double(options_.alpha) +
             " below / " + format_double(options_.beta) + " above the target";
    case Kind::Pareto:
      return "Pareto front of " + options_.dataset + " accuracy vs " + join(options_.metrics, ", ");
  }
  return "";
}

double Objective::fitness(const Evaluation& e) const {
  if (!e.known) return kUnknownFitness;
  switch (kind_) {
    case Kind::Constrained:
      return e.costs[0] <= options_.limit ? e.accuracy : -e.costs[0] / options_.limit;
    case Kind::Scalarized: {
      const double ratio = e.costs[0] / options_.target;
      return e.accuracy * std::pow(ratio, ratio <= 1 ? options_.alpha : options_.beta);
    }
    case Kind::Pareto:
      return e.accuracy;
  }
  return kUnknownFitness;
}

bool Objective::feasible(const Evaluation& e) const {
  if (!e.known) return false;
  return kind_ != Kind::Constrained || e.costs[0] <= options_.limit;
}

std::vector<double> Objective::pareto_point(const Evaluation& e) const {
  std::vector<double> point(1 + metrics_.size());
  point[0] = -e.accuracy;
  for (size_t m = 0; m < metrics_.size(); ++m) point[m + 1] = e.costs[m];
  return point;
}

}  // namespace hwnas
