#pragma once
// One rank's part of a global batch: the rows [begin, end) of a batch of `global` images. Every
// rank draws the whole global batch (indices, augmentation, per-example samples) from the shared
// seeded streams and keeps its rows, so the data a run sees does not depend on how many
// processes train it.
#include <cstdint>

namespace hwnas {

struct BatchShard {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t global = 0;

  int64_t size() const { return end - begin; }
  // This rank's share of the batch's mean loss: the full batch's gradient is the sum over ranks
  // of share * (the gradient of the rank's own mean loss).
  double share() const { return global > 0 ? static_cast<double>(size()) / global : 1.0; }
  bool whole() const { return begin == 0 && end == global; }

  // The whole batch (one process).
  static BatchShard all(int64_t global) { return {0, global, global}; }
  // Rank `rank` of `world`: contiguous rows, the first global % world ranks one row more.
  static BatchShard of(int64_t global, int rank, int world) {
    const int64_t base = global / world, extra = global % world;
    const int64_t begin = rank * base + (rank < extra ? rank : extra);
    return {begin, begin + base + (rank < extra ? 1 : 0), global};
  }
};

}  // namespace hwnas
