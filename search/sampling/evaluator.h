#pragma once
// What a search strategy learns about an architecture when it "trains" one. Strategies see only
// this interface, and evaluators come from a registry keyed by the YAML `evaluator.type`: the
// NAS-Bench-201 tables ("table", built in), a trained supernet ("supernet",
// search/differentiable/supernet_evaluator.h) or training-free proxies ("zero_cost",
// search/zero_cost/zero_cost_evaluator.h), the last two registered by hwnas_search.
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/registry.h"
#include "costmodels/cost_key.h"
#include "costmodels/nb201_tables.h"
#include "costmodels/space.h"

namespace hwnas {

class CostLibrary;

// At most this many cost metrics per evaluation (Pareto hypervolume is exact up to 3 objectives:
// accuracy + 2 costs; a hard limit or reward uses 1).
constexpr int kMaxCostMetrics = 4;

struct Evaluation {
  double accuracy = 0;  // top-1 test accuracy in percent
  // One per evaluator metric; NaN where the table does not know the value (never 0).
  std::array<double, kMaxCostMetrics> costs{};
  bool known = true;         // every cost is known
  double train_seconds = 0;  // simulated cost of obtaining this evaluation
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  virtual const SearchSpace& space() const = 0;
  virtual const std::vector<CostKey>& metrics() const = 0;
  virtual std::string describe() const = 0;
  // Must be thread-safe: many seeds evaluate at once.
  virtual Evaluation evaluate(const Arch& arch) const = 0;
  // The costs alone (accuracy NaN, train_seconds 0) from an evaluator whose accuracy is expensive
  // (a supernet); nullopt (the default) where evaluate() is as cheap. A constrained search asks
  // for these first and never scores an arch its limit rejects.
  virtual std::optional<Evaluation> evaluate_costs(const Arch& arch) const { return std::nullopt; }
  // The same for an NB201 dense code (nb201_code); the tabular hot path.
  virtual Evaluation evaluate_code(int code) const { return evaluate(nb201_from_code(code)); }
  // True when evaluating every arch of the space is cheap (the tables): runs then compute the
  // space's optimum, and report regret against it.
  virtual bool enumerable() const { return false; }
  // How reports name an arch ("index 1462 |nor_conv_3x3~0|+...|" for the NB201 tables).
  virtual std::string arch_label(const Arch& arch) const { return arch_to_string(arch); }
  // The arch's index in its benchmark (-1 when it has none); written into CSV outputs.
  virtual int arch_index(const Arch& arch) const { return -1; }
  // What the evaluations cost (queries, cache hits, queries/s), for the end of a run's log; "" =
  // nothing worth saying (the tables).
  virtual std::string usage_report() const { return ""; }
  // Files the evaluator adds to a finished run's folder (name, content), e.g. the scores it
  // computed; written after the run's own outputs.
  virtual std::vector<std::pair<std::string, std::string>> run_files() const { return {}; }
};

// The table costs of `arch` for `metrics` (NaN, known false, where a table lacks the value) with
// accuracy NaN: the costs of every evaluator whose accuracy is not the tables'.
Evaluation table_costs(const CostLibrary& library, Space space, const std::string& setting,
                       const std::vector<CostKey>& metrics, const Arch& arch);

// Simulated training time of one query, a documented proxy (NB201 training times are not in the
// project's tables): epochs x ceil(train_images / batch) x backward_factor x the forward latency
// of one batch on a GPU from the HELP table (2080ti at batch 256 by default).
struct TrainTimeModel {
  std::string metric = "2080ti_256_latency";  // ms per batch of `batch` images
  int batch = 256;
  int train_images = 50000;
  int epochs = 200;
  double backward_factor = 3.0;  // forward + backward + update ~ 3 forwards
};

// NAS-Bench-201 tables: accuracy of `dataset` (cifar10, cifar100, ImageNet16-120) and the costs of
// `metrics` in the cifar10 hardware setting (the only one HW-NAS-Bench/HELP publish for NB201).
class TabularNb201Evaluator : public Evaluator {
 public:
  TabularNb201Evaluator(std::shared_ptr<const CostLibrary> library, Nb201Dataset dataset,
                        std::vector<CostKey> metrics, TrainTimeModel time_model = {});

  const SearchSpace& space() const override;
  const std::vector<CostKey>& metrics() const override { return metrics_; }
  std::string describe() const override;
  Evaluation evaluate(const Arch& arch) const override;
  Evaluation evaluate_code(int code) const override {
    Evaluation e;
    e.accuracy = accuracy_[code];
    for (size_t m = 0; m < costs_.size(); ++m) {
      e.costs[m] = (*costs_[m])[code];
      e.known = e.known && !std::isnan(e.costs[m]);
    }
    e.train_seconds = seconds_[code];
    return e;
  }
  bool enumerable() const override { return true; }
  std::string arch_label(const Arch& arch) const override;
  int arch_index(const Arch& arch) const override;
  const CostLibrary& library() const { return *library_; }

 private:
  std::shared_ptr<const CostLibrary> library_;
  Nb201Dataset dataset_;
  std::vector<CostKey> metrics_;
  const double* accuracy_ = nullptr;
  std::vector<const std::vector<double>*> costs_;
  std::vector<double> seconds_;
  int num_known_ = 0;
};

// What a run has settled before it builds its evaluator.
struct EvaluatorContext {
  std::shared_ptr<const CostLibrary> library;
  Space space = Space::NB201;
  std::string setting = "cifar10";  // the cost setting (NB201: cifar10)
  std::string dataset = "cifar10";  // objective.dataset
  std::vector<CostKey> metrics;     // the objective's cost metrics
  TrainTimeModel time_model;        // budget.time_model (the tables' simulated training time)
};

class EvaluatorRegistry : public NamedRegistry<const Evaluator, NoRegistryInfo, const EvaluatorContext&> {
 public:
  EvaluatorRegistry() : NamedRegistry("evaluator") {}
  static EvaluatorRegistry& global();
};

// Registers "table". Idempotent and thread-safe.
void register_builtin_evaluators();

}  // namespace hwnas
