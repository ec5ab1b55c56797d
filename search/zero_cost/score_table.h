#pragma once
// Tables of zero-cost scores, computed once (hwnas_score) and searched many times: a CSV with the
// header `index,arch,<proxy>...` (index: the NB201 index, -1 for FBNet; arch: csv_arch's form) and
// one row per arch, an empty cell where a proxy could not score the arch. A zero-cost evaluator
// reads such a table instead of computing, through the same interface as the accuracy table.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "costmodels/space.h"
#include "search/zero_cost/proxy_kind.h"

namespace hwnas {

class CostLibrary;

class ScoreTable {
 public:
  // DataError naming the file for a malformed table; InputError when it holds another space's
  // archs than `space`.
  static ScoreTable load(const std::string& path, Space space);

  const std::string& path() const { return path_; }
  // What the scores were computed from: hwnas_score's inputs.txt beside the table ("" when absent).
  const std::string& provenance() const { return provenance_; }
  Space space() const { return space_; }
  size_t size() const { return rows_.size(); }
  bool has(Proxy proxy) const;
  const std::vector<Proxy>& proxies() const { return proxies_; }
  // The arch's score of `proxy` (NaN: the cell is empty); nullopt when the arch is not a row.
  std::optional<double> find(const Arch& arch, Proxy proxy) const;
  // Every row's score of `proxy` (NaN where empty), the distribution an arch is ranked in.
  std::vector<double> column(Proxy proxy) const;

 private:
  std::string path_;
  std::string provenance_;
  Space space_ = Space::NB201;
  std::vector<Proxy> proxies_;
  std::map<std::vector<int>, size_t> rows_;  // arch ops -> row
  std::vector<std::vector<double>> scores_;  // [proxy][row]
};

// The provenance line hwnas_score writes into inputs.txt beside its table (with "\n").
std::string score_provenance(Space space, const std::string& setting, const std::string& inputs);

// The header line (with "\n") and one row of a score table.
std::string score_table_header(const std::vector<Proxy>& proxies);
std::string score_table_row(const CostLibrary& library, const Arch& arch,
                            const std::vector<double>& scores);

}  // namespace hwnas
