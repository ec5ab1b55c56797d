#pragma once
// Maps a proxy's raw score to the arch's percentile among reference archs, so that proxies of
// any sign and scale (jacov is negative, synflow spans 30 orders of magnitude) become an
// "accuracy" in (0, 100) that a hard-limit objective can rank feasible archs by (an infeasible
// arch's fitness is negative) and that several proxies can be averaged over (a rank combination).
//
// The map is strictly increasing: the mid-rank percentile at each distinct reference value,
// linear in between, and beyond the reference's range an exponential approach to 0 or 100 over a
// scale of that range, so that two archs outside it still keep their order.
#include <cstddef>
#include <vector>

namespace hwnas {

class PercentileScale {
 public:
  // NaN entries are ignored; InputError when no finite value is left.
  explicit PercentileScale(std::vector<double> reference);
  // (0, 100); a NaN score (the proxy could not score the arch) is 0, below every scored arch.
  double operator()(double score) const;
  size_t size() const { return count_; }

 private:
  std::vector<double> values_;       // distinct, ascending
  std::vector<double> percentiles_;  // mid-rank percentile of each
  double range_ = 1;
  size_t count_ = 0;
};

}  // namespace hwnas
