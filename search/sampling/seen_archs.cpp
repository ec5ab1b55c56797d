#include "search/sampling/seen_archs.h"

#include <numeric>
#include <stdexcept>

namespace hwnas {
namespace {
constexpr int32_t kSeen = -1;
}  // namespace

SeenArchs::SeenArchs(const SearchSpace& space)
    : space_(space.space), num_decisions_(space.num_decisions), num_choices_(space.num_choices) {
  if (!enumerable(space)) {
    throw std::logic_error("SeenArchs: space " + space.name + " is too large to enumerate");
  }
  const size_t n = static_cast<size_t>(space.num_archs());
  fitness_.assign(n, 0.0);
  slot_.resize(n);
  unseen_.resize(n);
  std::iota(slot_.begin(), slot_.end(), 0);
  std::iota(unseen_.begin(), unseen_.end(), 0);
}

int32_t SeenArchs::code_of(const Arch& arch) const {
  int32_t code = 0;
  for (int op : arch.ops) code = code * num_choices_ + op;
  return code;
}

const double* SeenArchs::find(const Arch& arch) const {
  const int32_t code = code_of(arch);
  return slot_[static_cast<size_t>(code)] == kSeen ? &fitness_[static_cast<size_t>(code)] : nullptr;
}

void SeenArchs::insert(const Arch& arch, double fitness) {
  const int32_t code = code_of(arch);
  int32_t& slot = slot_[static_cast<size_t>(code)];
  if (slot == kSeen) return;
  fitness_[static_cast<size_t>(code)] = fitness;
  // Swap-remove from unseen_: the last code takes this one's place.
  const int32_t last = unseen_.back();
  unseen_[static_cast<size_t>(slot)] = last;
  slot_[static_cast<size_t>(last)] = slot;
  unseen_.pop_back();
  slot = kSeen;
}

Arch SeenArchs::random_unseen(std::mt19937_64& rng) const {
  std::uniform_int_distribution<size_t> pick(0, unseen_.size() - 1);
  int32_t code = unseen_[pick(rng)];
  Arch arch{space_, std::vector<int>(static_cast<size_t>(num_decisions_))};
  for (int d = num_decisions_ - 1; d >= 0; --d) {
    arch.ops[static_cast<size_t>(d)] = code % num_choices_;
    code /= num_choices_;
  }
  return arch;
}

}  // namespace hwnas
