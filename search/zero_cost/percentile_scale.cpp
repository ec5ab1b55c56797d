#include "search/zero_cost/percentile_scale.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace hwnas {

PercentileScale::PercentileScale(std::vector<double> reference) {
  reference.erase(std::remove_if(reference.begin(), reference.end(),
                                 [](double v) { return !std::isfinite(v); }),
                  reference.end());
  if (reference.empty()) throw InputError("a zero-cost proxy scored none of its reference archs");
  std::sort(reference.begin(), reference.end());
  count_ = reference.size();
  const double n = static_cast<double>(count_);
  for (size_t i = 0; i < reference.size();) {
    size_t j = i;
    while (j < reference.size() && reference[j] == reference[i]) ++j;
    values_.push_back(reference[i]);
    percentiles_.push_back(100.0 * (static_cast<double>(i) + static_cast<double>(j - i) / 2.0) / n);
    i = j;
  }
  range_ = values_.back() - values_.front();
  if (!(range_ > 0)) range_ = std::max(1.0, std::abs(values_.front()));
}

double PercentileScale::operator()(double score) const {
  if (std::isnan(score)) return 0;
  if (score <= values_.front()) {
    return percentiles_.front() * std::exp(-(values_.front() - score) / range_);
  }
  if (score >= values_.back()) {
    return percentiles_.back() +
           (100.0 - percentiles_.back()) * -std::expm1(-(score - values_.back()) / range_);
  }
  const size_t hi = static_cast<size_t>(std::upper_bound(values_.begin(), values_.end(), score) -
                                        values_.begin());
  const size_t lo = hi - 1;
  const double t = (score - values_[lo]) / (values_[hi] - values_[lo]);
  return percentiles_[lo] + t * (percentiles_[hi] - percentiles_[lo]);
}

}  // namespace hwnas
