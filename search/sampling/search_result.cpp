#include "search/sampling/search_result.h"

#include <algorithm>
#include <cmath>

#include "core/pareto.h"
#include "core/strings.h"

namespace hwnas {

namespace {

constexpr int kMaxEnumerated = 1 << 20;  // spaces up to this size are enumerated for the optimum

std::string costs_text(const Evaluation& e, const Objective& objective) {
  std::string out;
  for (size_t m = 0; m < objective.metrics().size(); ++m) {
    const CostKey& key = objective.metrics()[m];
    out += ", " + key.to_string() + " " +
           (std::isnan(e.costs[m]) ? std::string("unknown") : format_fixed(e.costs[m], 3)) + " " +
           metric_unit(key.metric);
  }
  return out;
}


}  // namespace

TableOptimum TableOptimum::compute(const Evaluator& evaluator, const Objective& objective) {
  TableOptimum t;
  t.kind = objective.kind();
  const SearchSpace& space = evaluator.space();
  if (!evaluator.enumerable() || space.num_archs() > kMaxEnumerated) return t;
  t.available = true;
  t.num_archs = static_cast<int>(space.num_archs());
  std::vector<std::vector<double>> points;
  std::vector<int> codes;
  for (int code = 0; code < t.num_archs; ++code) {
    const Evaluation e = evaluator.evaluate_code(code);
    if (!e.known) {
      ++t.num_unknown;
      continue;
    }
    if (objective.feasible(e)) {
      ++t.num_feasible;
      const double f = objective.fitness(e);
      if (t.best_code < 0 || f > t.best_value) {
        t.best_code = code;
        t.best_value = f;
      }
    }
    if (t.kind == Objective::Kind::Pareto) {
      points.push_back(objective.pareto_point(e));
      codes.push_back(code);
    }
  }
  if (t.kind == Objective::Kind::Pareto && !points.empty()) {
    t.ideal = points[0];
    t.nadir = points[0];
    for (const auto& p : points) {
      for (size_t j = 0; j < p.size(); ++j) {
        t.ideal[j] = std::min(t.ideal[j], p[j]);
        t.nadir[j] = std::max(t.nadir[j], p[j]);
      }
    }
    std::vector<std::vector<double>> normalised;
    for (size_t i : pareto_front(points)) {
      t.front_codes.push_back(codes[i]);
      t.front_points.push_back(points[i]);
      normalised.push_back(t.normalise(points[i]));
    }
    t.hypervolume = hwnas::hypervolume(normalised, std::vector<double>(t.ideal.size(), 1.0));
  }
  return t;
}

std::vector<double> TableOptimum::normalise(const std::vector<double>& point) const {
  std::vector<double> out(point.size());
  for (size_t j = 0; j < point.size(); ++j) {
    const double range = nadir[j] - ideal[j];
    out[j] = range > 0 ? (point[j] - ideal[j]) / range : 0.0;
  }
  return out;
}

SearchResult make_result(const std::string& strategy, SearchContext& ctx,
                         const TableOptimum& optimum) {
  SearchResult r;
  r.strategy = strategy;
  r.seed = ctx.seed();
  r.history = ctx.take_history();
  const Objective& objective = ctx.objective();
  const bool pareto = objective.multi_objective();
  const std::vector<double> reference(objective.metrics().size() + 1, 1.0);
  std::vector<std::vector<double>> front_points;  // normalised, the current front
  std::vector<int> front;
  double best_value = 0;  // a run with no feasible query yet counts as 0
  for (size_t i = 0; i < r.history.size(); ++i) {
    const QueryRecord& q = r.history[i];
    if (!q.eval.known) ++r.unknown_cost_queries;
    if (!q.feasible) ++r.infeasible_queries;
    r.simulated_seconds = q.elapsed_seconds;
    if (q.feasible && !pareto && (r.best < 0 || q.fitness > r.history[r.best].fitness)) {
      r.best = static_cast<int>(i);
      best_value = q.fitness;
    }
    if (pareto && q.eval.known) {
      // Incremental front: cheap because fronts stay small. Without the space's optimum there is
      // no normalisation, hence no hypervolume: the front is kept on raw points.
      const std::vector<double> raw = objective.pareto_point(q.eval);
      const std::vector<double> p = optimum.available ? optimum.normalise(raw) : raw;
      bool dominated = false;
      for (const auto& f : front_points) {
        bool no_worse = true;
        for (size_t j = 0; j < p.size(); ++j) no_worse = no_worse && f[j] <= p[j];
        if (no_worse) dominated = true;  // equal points count once
      }
      if (!dominated) {
        std::vector<std::vector<double>> kept_points;
        std::vector<int> kept;
        for (size_t k = 0; k < front_points.size(); ++k) {
          bool worse = true;
          for (size_t j = 0; j < p.size(); ++j) worse = worse && p[j] <= front_points[k][j];
          if (!worse) {
            kept_points.push_back(front_points[k]);
            kept.push_back(front[k]);
          }
        }
        kept_points.push_back(p);
        kept.push_back(static_cast<int>(i));
        front_points.swap(kept_points);
        front.swap(kept);
        if (optimum.available) r.hypervolume = hwnas::hypervolume(front_points, reference);
      }
    }
    if (!optimum.available) continue;
    r.regret_by_query.push_back(pareto ? optimum.hypervolume - r.hypervolume
                                       : optimum.best_value - best_value);
  }
  std::sort(front.begin(), front.end());
  r.front = front;
  return r;
}

double SearchResult::regret_after(int queries) const {
  if (regret_by_query.empty()) return std::nan("");
  const size_t i = std::min(static_cast<size_t>(std::max(queries, 1)), regret_by_query.size());
  return regret_by_query[i - 1];
}

std::string SearchResult::brief_report(const Evaluator& evaluator,
                                       const Objective& objective) const {
  std::string out = strategy + " seed " + std::to_string(seed) + ", " +
                    std::to_string(history.size()) + " queries: ";
  if (objective.multi_objective()) {
    out += std::to_string(front.size()) + " archs on the found front, hypervolume " +
           format_fixed(hypervolume, 4);
  } else if (best < 0) {
    out += "no feasible arch found";
  } else {
    const QueryRecord& q = history[best];
    out += evaluator.arch_label(q.arch) + ", accuracy " + format_fixed(q.eval.accuracy, 2) + " %" +
           costs_text(q.eval, objective);
  }
  if (!regret_by_query.empty()) out += "; regret " + format_fixed(final_regret(), 4);
  return out;
}

std::string SearchResult::full_report(const Evaluator& evaluator, const Objective& objective,
                                      const TableOptimum& optimum) const {
  std::string out;
  const auto line = [&out](const std::string& text) { out += text + "\n"; };
  line("strategy        " + strategy + " (seed " + std::to_string(seed) + ")");
  line("objective       " + objective.describe());
  line("evaluator       " + evaluator.describe());
  line("queries         " + std::to_string(history.size()) + ", simulated training time " +
       format_fixed(simulated_seconds / 3600.0, 1) + " GPU-hours, wall " + format_fixed(wall_seconds, 4) + " s");
  line("unknown cost    " + std::to_string(unknown_cost_queries) +
       " queries hit an arch whose cost the table does not know (treated as infeasible)");
  line("infeasible      " + std::to_string(infeasible_queries) + " queries");
  if (!objective.multi_objective()) {
    if (best >= 0) {
      const QueryRecord& q = history[best];
      line("found           " + evaluator.arch_label(q.arch));
      line("                accuracy " + format_fixed(q.eval.accuracy, 2) + " %" +
           costs_text(q.eval, objective) + ", fitness " + format_fixed(q.fitness, 4) + ", at query " +
           std::to_string(best + 1));
    } else {
      line("found           no feasible arch");
    }
    if (optimum.available && optimum.best_code >= 0) {
      const Evaluation e = evaluator.evaluate_code(optimum.best_code);
      line("table best      " + evaluator.arch_label(nb201_from_code(optimum.best_code)));
      line("                accuracy " + format_fixed(e.accuracy, 2) + " %" + costs_text(e, objective) +
           ", fitness " + format_fixed(optimum.best_value, 4) + " (" + std::to_string(optimum.num_feasible) +
           " feasible, " + std::to_string(optimum.num_unknown) + " unknown of " +
           std::to_string(optimum.num_archs) + ")");
      line("regret          " + format_fixed(final_regret(), 4));
    }
  } else {
    line("found front     " + std::to_string(front.size()) + " archs, hypervolume " +
         format_fixed(hypervolume, 4) + " (normalised)");
    if (optimum.available) {
      line("true front      " + std::to_string(optimum.front_codes.size()) +
           " archs, hypervolume " + format_fixed(optimum.hypervolume, 4) + " (" +
           std::to_string(optimum.num_unknown) + " archs with unknown costs left out)");
      line("regret          " + format_fixed(final_regret(), 4) + " (hypervolume gap)");
    }
  }
  return out;
}

}  // namespace hwnas
