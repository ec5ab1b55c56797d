#include "search/differentiable/path_stages.h"

#include <algorithm>
#include <stdexcept>

#include "core/config.h"
#include "core/strings.h"

namespace hwnas {

PathStages PathStages::read(const ConfigSection& s) {
  PathStages stages;
  stages.names_ = s.get_strings("stages", {});
  stages.stage_epochs_ = s.get_int("stage_epochs", stages.stage_epochs_);
  s.validate([&] {
    if (stages.stage_epochs_ < 1) throw InvalidOption("stage_epochs", "must be >= 1");
  });
  return stages;
}

void PathStages::bind(Space space, int epochs) {
  const auto& names = search_space(space).choice_names;
  ops_.clear();
  for (const auto& stage : names_) {
    std::vector<int> ops;
    for (const auto piece : split(stage, ',')) {
      const std::string name(trim(piece));
      if (name.empty()) continue;
      const auto at = std::find(names.begin(), names.end(), name);
      if (at == names.end()) {
        throw InvalidOption("stages", "'" + name + "' in \"" + stage + "\" is not an op of space " +
                                          to_string(space) + " (" + join(names, ", ") + ")");
      }
      ops.push_back(static_cast<int>(at - names.begin()));
    }
    if (ops.empty()) throw InvalidOption("stages", "a stage names no op");
    ops_.push_back(std::move(ops));
  }
  const int staged = static_cast<int>(names_.size()) * stage_epochs_;
  if (staged > epochs) {
    throw InvalidOption("stages", std::to_string(names_.size()) + " stages of " +
                                      std::to_string(stage_epochs_) + " epochs (" + std::to_string(staged) +
                                      ") do not fit in the " + std::to_string(epochs) +
                                      " epochs the run trains");
  }
}

const std::vector<int>* PathStages::ops_at(int epoch) const {
  // Unbound stages would silently train every op: a run must come through bind().
  if (!names_.empty() && ops_.empty()) throw std::logic_error("PathStages::ops_at() before bind()");
  const size_t stage = static_cast<size_t>(epoch / stage_epochs_);
  return stage < ops_.size() ? &ops_[stage] : nullptr;
}

std::vector<int> PathStages::draw(const std::vector<int>& ops, int slots, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> pick(0, static_cast<int>(ops.size()) - 1);
  std::vector<int> path(slots);
  for (int& o : path) o = ops[pick(rng)];
  return path;
}

}  // namespace hwnas
