// CostLibrary.expected_cost: CostModel::expected_cost (exact, differentiable) on numpy
// probabilities. Kept apart because it is the one binding that needs ATen.
#include <ATen/ATen.h>
#include <pybind11/numpy.h>

#include <cmath>

#include "core/error.h"
#include "core/strings.h"
#include "python/src/cost_library.h"

namespace py = pybind11;

namespace hwnas::python {

namespace {

// Each row (the last axis: one slot's choices) a probability distribution: finite, >= 0, summing
// to 1 within 1e-6 (a float32 softmax is well within it). NaN, negative or unnormalised rows once
// gave a number that is no expected cost.
void check_probabilities(const py::array_t<double, py::array::c_style | py::array::forcecast>& probs) {
  if (probs.ndim() < 1 || probs.shape(probs.ndim() - 1) == 0) {
    throw InputError("expected_cost: probs must have a last axis of choices");
  }
  const auto choices = static_cast<size_t>(probs.shape(probs.ndim() - 1));
  const double* p = probs.data();
  const size_t rows = static_cast<size_t>(probs.size()) / choices;
  for (size_t r = 0; r < rows; ++r) {
    double sum = 0;
    for (size_t c = 0; c < choices; ++c) {
      const double v = p[r * choices + c];
      if (!std::isfinite(v) || v < 0) {
        throw InputError("expected_cost: probs row " + std::to_string(r) + " holds " +
                         format_double(v) + ", expected probabilities in [0, 1]");
      }
      sum += v;
    }
    if (std::abs(sum - 1.0) > 1e-6) {
      throw InputError("expected_cost: probs row " + std::to_string(r) + " sums to " +
                       format_double(sum) + ", expected 1");
    }
  }
}

}  // namespace

void bind_expected_cost(CostLibraryClass& cls) {
  cls.def(
      "expected_cost",
      [](PyCostLibrary& self, const std::string& space, const std::string& setting,
         const std::string& metric,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& probs,
         bool gradient) -> py::object {
        const CostModel& model = self.model(parse_space(space), setting, metric);
        // A matrix of the space's shape is checked row by row here; any other shape gets the
        // cost model's own message.
        const SearchSpace& s = search_space(parse_space(space));
        if (probs.ndim() == 2 && probs.shape(0) == s.num_decisions && probs.shape(1) == s.num_choices) {
          check_probabilities(probs);
        }
        std::vector<int64_t> shape(probs.shape(), probs.shape() + probs.ndim());
        // A copy: autograd may keep the tensor beyond this call, numpy's memory may not last.
        at::Tensor p = at::from_blob(const_cast<double*>(probs.data()), shape, at::kDouble).clone();
        if (!gradient) {
          double value = 0;
          {
            py::gil_scoped_release release;
            at::NoGradGuard no_grad;
            value = model.expected_cost(p).item<double>();
          }
          return py::float_(value);
        }
        double value = 0;
        py::array_t<double> grad(probs.request().shape);
        {
          py::gil_scoped_release release;
          p.requires_grad_(true);
          at::Tensor e = model.expected_cost(p);
          e.backward();
          value = e.item<double>();
          const at::Tensor g = p.grad().contiguous();
          std::copy(g.data_ptr<double>(), g.data_ptr<double>() + g.numel(), grad.mutable_data());
        }
        return py::make_tuple(value, grad);
      },
      py::arg("space"), py::arg("setting"), py::arg("metric"), py::arg("probs"),
      py::arg("gradient") = false, R"doc(
E[cost] under independent per-decision distributions, exact: probs is a (22, 9) fbnet or (6, 5)
nb201 array of probabilities (rows are decisions). With gradient=True returns (value, dE/dprobs).
NB201 metrics with unknown values raise MissingValueError rather than guess.)doc");
}

}  // namespace hwnas::python
