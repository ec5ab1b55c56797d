#pragma once
// A search whose strategy runs outside the engine, ask/tell: the Python package's
// hwnas.SearchSession. The caller proposes archs; query() evaluates each under the run's
// evaluator, objective and budget through the same SearchContext a built-in strategy gets (same
// history, budget accounting and random stream), and finish() makes the same SearchResult, regret
// included, and writes the same run folder as hwnas_search.
//
//   strategy: {type: external, name: rea.py}   # name: what results and outputs call the strategy
//
// `external` is a strategy type so that such a config reads, validates and resolves like any
// other. Only the programs that drive such searches register it (the Python package), so
// hwnas_search and its "registered:" lists do not offer a type it could not run.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/run_dir.h"
#include "search/sampling/search_result.h"
#include "search/sampling/search_run.h"

namespace hwnas {

// Registers strategy.type `external`. Idempotent and thread-safe.
void register_external_strategy();

class ExternalSearch {
 public:
  // `dir` empty: no run folder (the result only). Otherwise the folder is held from here to
  // finish(), with config.resolved.yaml (`resolved_config`) and a fresh log.txt.
  ExternalSearch(std::shared_ptr<const SearchRun> run, uint64_t seed, const std::string& dir,
                 const std::string& resolved_config);

  const SearchRun& run() const { return *run_; }
  const std::shared_ptr<const SearchRun>& shared_run() const { return run_; }
  // The context a built-in strategy would get (its rng() is the strategy's random stream);
  // Error after finish().
  SearchContext& context();
  const std::string& dir() const { return dir_; }
  uint64_t seed() const { return ctx_.seed(); }
  bool finished() const { return finished_; }
  bool exhausted() const { return finished_ || ctx_.exhausted(); }
  // The queries so far (after finish(), the result's).
  const std::vector<QueryRecord>& history() const { return finished_ ? result_.history : ctx_.history(); }

  // Error after finish(); otherwise SearchContext::query (Error past the budget).
  const QueryRecord& query(const Arch& arch);
  // The result of the queries so far and, with a run folder, its outputs; once.
  const SearchResult& finish();
  const SearchResult& result() const;  // Error before finish()

 private:
  void check_open(const char* what) const;

  std::shared_ptr<const SearchRun> run_;
  std::string dir_;
  std::optional<RunDir> held_;
  SearchContext ctx_;
  double started_ = 0;
  bool finished_ = false;
  SearchResult result_;
};

}  // namespace hwnas
