// CostLibrary.expected_cost: CostModel::expected_cost (exact, differentiable) on numpy
// probabilities. Kept apart because it is the one binding that needs ATen.
#include <ATen/ATen.h>
#include <pybind11/numpy.h>

#include "python/src/cost_library.h"

namespace py = pybind11;

namespace hwnas::python {

void bind_expected_cost(CostLibraryClass& cls) {
  cls.def(
      "expected_cost",
      [](PyCostLibrary& self, const std::string& space, const std::string& setting,
         const std::string& metric,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& probs,
         bool gradient) -> py::object {
        const CostModel& model = self.model(parse_space(space), setting, metric);
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
