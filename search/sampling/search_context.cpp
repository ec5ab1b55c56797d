#include "search/sampling/search_context.h"

#include <algorithm>

#include "core/config.h"
#include "core/error.h"

namespace hwnas {

Budget Budget::read(const ConfigSection& s) {
  Budget b;
  b.queries = s.get_int("queries", b.queries);
  b.train_seconds = s.get_double("train_seconds", b.train_seconds);
  const ConfigSection t = s.child("time_model");
  b.time_model.metric = t.get_string("metric", b.time_model.metric);
  b.time_model.batch = t.get_int("batch", b.time_model.batch);
  b.time_model.train_images = t.get_int("train_images", b.time_model.train_images);
  b.time_model.epochs = t.get_int("epochs", b.time_model.epochs);
  b.time_model.backward_factor = t.get_double("backward_factor", b.time_model.backward_factor);
  s.validate([&] { b.validate(); });
  t.validate([&] {
    if (b.time_model.batch < 1) throw InvalidOption("batch", "must be >= 1");
    if (b.time_model.train_images < 1) throw InvalidOption("train_images", "must be >= 1");
    if (b.time_model.epochs < 1) throw InvalidOption("epochs", "must be >= 1");
    if (!(b.time_model.backward_factor > 0)) throw InvalidOption("backward_factor", "must be > 0");
  });
  return b;
}

void Budget::validate() const {
  if (queries < 1) throw InvalidOption("queries", "must be >= 1");
  if (!(train_seconds >= 0)) throw InvalidOption("train_seconds", "must be >= 0 (0 = no limit)");
}

SearchContext::SearchContext(const Evaluator& evaluator, const Objective& objective,
                             const Budget& budget, uint64_t seed, std::string run_dir)
    : evaluator_(evaluator),
      objective_(objective),
      budget_(budget),
      seed_(seed),
      rng_(seed),
      run_dir_(std::move(run_dir)) {
  history_.reserve(static_cast<size_t>(std::min(budget_.queries, 1 << 16)));
}

bool SearchContext::exhausted() const {
  if (static_cast<int>(history_.size()) >= budget_.queries) return true;
  return budget_.train_seconds > 0 && elapsed_seconds_ >= budget_.train_seconds;
}

const QueryRecord& SearchContext::query(const Arch& arch) {
  if (exhausted()) {
    throw Error("a strategy queried past its budget (" + std::to_string(history_.size()) +
                " queries, " + std::to_string(elapsed_seconds_) + " simulated s spent)");
  }
  QueryRecord record;
  record.arch = arch;
  // An arch over a hard limit is infeasible whatever its accuracy: where the accuracy is expensive
  // (a supernet), it is not scored (accuracy NaN; its fitness depends on the cost alone).
  std::optional<Evaluation> costs;
  if (objective_.kind() == Objective::Kind::Constrained) costs = evaluator_.evaluate_costs(arch);
  record.eval = costs && !objective_.feasible(*costs) ? *costs : evaluator_.evaluate(arch);
  record.fitness = objective_.fitness(record.eval);
  record.feasible = objective_.feasible(record.eval);
  elapsed_seconds_ += record.eval.train_seconds;
  record.elapsed_seconds = elapsed_seconds_;
  history_.push_back(std::move(record));
  return history_.back();
}

Arch SearchContext::random_arch() {
  const SearchSpace& s = space();
  Arch arch{s.space, std::vector<int>(static_cast<size_t>(s.num_decisions))};
  std::uniform_int_distribution<int> choice(0, s.num_choices - 1);
  for (int& op : arch.ops) op = choice(rng_);
  return arch;
}

Arch SearchContext::mutate_one(const Arch& arch) {
  const SearchSpace& s = space();
  Arch child = arch;
  std::uniform_int_distribution<int> decision(0, s.num_decisions - 1);
  std::uniform_int_distribution<int> other(1, s.num_choices - 1);
  const int d = decision(rng_);
  // Adding 1..n-1 modulo n picks uniformly among the other choices.
  child.ops[d] = (child.ops[d] + other(rng_)) % s.num_choices;
  return child;
}

}  // namespace hwnas
