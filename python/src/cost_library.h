#pragma once
// hwnas.CostLibrary: the project's tables (costmodels/cost_library.h) with the cost models it
// hands out kept for reuse, so that a query from Python is a dictionary lookup and a gather.
#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "costmodels/cost_library.h"

namespace hwnas::python {

class PyCostLibrary {
 public:
  explicit PyCostLibrary(std::shared_ptr<const CostLibrary> library) : library_(std::move(library)) {}

  const CostLibrary& library() const { return *library_; }
  const std::shared_ptr<const CostLibrary>& shared() const { return library_; }
  // The model of (space, setting, metric), created on first use (InputError for unknown names).
  // Called with the GIL held, which serialises the cache.
  const CostModel& model(Space space, const std::string& setting, const std::string& metric);

 private:
  std::shared_ptr<const CostLibrary> library_;
  std::unordered_map<std::string, std::unique_ptr<CostModel>> models_;
};

using CostLibraryClass = pybind11::class_<PyCostLibrary, std::shared_ptr<PyCostLibrary>>;

void bind_cost_library(pybind11::module_& m);
// CostLibrary.expected_cost, in its own translation unit: the only part that needs ATen.
void bind_expected_cost(CostLibraryClass& cls);
// CostLibrary.zero_cost_scores (python/src/zero_cost.cpp): training-free proxies of archs.
void bind_zero_cost(CostLibraryClass& cls);

}  // namespace hwnas::python
