// CostLibrary.zero_cost_scores: the training-free proxies of search/zero_cost on an array of
// archs, the scores hwnas_score writes (one row per arch, one column per proxy).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <optional>

#include "core/config.h"
#include "core/error.h"
#include "python/src/arch_arguments.h"
#include "python/src/cost_library.h"
#include "search/zero_cost/zero_cost_scorer.h"

namespace py = pybind11;

namespace hwnas::python {

void bind_zero_cost(CostLibraryClass& cls) {
  cls.def(
      "zero_cost_scores",
      [](PyCostLibrary& self, const std::string& space_name, py::handle archs,
         const std::optional<std::vector<std::string>>& proxies, const std::string& setting,
         int batch_size, int batches, int seed, const std::string& init, const std::string& dataset,
         const std::string& data_path, int threads) {
        const Space space = parse_space(space_name);
        std::vector<Proxy> wanted;
        if (proxies) {
          for (const auto& name : *proxies) wanted.push_back(parse_proxy(name));
        } else {
          wanted = all_proxies();
        }
        ZeroCostInputs inputs;
        inputs.batch_size = batch_size;
        inputs.batches = batches;
        inputs.seed = seed;
        inputs.init = init;
        inputs.data.dataset = dataset;
        inputs.data.path = data_path;
        inputs.threads = threads;
        try {
          inputs.validate();
        } catch (const InvalidOption& e) {
          throw InputError("zero_cost_scores: " + std::string(e.what()));
        }
        // A numpy batch in the cost queries' forms, or a sequence of archs in any single form.
        std::vector<Arch> list;
        if (py::isinstance<py::array>(archs)) {
          const ChoiceBatch batch = to_choice_batch(self.library(), space, archs);
          const size_t decisions = static_cast<size_t>(search_space(space).num_decisions);
          for (size_t i = 0; i < batch.count; ++i) {
            list.push_back({space, std::vector<int>(batch.choices + i * decisions,
                                                    batch.choices + (i + 1) * decisions)});
          }
        } else if (py::isinstance<py::sequence>(archs) && !py::isinstance<py::str>(archs)) {
          for (const auto& item : py::reinterpret_borrow<py::sequence>(archs)) {
            list.push_back(to_arch(self.library(), space, item));
          }
        } else {
          throw InputError("zero_cost_scores: archs must be a numpy array or a list of archs");
        }
        py::array_t<double> out({list.size(), wanted.size()});
        auto cells = out.mutable_unchecked<2>();
        {
          py::gil_scoped_release release;
          const ZeroCostScorer scorer(inputs, space, space == Space::NB201 ? "cifar10" : setting,
                                      wanted);
          for (size_t i = 0; i < list.size(); ++i) {
            const auto scores = scorer.score(list[i]);
            for (size_t p = 0; p < scores.size(); ++p) cells(i, p) = scores[p];
          }
        }
        return out;
      },
      py::arg("space"), py::arg("archs"), py::arg("proxies") = py::none(),
      py::arg("setting") = "cifar10", py::arg("batch_size") = 64, py::arg("batches") = 2,
      py::arg("seed") = 0, py::arg("init") = "default", py::arg("dataset") = "cifar10",
      py::arg("data_path") = "../shared/data/cifar10", py::arg("threads") = 0,
      "Training-free proxy scores of `archs` (numpy (N, 6|22) choices, NB201 indices, or a list of "
      "archs) -> numpy (N, len(proxies)); NaN where a proxy cannot score an arch. Proxies: params, "
      "flops, grad_norm, snip, synflow, jacov, naswot, zico (default: all), at initialisation on "
      "`batches` x `batch_size` training images of `dataset` (README: zero-cost evaluators).");
}

}  // namespace hwnas::python
