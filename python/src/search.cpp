// hwnas.search() and hwnas.SearchSession: searches from a config, run in process by the code
// hwnas_search runs (search/sampling/search_job.h, search/differentiable/supernet_job.h), or
// driven ask/tell from Python (search/sampling/external_search.h). Sampling results carry the
// query history as numpy arrays.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <optional>

#include "core/config.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"
#include "python/src/arch_arguments.h"
#include "python/src/cost_library.h"
#include "search/differentiable/supernet_evaluator.h"
#include "search/differentiable/supernet_job.h"
#include "search/differentiable/supernet_search.h"
#include "search/differentiable/supernet_strategy.h"
#include "search/sampling/external_search.h"
#include "search/sampling/run_outputs.h"
#include "search/sampling/search_job.h"
#include "search/sampling/seen_archs.h"
#include "search/zero_cost/zero_cost_evaluator.h"

namespace py = pybind11;

namespace hwnas::python {
namespace {

// An arch handed to SeenArchs, checked as the cost library checks every arch (space.h's
// validate): SeenArchs indexes its tables by the choices, so an out-of-range one must not reach it.
Arch checked_seen_arch(const SeenArchs& seen, const std::vector<int>& ops, const std::string& method) {
  Arch arch{seen.space(), ops};
  try {
    validate(arch);
  } catch (const InputError& e) {
    throw InputError("SeenArchs." + method + ": " + e.what());
  }
  return arch;
}

std::string space_size_text(const SearchSpace& space) {
  return std::to_string(space.num_choices) + "^" + std::to_string(space.num_decisions);
}

// A config read, its strategy type settled over both registries (as hwnas_search does).
struct LoadedConfig {
  Config config;
  std::string source;
  std::string type;
};

LoadedConfig load_config(const std::string& path_or_text, bool is_text, const std::string& source,
                         const std::vector<std::string>& overrides) {
  py::gil_scoped_release release;
  LoadedConfig loaded{is_text ? Config::parse(path_or_text, source, overrides)
                              : Config::load(path_or_text, overrides),
                      source, ""};
  register_builtin_strategies();
  register_external_strategy();  // SearchSession's strategy.type
  register_builtin_supernet_strategies();
  auto types = StrategyRegistry::global().names();
  for (const auto& name : SupernetStrategyRegistry::global().names()) types.push_back(name);
  loaded.type = loaded.config.root().child("strategy").get_choice(
      "type", "evolution", types, /*list_word=*/"registered");
  return loaded;
}

// A sampling run built from its config (tables loaded or `library` used, every key checked).
std::shared_ptr<const SearchRun> build_sampling_run(const LoadedConfig& loaded,
                                                    const std::shared_ptr<PyCostLibrary>& library) {
  py::gil_scoped_release release;
  register_supernet_evaluator();
  register_zero_cost_evaluator();
  return std::make_shared<const SearchRun>(
      SearchRun::from_config(loaded.config, library ? library->shared() : nullptr));
}

// A supernet search's result with its run folder (arch.json or supernet.json).
struct PySupernetResult {
  SupernetSearchResult result;
  std::shared_ptr<const CostLibrary> library;
  std::string dir;
};

// One finished run: the engine's SearchResult with what reading it needs.
struct PySearchResult {
  SearchResult result;
  std::shared_ptr<const SearchRun> run;
  std::string dir;  // "" when no run folder was written
};

py::dict history_arrays(const SearchRun& run, const std::vector<QueryRecord>& history) {
  const size_t n = history.size();
  const size_t decisions = static_cast<size_t>(run.evaluator().space().num_decisions);
  const size_t metrics = run.evaluator().metrics().size();
  py::array_t<int32_t> archs({n, decisions});
  py::array_t<int32_t> index(n);
  py::array_t<double> accuracy(n), fitness(n), elapsed(n);
  py::array_t<double> costs({n, metrics});
  py::array_t<bool> feasible(n), known(n);
  for (size_t i = 0; i < n; ++i) {
    const QueryRecord& q = history[i];
    for (size_t d = 0; d < decisions; ++d) archs.mutable_at(i, d) = q.arch.ops[d];
    index.mutable_at(i) = run.evaluator().arch_index(q.arch);
    accuracy.mutable_at(i) = q.eval.accuracy;
    for (size_t m = 0; m < metrics; ++m) costs.mutable_at(i, m) = q.eval.costs[m];
    fitness.mutable_at(i) = q.fitness;
    feasible.mutable_at(i) = q.feasible;
    known.mutable_at(i) = q.eval.known;
    elapsed.mutable_at(i) = q.elapsed_seconds;
  }
  py::list names;
  for (const CostKey& key : run.evaluator().metrics()) names.append(key.to_string());
  py::dict out;
  out["archs"] = archs;
  out["index"] = index;
  out["accuracy"] = accuracy;
  out["costs"] = costs;
  out["metrics"] = names;
  out["fitness"] = fitness;
  out["feasible"] = feasible;
  out["known"] = known;
  out["elapsed_seconds"] = elapsed;
  return out;
}

py::dict costs_dict(const SearchRun& run, const Evaluation& eval) {
  py::dict costs;
  const auto& metrics = run.evaluator().metrics();
  for (size_t m = 0; m < metrics.size(); ++m) costs[py::str(metrics[m].to_string())] = eval.costs[m];
  return costs;
}

// The found arch as arch.json describes it (HW-NAS-Bench forms, its cost on every device and
// metric, FLOPs, params, accuracies), or None when no query was feasible.
py::object arch_report(const PySearchResult& self, int history_index) {
  if (history_index < 0) return py::none();
  const auto report = make_arch_report(self.run->library(), self.result.history[history_index].arch,
                                       self.run->options().setting);
  return py::module_::import("json").attr("loads")(report.to_json());
}

// One evaluated query, with the run that names its cost metrics.
struct PyQuery {
  QueryRecord record;
  std::shared_ptr<const SearchRun> run;
};

void bind_query(py::module_& m) {
  py::class_<PyQuery>(m, "Query", "One evaluated query: the arch, its evaluation and its score.")
      .def_property_readonly("arch", [](const PyQuery& q) { return q.record.arch.ops; })
      .def_property_readonly("accuracy", [](const PyQuery& q) { return q.record.eval.accuracy; })
      .def_property_readonly("costs", [](const PyQuery& q) { return costs_dict(*q.run, q.record.eval); },
                             "{metric: cost} on the objective's metrics; NaN where unknown (never 0).")
      .def_property_readonly("known", [](const PyQuery& q) { return q.record.eval.known; })
      .def_property_readonly("fitness", [](const PyQuery& q) { return q.record.fitness; },
                             "The objective's score (higher is better).")
      .def_property_readonly("feasible", [](const PyQuery& q) { return q.record.feasible; })
      .def_property_readonly("train_seconds", [](const PyQuery& q) { return q.record.eval.train_seconds; })
      .def_property_readonly("elapsed_seconds", [](const PyQuery& q) { return q.record.elapsed_seconds; })
      .def("__repr__", [](const PyQuery& q) {
        return "<hwnas.Query " + q.run->evaluator().arch_label(q.record.arch) + ": accuracy " +
               std::to_string(q.record.eval.accuracy) + ", fitness " + std::to_string(q.record.fitness) +
               (q.record.feasible ? ", feasible>" : ", infeasible>");
      });
}

void bind_search_result(py::module_& m) {
  py::class_<PySearchResult, std::shared_ptr<PySearchResult>>(m, "SearchResult", R"doc(
A finished search: the best feasible arch (or the found Pareto front), regret against the table's
optimum, and the whole query history as numpy arrays.)doc")
      .def_property_readonly("strategy", [](const PySearchResult& r) { return r.result.strategy; })
      .def_property_readonly("seed", [](const PySearchResult& r) { return r.result.seed; })
      .def_property_readonly("run_dir", [](const PySearchResult& r) -> py::object {
        if (r.dir.empty()) return py::none();
        return py::str(r.dir);
      })
      .def_property_readonly("queries", [](const PySearchResult& r) { return r.result.history.size(); })
      .def_property_readonly("best_query", [](const PySearchResult& r) -> py::object {
        if (r.result.best < 0) return py::none();
        return py::int_(r.result.best);
      }, "History index of the best feasible query (None: none was feasible, or a Pareto run).")
      .def_property_readonly("arch", [](const PySearchResult& r) { return arch_report(r, r.result.best); },
                             "The best feasible arch as arch.json holds it (dict), or None.")
      .def_property_readonly("accuracy", [](const PySearchResult& r) -> py::object {
        if (r.result.best < 0) return py::none();
        return py::float_(r.result.history[r.result.best].eval.accuracy);
      })
      .def_property_readonly("costs", [](const PySearchResult& r) -> py::object {
        if (r.result.best < 0) return py::none();
        return costs_dict(*r.run, r.result.history[r.result.best].eval);
      }, "{metric: cost} of the best arch on the objective's metrics.")
      .def_property_readonly("front", [](const PySearchResult& r) { return r.result.front; },
                             "History indices of the found Pareto front (Pareto objectives).")
      .def_property_readonly("hypervolume", [](const PySearchResult& r) { return r.result.hypervolume; })
      .def_property_readonly("regret", [](const PySearchResult& r) { return r.result.final_regret(); },
                             "Regret after the last query (NaN without an enumerable optimum).")
      .def_property_readonly("regret_by_query", [](const PySearchResult& r) {
        return py::array_t<double>(r.result.regret_by_query.size(), r.result.regret_by_query.data());
      })
      .def("regret_after", [](const PySearchResult& r, int queries) { return r.result.regret_after(queries); },
           py::arg("queries"))
      .def_property_readonly("unknown_cost_queries", [](const PySearchResult& r) { return r.result.unknown_cost_queries; })
      .def_property_readonly("infeasible_queries", [](const PySearchResult& r) { return r.result.infeasible_queries; })
      .def_property_readonly("simulated_seconds", [](const PySearchResult& r) { return r.result.simulated_seconds; })
      .def_property_readonly("wall_seconds", [](const PySearchResult& r) { return r.result.wall_seconds; })
      .def_property_readonly("history", [](const PySearchResult& r) { return history_arrays(*r.run, r.result.history); },
                             "Every query: archs (N, D), index, accuracy, costs (N, M), metrics, fitness, "
                             "feasible, known, elapsed_seconds.")
      .def("brief_report", [](const PySearchResult& r) {
        return r.result.brief_report(r.run->evaluator(), r.run->objective());
      })
      .def("full_report", [](const PySearchResult& r) {
        return r.result.full_report(r.run->evaluator(), r.run->objective(), r.run->optimum());
      })
      .def("__repr__", [](const PySearchResult& r) {
        return "<hwnas.SearchResult " + r.result.brief_report(r.run->evaluator(), r.run->objective()) + ">";
      });
  m.def(
      "_seeds_table",
      [](const std::vector<std::shared_ptr<PySearchResult>>& results, int max_queries) {
        std::vector<SearchResult> plain;
        for (const auto& r : results) plain.push_back(r->result);
        return summarise_seeds(plain, max_queries).table();
      },
      py::arg("results"), py::arg("max_queries"),
      "hwnas_search --seeds' regret table (mean, std, min, max at the checkpoints) of these results.");
}

void bind_run_search(py::module_& m) {
  m.def("_parse_seeds", &parse_seed_list, py::arg("text"), "\"7\", \"0-99\", \"1,2,10-12\" -> seeds.");
  m.def(
      "_search",
      [](const std::string& path_or_text, bool is_text, const std::string& source,
         const std::vector<std::string>& overrides, std::optional<std::vector<uint64_t>> seeds,
         std::optional<std::string> out, const std::shared_ptr<PyCostLibrary>& library) -> py::tuple {
        const LoadedConfig loaded = load_config(path_or_text, is_text, source, overrides);
        if (is_supernet_strategy(loaded.type)) {
          if (seeds) {
            throw InputError("seeds= is for sampling strategies; run supernet searches one seed "
                             "at a time (overrides=[\"seed=N\"])");
          }
          PySupernetResult found;
          {
            py::gil_scoped_release release;  // the training: minutes to hours
            const auto options = SupernetSearchOptions::read(loaded.config);
            loaded.config.check_unknown_keys();
            found.dir = out ? *out : options.run.run_dir();
            found.library = library ? library->shared() : options.tables.load();
            found.result = run_supernet_job(options, loaded.config, found.dir, /*resume=*/false,
                                            overrides, "--config " + source, found.library);
          }
          const std::string report = found.result.brief_report();
          return py::make_tuple("supernet", std::move(found), report);
        }
        const auto run = build_sampling_run(loaded, library);
        const std::string dir = out ? *out : run->options().run.run_dir();
        SamplingJob job;
        {
          py::gil_scoped_release release;
          job = run_sampling_job(*run, loaded.config, dir, source, seeds);
        }
        py::list results;
        for (auto& r : job.results) {
          results.append(std::make_shared<PySearchResult>(PySearchResult{std::move(r), run, dir}));
        }
        return py::make_tuple("sampling", results, job.report);
      },
      py::arg("config"), py::arg("is_text"), py::arg("source"), py::arg("overrides"),
      py::arg("seeds"), py::arg("out"), py::arg("library"));

  py::class_<PySupernetResult>(m, "SupernetResult", R"doc(
A finished supernet search (strategy.type proxylessnas, fbnet_dnas, or the weights-only warmup and
spos): the derived arch, its cost, the supernet's top-1, the architecture probabilities, and the
run folder with arch.json (or supernet.json) and checkpoints/.)doc")
      .def_property_readonly("run_dir", [](const PySupernetResult& r) { return r.dir; })
      .def_property_readonly("trained_only", [](const PySupernetResult& r) -> py::object {
        if (r.result.trained_only.empty()) return py::none();
        return py::str(r.result.trained_only);
      }, "The strategy of a weights-only run (no arch searched), else None.")
      .def_property_readonly("arch", [](const PySupernetResult& r) -> py::object {
        if (!r.result.trained_only.empty()) return py::none();
        return arch_forms(*r.library, r.result.arch);
      }, "The found arch's HW-NAS-Bench forms (None for a weights-only run).")
      .def_property_readonly("arch_cost", [](const PySupernetResult& r) { return r.result.arch_cost; })
      .def_property_readonly("expected_cost", [](const PySupernetResult& r) { return r.result.expected_cost; })
      .def_property_readonly("test_accuracy", [](const PySupernetResult& r) { return r.result.test_accuracy; },
                             "The found arch's top-1 in the supernet after the last epoch (%).")
      .def_property_readonly("table_accuracy", [](const PySupernetResult& r) { return r.result.table_accuracy; })
      .def_property_readonly("best_accuracy_at_cost", [](const PySupernetResult& r) { return r.result.best_accuracy_at_cost; })
      .def_property_readonly("epochs", [](const PySupernetResult& r) { return r.result.epochs; })
      .def_property_readonly("probabilities", [](const PySupernetResult& r) {
        const auto& p = r.result.probabilities;
        const size_t rows = p.size(), cols = rows ? p[0].size() : 0;
        py::array_t<double> out({rows, cols});
        for (size_t i = 0; i < rows; ++i) {
          for (size_t j = 0; j < cols; ++j) out.mutable_at(i, j) = p[i][j];
        }
        return out;
      }, "softmax(alphas), (slots, choices).")
      .def("brief_report", [](const PySupernetResult& r) { return r.result.brief_report(); })
      .def("__repr__", [](const PySupernetResult& r) { return "<hwnas.SupernetResult " + r.result.brief_report() + ">"; });
}

// The strategy's random stream inside a session: the draws a built-in strategy makes.
struct PyRandom {
  std::shared_ptr<ExternalSearch> search;
};

void bind_session(py::module_& m) {
  py::class_<PyRandom>(m, "Random", R"doc(
The session's random stream: the std::mt19937_64 seeded with the run's seed that SearchContext
gives a built-in strategy, with the draws those strategies use, so that a Python port of a
built-in strategy reproduces its queries exactly.)doc")
      .def("random_arch", [](PyRandom& r) { return r.search->context().random_arch().ops; },
           "A uniformly random arch (SearchContext::random_arch).")
      .def(
          "mutate_one",
          [](PyRandom& r, py::handle arch) {
            SearchContext& ctx = r.search->context();
            return ctx.mutate_one(to_arch(r.search->run().library(), ctx.space().space, arch)).ops;
          },
          py::arg("arch"), "A copy with one decision changed to another choice (SearchContext::mutate_one).")
      .def(
          "randint",
          [](PyRandom& r, int64_t low, int64_t high) {
            if (high < low) throw InputError("randint(" + std::to_string(low) + ", " + std::to_string(high) + "): high < low");
            return std::uniform_int_distribution<int64_t>(low, high)(r.search->context().rng());
          },
          py::arg("low"), py::arg("high"),
          "An integer in [low, high], both included (std::uniform_int_distribution).")
      .def(
          "uniform",
          [](PyRandom& r) { return std::uniform_real_distribution<double>(0.0, 1.0)(r.search->context().rng()); },
          "A float in [0, 1) (std::uniform_real_distribution).");

  py::class_<SeenArchs>(m, "SeenArchs", R"doc(
The archs a search has queried with their fitness, and those not queried yet (the memo of the
built-in evolution and local search over NB201), with the same uniform draw among the unseen.)doc")
      .def(py::init([](const std::string& name) {
             const SearchSpace& space = search_space(parse_space(name));
             if (!SeenArchs::enumerable(space)) {
               throw InputError("SeenArchs: space " + space.name + " has " + space_size_text(space) +
                                " archs, too many to enumerate (SeenArchs takes nb201)");
             }
             return SeenArchs(space);
           }),
           py::arg("space"))
      .def_static("enumerable", [](const std::string& space) {
        return SeenArchs::enumerable(search_space(parse_space(space)));
      })
      .def("find", [](const SeenArchs& s, const std::vector<int>& ops) -> py::object {
        const double* f = s.find(checked_seen_arch(s, ops, "find"));
        if (!f) return py::none();
        return py::float_(*f);
      }, py::arg("arch"))
      .def("insert", [](SeenArchs& s, const std::vector<int>& ops, double fitness) {
        const Arch arch = checked_seen_arch(s, ops, "insert");
        // -inf is the engine's fitness of an arch whose cost is unknown (kUnknownFitness).
        if (std::isnan(fitness) || fitness == std::numeric_limits<double>::infinity()) {
          throw InputError("SeenArchs.insert: fitness is " + format_double(fitness) +
                           ", expected a finite number (or -inf: an unknown cost)");
        }
        s.insert(arch, fitness);
      }, py::arg("arch"), py::arg("fitness"))
      .def_property_readonly("complete", &SeenArchs::complete)
      .def("__len__", &SeenArchs::size)
      .def_property_readonly("num_archs", &SeenArchs::num_archs)
      .def("random_unseen", [](const SeenArchs& s, PyRandom& r) {
        if (s.complete()) throw InputError("random_unseen: every arch has been queried");
        return s.random_unseen(r.search->context().rng()).ops;
      });

  py::class_<ExternalSearch, std::shared_ptr<ExternalSearch>>(m, "_Session")
      .def(py::init([](const std::string& path_or_text, bool is_text, const std::string& source,
                       const std::vector<std::string>& overrides, std::optional<std::string> out,
                       const std::shared_ptr<PyCostLibrary>& library) {
             const LoadedConfig loaded = load_config(path_or_text, is_text, source, overrides);
             const auto run = build_sampling_run(loaded, library);
             const std::string dir = out ? *out : run->options().run.run_dir();
             const auto seed = static_cast<uint64_t>(run->options().run.seed);
             return std::make_shared<ExternalSearch>(run, seed, dir, loaded.config.resolved_yaml());
           }),
           py::arg("config"), py::arg("is_text"), py::arg("source"), py::arg("overrides"),
           py::arg("out"), py::arg("library"))
      .def_property_readonly("space", [](const ExternalSearch& s) { return s.run().evaluator().space().name; })
      .def_property_readonly("metrics", [](const ExternalSearch& s) {
        std::vector<std::string> names;
        for (const auto& key : s.run().evaluator().metrics()) names.push_back(key.to_string());
        return names;
      })
      .def_property_readonly("objective", [](const ExternalSearch& s) { return s.run().objective().describe(); })
      .def_property_readonly("objective_options", [](const ExternalSearch& s) {
        const ObjectiveOptions& o = s.run().objective().options();
        py::dict d;
        d["type"] = o.type;
        d["dataset"] = o.dataset;
        d["metric"] = o.metric;
        d["limit"] = o.limit;
        d["target"] = o.target;
        d["alpha"] = o.alpha;
        d["beta"] = o.beta;
        d["metrics"] = o.metrics;
        return d;
      })
      .def_property_readonly("evaluator", [](const ExternalSearch& s) { return s.run().evaluator().describe(); })
      .def_property_readonly("strategy", [](const ExternalSearch& s) { return s.run().strategy().name(); })
      .def_property_readonly("budget", [](const ExternalSearch& s) { return s.run().budget().queries; })
      .def_property_readonly("seed", &ExternalSearch::seed)
      .def_property_readonly("run_dir", [](const ExternalSearch& s) -> py::object {
        if (s.dir().empty()) return py::none();
        return py::str(s.dir());
      })
      .def_property_readonly("finished", &ExternalSearch::finished)
      .def_property_readonly("exhausted", &ExternalSearch::exhausted)
      .def_property_readonly("queries", [](const ExternalSearch& s) { return s.history().size(); })
      .def_property_readonly("history", [](const ExternalSearch& s) { return history_arrays(s.run(), s.history()); })
      .def("query", [](ExternalSearch& s, py::handle arch) {
        const Arch a = to_arch(s.run().library(), s.run().evaluator().space().space, arch);
        PyQuery q{QueryRecord{}, s.shared_run()};
        {
          py::gil_scoped_release release;  // a supernet evaluator takes seconds
          q.record = s.query(a);
        }
        return q;
      }, py::arg("arch"))
      .def("random", [](const std::shared_ptr<ExternalSearch>& s) { return PyRandom{s}; })
      .def("finish", [](const std::shared_ptr<ExternalSearch>& s) {
        py::gil_scoped_release release;
        s->finish();
        return std::make_shared<PySearchResult>(PySearchResult{s->result(), s->shared_run(), s->dir()});
      });
}

}  // namespace

void bind_search(py::module_& m) {
  bind_query(m);
  bind_search_result(m);
  bind_run_search(m);
  bind_session(m);
}

}  // namespace hwnas::python
