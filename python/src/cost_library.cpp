// hwnas.CostLibrary's methods: single archs and numpy batches of archs. A batch is converted once
// and its loop runs in C++ with the GIL released; nothing loops over archs in Python.
#include "python/src/cost_library.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/error.h"
#include "costmodels/complexity.h"
#include "python/src/arch_arguments.h"

namespace py = pybind11;

namespace hwnas::python {

const CostModel& PyCostLibrary::model(Space space, const std::string& setting,
                                      const std::string& metric) {
  std::string key = to_string(space);
  key += '/';
  key += setting;
  key += '/';
  key += metric;
  auto found = models_.find(key);
  if (found != models_.end()) return *found->second;
  auto model = library_->model(space, setting, parse_cost_key(metric));
  return *models_.emplace(std::move(key), std::move(model)).first->second;
}

namespace {

std::vector<std::string> metric_list(py::handle metrics) {
  if (py::isinstance<py::str>(metrics)) return {metrics.cast<std::string>()};
  return metrics.cast<std::vector<std::string>>();
}

// (N, M) float64 in column-major order: each metric's costs are one contiguous column, which is
// what the cost models' batch loop writes, so no transpose is needed.
py::array_t<double> column_major(size_t rows, size_t columns) {
  return py::array_t<double>({rows, columns}, {sizeof(double), sizeof(double) * rows});
}

Complexity complexity_of(const CostLibrary& library, const Arch& arch, const std::string& setting) {
  if (arch.space == Space::FBNet) return fbnet_complexity(arch, parse_fbnet_setting(setting));
  if (setting != "cifar10") {
    throw InputError("nb201 FLOPs/params are those of the cifar10 network (10 classes, 32x32 "
                     "input), not the '" + setting + "' setting");
  }
  return nb201_complexity(arch);
}

py::object costs(PyCostLibrary& self, const std::string& space_name, const std::string& setting,
                 py::handle archs, py::handle metrics, const std::string& unknown) {
  if (unknown != "raise" && unknown != "mask") {
    throw InputError("unknown='" + unknown + "': expected 'raise' (MissingValueError at the first "
                     "unknown value) or 'mask' (NaN and a boolean known array)");
  }
  const Space space = parse_space(space_name);
  std::vector<const CostModel*> models;
  for (const auto& metric : metric_list(metrics)) models.push_back(&self.model(space, setting, metric));
  const ChoiceBatch batch = to_choice_batch(self.library(), space, archs);
  auto values = column_major(batch.count, models.size());
  double* out = values.mutable_data();
  const bool mask = unknown == "mask";
  {
    py::gil_scoped_release release;
    for (size_t m = 0; m < models.size(); ++m) {
      double* column = out + m * batch.count;
      if (mask) {
        models[m]->costs_or_nan(batch.choices, batch.count, column);
      } else {
        models[m]->costs(batch.choices, batch.count, column);
      }
    }
  }
  if (!mask) return std::move(values);
  py::array_t<bool> known({batch.count, models.size()}, {sizeof(bool), sizeof(bool) * batch.count});
  bool* flags = known.mutable_data();
  {
    py::gil_scoped_release release;
    for (size_t k = 0; k < batch.count * models.size(); ++k) flags[k] = !std::isnan(out[k]);
  }
  return py::make_tuple(std::move(values), std::move(known));
}

// CostLibrary.query_function's result: the models and the dict keys resolved once, so that a
// call is the arch's conversion and one gather per metric.
struct CostQuery {
  std::shared_ptr<PyCostLibrary> owner;  // keeps the models alive
  Space space = Space::FBNet;
  std::vector<const CostModel*> models;
  std::vector<py::str> keys;
  // Optional: one more entry, the product of some of the metrics in the given order
  // (HW-NAS-Bench's average_hw_metric).
  py::object product_key;
  std::vector<size_t> product_of;

  py::dict operator()(py::handle arch_value) const {
    const Arch arch = to_arch(owner->library(), space, arch_value);
    double values[kMaxMetrics];
    py::dict out;
    for (size_t m = 0; m < models.size(); ++m) {
      values[m] = models[m]->cost(arch);
      set(out, keys[m], values[m]);
    }
    if (!product_of.empty()) {
      double product = values[product_of[0]];
      for (size_t i = 1; i < product_of.size(); ++i) product *= values[product_of[i]];
      set(out, product_key, product);
    }
    return out;
  }

  static constexpr size_t kMaxMetrics = 256;

 private:
  static void set(py::dict& out, const py::handle& key, double number) {
    PyObject* value = PyFloat_FromDouble(number);
    if (!value || PyDict_SetItem(out.ptr(), key.ptr(), value) != 0) {
      Py_XDECREF(value);
      throw py::error_already_set();
    }
    Py_DECREF(value);
  }
};

std::vector<std::string> metric_names(const PyCostLibrary& self, Space space,
                                      const std::string& setting, py::handle metrics) {
  if (!metrics.is_none()) return metric_list(metrics);
  std::vector<std::string> names;
  for (const CostKey& key : self.library().keys(space, setting)) names.push_back(key.to_string());
  return names;
}

py::dict query(PyCostLibrary& self, const std::string& space_name, const std::string& setting,
               py::handle arch_value, py::handle metrics) {
  const Space space = parse_space(space_name);
  const Arch arch = to_arch(self.library(), space, arch_value);
  py::dict out;
  for (const auto& name : metric_names(self, space, setting, metrics)) {
    out[py::str(name)] = self.model(space, setting, name).cost(arch);
  }
  return out;
}

}  // namespace

void bind_cost_library(py::module_& m) {
  CostLibraryClass cls(m, "CostLibrary", R"doc(
Every cost table of the project: the HW-NAS-Bench FBNet LUT and NB201 tables, the HELP devices and
the NB201 accuracies, plus profiled or fitted FBNet tables.

  lib = hwnas.CostLibrary()                          # the built-in data/ (or $HWNAS_DATA_DIR)
  lib = hwnas.CostLibrary(data_dir="data", cost_tables=["runs/profile/host_cpu_latency.json"])

Spaces are "fbnet" and "nb201"; settings "cifar100", "cifar10", "ImageNet" (fbnet) and "cifar10"
(nb201); metrics are table columns such as "edgegpu_latency" (see metrics()). An arch is an NB201
index, a string in any form hwnas_query takes, or a sequence of choice indices (FBNet names too).
A value the tables do not have raises hwnas.MissingValueError; it is never 0.)doc");
  cls.def(py::init([](const std::string& data_dir, const std::vector<std::string>& cost_tables) {
            std::shared_ptr<const CostLibrary> library;
            {
              py::gil_scoped_release release;  // ~0.1 s of CSV and JSON parsing
              library = CostLibrary::load(data_dir, cost_tables);
            }
            return std::make_shared<PyCostLibrary>(std::move(library));
          }),
          py::arg("data_dir") = "", py::arg("cost_tables") = std::vector<std::string>{},
          "Loads the tables from data_dir (\"\" = $HWNAS_DATA_DIR or the built-in data/), then each "
          "extra FBNet LUT file of cost_tables (hwnas_profile, hwnas_fit) as further devices.");
  cls.def_property_readonly("data_dir", [](const PyCostLibrary& self) { return self.library().dir(); });
  cls.def_property_readonly(
      "fbnet_lut_file", [](const PyCostLibrary& self) { return self.library().fbnet().file(); },
      "The HW-NAS-Bench FBNet lookup table file (metric -> op key -> cost).");
  cls.def(
      "settings",
      [](const PyCostLibrary& self, const std::string& space) {
        return self.library().settings(parse_space(space));
      },
      py::arg("space"), "Dataset settings that have cost tables.");
  cls.def(
      "metrics",
      [](const PyCostLibrary& self, const std::string& space, const std::string& setting) {
        std::vector<std::string> names;
        for (const CostKey& key : self.library().keys(parse_space(space), setting)) {
          names.push_back(key.to_string());
        }
        return names;
      },
      py::arg("space"), py::arg("setting") = "",
      "Every metric of the space; with a setting, those that have a table for it.");
  cls.def(
      "cost",
      [](PyCostLibrary& self, const std::string& space_name, const std::string& setting,
         py::handle arch, const std::string& metric) {
        const Space space = parse_space(space_name);
        return self.model(space, setting, metric).cost(to_arch(self.library(), space, arch));
      },
      py::arg("space"), py::arg("setting"), py::arg("arch"), py::arg("metric"),
      "The cost of one arch on one metric (float).");
  cls.def("query", &query, py::arg("space"), py::arg("setting"), py::arg("arch"),
          py::arg("metrics") = py::none(),
          "{metric: cost} of one arch for `metrics` (default: every metric of the setting).");
  py::class_<CostQuery>(m, "CostQuery", "A prepared query: call it with an arch for {metric: cost}.")
      .def("__call__", &CostQuery::operator(), py::arg("arch"))
      .def_property_readonly("metrics", [](const CostQuery& q) {
        py::list names;
        for (const auto& key : q.keys) names.append(key);
        return names;
      });
  cls.def(
      "query_function",
      [](const std::shared_ptr<PyCostLibrary>& self, const std::string& space_name,
         const std::string& setting, py::handle metrics,
         std::optional<std::pair<std::string, std::vector<std::string>>> product) {
        CostQuery q{self, parse_space(space_name), {}, {}, py::none(), {}};
        const auto names = metric_names(*self, q.space, setting, metrics);
        if (names.size() > CostQuery::kMaxMetrics) {
          throw InputError("query_function: at most " + std::to_string(CostQuery::kMaxMetrics) +
                           " metrics, got " + std::to_string(names.size()));
        }
        for (const auto& name : names) {
          q.models.push_back(&self->model(q.space, setting, name));
          q.keys.emplace_back(name);
        }
        if (product) {
          q.product_key = py::str(product->first);
          for (const auto& name : product->second) {
            const auto found = std::find(names.begin(), names.end(), name);
            if (found == names.end()) {
              throw InputError("query_function: product metric '" + name + "' is not one of the "
                               "query's metrics");
            }
            q.product_of.push_back(static_cast<size_t>(found - names.begin()));
          }
          if (q.product_of.empty()) throw InputError("query_function: product of no metrics");
        }
        return q;
      },
      py::arg("space"), py::arg("setting"), py::arg("metrics") = py::none(),
      py::arg("product") = py::none(), R"doc(
query() prepared once for many archs, the fastest single-arch form (~1 us for 8 metrics).
product=(name, [metrics]) adds their product, multiplied in that order, under `name`
(HW-NAS-Bench's average_hw_metric).)doc");
  cls.def("costs", &costs, py::arg("space"), py::arg("setting"), py::arg("archs"),
          py::arg("metrics"), py::arg("unknown") = "raise", R"doc(
Costs of a batch: archs is an integer numpy array of shape (N, 22) (fbnet choice indices), (N, 6)
(nb201 op indices) or (N,) (nb201 indices); metrics a name or a list of M names. Returns a float64
(N, M) array (column-major: each metric's column is contiguous). unknown="raise" raises
MissingValueError at the first value the tables lack; unknown="mask" returns (values, known) with
NaN where known is False. The loop runs in C++ with the GIL released.)doc");
  cls.def(
      "complexity",
      [](const PyCostLibrary& self, const std::string& space, const std::string& setting,
         py::handle arch) {
        const Complexity c =
            complexity_of(self.library(), to_arch(self.library(), parse_space(space), arch), setting);
        return py::make_tuple(c.mflops, c.mparams);
      },
      py::arg("space"), py::arg("setting"), py::arg("arch"),
      "(MFLOPs, M params) of one arch, NAS-Bench-201 API conventions (README Conventions).");
  cls.def(
      "complexities",
      [](const PyCostLibrary& self, const std::string& space_name, const std::string& setting,
         py::handle archs) {
        const Space space = parse_space(space_name);
        const ChoiceBatch batch = to_choice_batch(self.library(), space, archs);
        py::array_t<double> flops(batch.count), params(batch.count);
        double* f = flops.mutable_data();
        double* p = params.mutable_data();
        const int decisions = search_space(space).num_decisions;
        {
          py::gil_scoped_release release;
          for (size_t i = 0; i < batch.count; ++i) {
            const uint8_t* row = batch.choices + i * decisions;
            const Arch arch{space, std::vector<int>(row, row + decisions)};
            const Complexity c = complexity_of(self.library(), arch, setting);
            f[i] = c.mflops;
            p[i] = c.mparams;
          }
        }
        return py::make_tuple(std::move(flops), std::move(params));
      },
      py::arg("space"), py::arg("setting"), py::arg("archs"),
      "(MFLOPs array, M params array) of a batch (the archs forms of costs()).");
  cls.def(
      "accuracy",
      [](const PyCostLibrary& self, py::handle arch, const std::string& dataset) {
        return self.library().nb201().accuracy(to_arch(self.library(), Space::NB201, arch),
                                               parse_nb201_dataset(dataset));
      },
      py::arg("arch"), py::arg("dataset") = "cifar10",
      "NAS-Bench-201 200-epoch test accuracy (%) of an nb201 arch: cifar10, cifar100, ImageNet16-120.");
  cls.def(
      "accuracies",
      [](const PyCostLibrary& self, py::handle archs, const std::vector<std::string>& datasets) {
        std::vector<const std::vector<double>*> columns;
        for (const auto& d : datasets) columns.push_back(&self.library().nb201().accuracy_by_code(parse_nb201_dataset(d)));
        const ChoiceBatch batch = to_choice_batch(self.library(), Space::NB201, archs);
        auto out = column_major(batch.count, columns.size());
        double* values = out.mutable_data();
        {
          py::gil_scoped_release release;
          for (size_t i = 0; i < batch.count; ++i) {
            const uint8_t* row = batch.choices + i * kNb201Edges;
            const int code = nb201_code(Arch{Space::NB201, std::vector<int>(row, row + kNb201Edges)});
            for (size_t d = 0; d < columns.size(); ++d) values[d * batch.count + i] = (*columns[d])[code];
          }
        }
        return out;
      },
      py::arg("archs"), py::arg("datasets") = std::vector<std::string>{"cifar10"},
      "(N, D) accuracies of a batch of nb201 archs for D datasets.");
  cls.def(
      "arch",
      [](const PyCostLibrary& self, const std::string& space, py::handle arch) {
        return arch_forms(self.library(), to_arch(self.library(), parse_space(space), arch));
      },
      py::arg("space"), py::arg("arch"),
      "The HW-NAS-Bench forms of an arch: fbnet {op_idx_list, arch_str}, nb201 {index, ops, arch_str}.");
  bind_expected_cost(cls);
  bind_zero_cost(cls);
}

}  // namespace hwnas::python
