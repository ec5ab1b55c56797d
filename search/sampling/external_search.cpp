#include "search/sampling/external_search.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

#include "core/config.h"
#include "core/error.h"
#include "core/strings.h"
#include "search/sampling/run_outputs.h"
#include "search/sampling/strategy.h"

namespace hwnas {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The registered type of externally driven strategies: it reads its name, and refuses to run
// inside the engine.
class ExternalStrategy : public SearchStrategy {
 public:
  explicit ExternalStrategy(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  bool supports(Objective::Kind) const override { return true; }
  bool driven_externally() const override { return true; }
  void search(SearchContext&) const override {
    throw InputError("strategy.type external ('" + name_ + "') is driven from outside the "
                     "engine, through hwnas.SearchSession in Python; hwnas_search cannot run it");
  }

 private:
  std::string name_;
};

}  // namespace

void register_external_strategy() {
  static std::once_flag once;
  std::call_once(once, [] {
    register_builtin_strategies();  // the built-ins first, as in every registry listing
    StrategyRegistry::global().add(
        "external", "built-in", "driven from outside (Python: hwnas.SearchSession, ask/tell)",
        [](const ConfigSection& s) {
          const std::string name = s.get_string("name", "external");
          if (name.empty()) s.fail("name", "must not be empty");
          return std::make_unique<ExternalStrategy>(name);
        });
  });
}

ExternalSearch::ExternalSearch(std::shared_ptr<const SearchRun> run, uint64_t seed,
                               const std::string& dir, const std::string& resolved_config)
    : run_(std::move(run)),
      dir_(dir),
      ctx_(run_->evaluator(), run_->objective(), run_->budget(), seed, dir) {
  if (!dir_.empty()) {
    held_.emplace(open_run_dir(dir_, resolved_config,
                               {"sampling search", RunDirMode::kRerun, /*fresh_log=*/true}));
    spdlog::info("external search '{}' (seed {}) -> {}", run_->strategy().name(), seed, dir_);
    spdlog::info("{}", run_->evaluator().describe());
    spdlog::info("objective: {}; strategy: {}", run_->objective().describe(), run_->strategy().name());
  }
  started_ = now_seconds();
}

void ExternalSearch::check_open(const char* what) const {
  if (finished_) {
    throw Error(std::string("the search session is finished; ") + what +
                " needs a new session");
  }
}

SearchContext& ExternalSearch::context() {
  check_open("drawing from its random stream");
  return ctx_;
}

const QueryRecord& ExternalSearch::query(const Arch& arch) {
  check_open("a query");
  if (arch.space != ctx_.space().space) {
    throw InputError("a " + to_string(arch.space) + " arch queried in a " + ctx_.space().name +
                     " search");
  }
  validate(arch);
  if (ctx_.exhausted()) {
    throw InputError("the search budget is spent (" + std::to_string(ctx_.history().size()) +
                     " queries; budget.queries " + std::to_string(ctx_.budget().queries) +
                     "); check session.exhausted before querying");
  }
  return ctx_.query(arch);
}

const SearchResult& ExternalSearch::finish() {
  check_open("finish()");
  finished_ = true;
  result_ = make_result(run_->strategy().name(), ctx_, run_->optimum());
  result_.wall_seconds = now_seconds() - started_;
  if (held_) {
    spdlog::info("{}", result_.brief_report(run_->evaluator(), run_->objective()));
    const auto files = write_run_outputs(dir_, *run_, result_);
    spdlog::info("wrote {}/: config.resolved.yaml, log.txt, {}", dir_, join(files, ", "));
    held_.reset();  // releases the folder and its log
  }
  return result_;
}

const SearchResult& ExternalSearch::result() const {
  if (!finished_) throw Error("the search session's result exists after finish()");
  return result_;
}

}  // namespace hwnas
