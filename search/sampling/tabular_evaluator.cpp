#include <cmath>
#include <mutex>

#include "core/config.h"
#include "core/error.h"
#include "core/strings.h"
#include "costmodels/cost_library.h"
#include "search/sampling/evaluator.h"

namespace hwnas {

Evaluation table_costs(const CostLibrary& library, Space space, const std::string& setting,
                       const std::vector<CostKey>& metrics, const Arch& arch) {
  if (metrics.size() > static_cast<size_t>(kMaxCostMetrics)) {
    throw InputError("an evaluator takes at most " + std::to_string(kMaxCostMetrics) +
                     " cost metrics, got " + std::to_string(metrics.size()));
  }
  Evaluation e;
  e.accuracy = std::nan("");
  for (size_t m = 0; m < metrics.size(); ++m) {
    try {
      e.costs[m] = library.model(space, setting, metrics[m])->cost(arch);
    } catch (const MissingValueError&) {
      e.costs[m] = std::nan("");
      e.known = false;
    }
  }
  return e;
}

TabularNb201Evaluator::TabularNb201Evaluator(std::shared_ptr<const CostLibrary> library,
                                             Nb201Dataset dataset, std::vector<CostKey> metrics,
                                             TrainTimeModel time_model)
    : library_(std::move(library)), dataset_(dataset), metrics_(std::move(metrics)) {
  if (metrics_.size() > static_cast<size_t>(kMaxCostMetrics)) {
    throw InputError("the tabular evaluator takes at most " + std::to_string(kMaxCostMetrics) +
                     " cost metrics, got " + std::to_string(metrics_.size()));
  }
  const Nb201Tables& tables = library_->nb201();
  accuracy_ = tables.accuracy_by_code(dataset_).data();
  for (const CostKey& key : metrics_) costs_.push_back(&tables.column(key).by_code);
  const Nb201Column& time_column = tables.column(parse_cost_key(time_model.metric));
  if (!time_column.complete()) {
    throw InputError("the training-time proxy needs a complete metric; " + time_model.metric +
                     " knows " + std::to_string(time_column.known) + " of 15625 archs");
  }
  const double batches = std::ceil(double(time_model.train_images) / time_model.batch);
  seconds_.resize(kNb201Archs);
  for (int code = 0; code < kNb201Archs; ++code) {
    seconds_[code] = time_model.epochs * batches * time_model.backward_factor *
                     time_column.by_code[code] / 1000.0;
  }
  for (int code = 0; code < kNb201Archs; ++code) num_known_ += evaluate_code(code).known ? 1 : 0;
}

const SearchSpace& TabularNb201Evaluator::space() const { return search_space(Space::NB201); }

std::string TabularNb201Evaluator::describe() const {
  std::vector<std::string> names;
  for (const auto& key : metrics_) names.push_back(key.to_string());
  return "nb201 tables: " + to_string(dataset_) + " test accuracy (200 epochs), costs " +
         (names.empty() ? std::string("(none)") : join(names, ", ")) +
         " (cifar10 setting); " + std::to_string(num_known_) + " of 15625 archs fully known";
}

std::string TabularNb201Evaluator::arch_label(const Arch& arch) const {
  return "index " + std::to_string(arch_index(arch)) + " " + nb201_string(arch);
}

int TabularNb201Evaluator::arch_index(const Arch& arch) const {
  return library_->nb201().index_of(arch);
}

Evaluation TabularNb201Evaluator::evaluate(const Arch& arch) const {
  if (arch.space != Space::NB201) {
    throw InputError("the tabular NB201 evaluator got an " + to_string(arch.space) + " arch");
  }
  validate(arch);
  return evaluate_code(nb201_code(arch));
}

EvaluatorRegistry& EvaluatorRegistry::global() {
  static EvaluatorRegistry registry;
  return registry;
}

void register_builtin_evaluators() {
  static std::once_flag once;
  std::call_once(once, [] {
    EvaluatorRegistry::global().add(
        "table", "built-in", "the NAS-Bench-201 tables: 200-epoch accuracy and device costs",
        [](const ConfigSection& section, const EvaluatorContext& ctx) -> std::unique_ptr<const Evaluator> {
          if (ctx.space != Space::NB201) {
            section.fail("type", "the tables hold accuracies for nb201 only; search " +
                                     to_string(ctx.space) + " with type supernet (a trained supernet)");
          }
          return std::make_unique<const TabularNb201Evaluator>(
              ctx.library, parse_nb201_dataset(ctx.dataset), ctx.metrics, ctx.time_model);
        });
  });
}

}  // namespace hwnas
