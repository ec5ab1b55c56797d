#pragma once
// The archs a run has queried, with their fitness, for strategies that remember evaluations
// (evolution, local search) over a space small enough to enumerate (NB201: 15,625 archs). Beside
// the lookup it keeps the archs not queried yet, so that a strategy whose every nearby move is
// known can draw a fresh arch in O(1) instead of resampling until it hits one (which stalls once
// most of the space is known), and can tell when the whole space has been queried.
#include <cstdint>
#include <random>
#include <vector>

#include "costmodels/space.h"

namespace hwnas {

class SeenArchs {
 public:
  // Spaces up to this size are enumerable: 17 bytes per arch (17 MiB at most).
  static constexpr int64_t kMaxArchs = int64_t{1} << 20;
  static bool enumerable(const SearchSpace& space) { return space.num_archs() <= kMaxArchs; }

  explicit SeenArchs(const SearchSpace& space);  // requires enumerable(space)

  // The remembered fitness of `arch`, or nullptr when it was not queried.
  const double* find(const Arch& arch) const;
  // Remembers a query's fitness; a repeat keeps the first value (the evaluations are the same).
  void insert(const Arch& arch, double fitness);

  int64_t size() const {
    return static_cast<int64_t>(fitness_.size()) - static_cast<int64_t>(unseen_.size());
  }
  int64_t num_archs() const { return static_cast<int64_t>(fitness_.size()); }
  bool complete() const { return unseen_.empty(); }
  Space space() const { return space_; }
  // A uniform draw among the archs not queried yet; requires !complete().
  Arch random_unseen(std::mt19937_64& rng) const;

 private:
  int32_t code_of(const Arch& arch) const;

  Space space_;
  int num_decisions_ = 0;
  int num_choices_ = 0;
  std::vector<double> fitness_;  // by code; meaningful where slot_ is kSeen
  std::vector<int32_t> slot_;    // by code: its index in unseen_, or kSeen
  std::vector<int32_t> unseen_;  // codes not queried, in no particular order
};

}  // namespace hwnas
