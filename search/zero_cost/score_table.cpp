#include "search/zero_cost/score_table.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "core/csv.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"
#include "costmodels/cost_library.h"

namespace hwnas {

namespace {

// csv_arch's forms back: NB201's |op~0|+... string, FBNet's 22 names separated by spaces.
Arch parse_csv_arch(std::string_view text, Space space) {
  if (space == Space::NB201) return parse_nb201_string(text);
  std::string names(text);
  std::replace(names.begin(), names.end(), ' ', ',');
  return parse_fbnet_arch(names);
}

}  // namespace

ScoreTable ScoreTable::load(const std::string& path, Space space) {
  const CsvTable csv = CsvTable::load(path);
  ScoreTable t;
  t.path_ = path;
  t.space_ = space;
  const auto& header = csv.header();
  if (header.size() < 3 || header[0] != "index" || header[1] != "arch") {
    throw DataError(path +
                    ": not a score table (expected the header index,arch,<proxy>..., as "
                    "hwnas_score writes)");
  }
  for (size_t c = 2; c < header.size(); ++c) {
    try {
      t.proxies_.push_back(parse_proxy(header[c]));
    } catch (const InputError& e) {
      throw DataError(path + ": column " + header[c] + ": " + e.what());
    }
  }
  t.scores_.assign(t.proxies_.size(), {});
  for (size_t r = 0; r < csv.num_rows(); ++r) {
    const std::string_view text = csv.cell(r, 1);
    const bool nb201_text = !text.empty() && text.front() == '|';
    if (nb201_text != (space == Space::NB201)) {
      throw InputError(path + ": line " + std::to_string(r + 2) + " holds " +
                       (nb201_text ? "an nb201" : "an fbnet") + " arch; this search is over " +
                       to_string(space));
    }
    Arch arch;
    try {
      arch = parse_csv_arch(text, space);
    } catch (const InputError& e) {
      throw DataError(path + ": line " + std::to_string(r + 2) + ": " + e.what());
    }
    if (!t.rows_.emplace(arch.ops, r).second) {
      throw DataError(path + ": line " + std::to_string(r + 2) + " repeats the arch " +
                      std::string(text));
    }
    for (size_t p = 0; p < t.proxies_.size(); ++p) t.scores_[p].push_back(csv.number(r, p + 2));
  }
  if (t.rows_.empty()) throw DataError(path + ": a score table without rows");
  const auto inputs = std::filesystem::path(path).parent_path() / "inputs.txt";
  if (std::filesystem::exists(inputs)) t.provenance_ = read_text_file(inputs.string());
  return t;
}

bool ScoreTable::has(Proxy proxy) const {
  return std::find(proxies_.begin(), proxies_.end(), proxy) != proxies_.end();
}

std::optional<double> ScoreTable::find(const Arch& arch, Proxy proxy) const {
  const auto column = std::find(proxies_.begin(), proxies_.end(), proxy);
  if (column == proxies_.end()) return std::nullopt;
  const auto row = rows_.find(arch.ops);
  if (row == rows_.end()) return std::nullopt;
  return scores_[static_cast<size_t>(column - proxies_.begin())][row->second];
}

std::vector<double> ScoreTable::column(Proxy proxy) const {
  const auto column = std::find(proxies_.begin(), proxies_.end(), proxy);
  if (column == proxies_.end()) return {};
  return scores_[static_cast<size_t>(column - proxies_.begin())];
}

std::string score_provenance(Space space, const std::string& setting, const std::string& inputs) {
  return to_string(space) + " " + setting + "; " + inputs + "\n";
}

std::string score_table_header(const std::vector<Proxy>& proxies) {
  std::string line = "index,arch";
  for (Proxy p : proxies) line += "," + to_string(p);
  return line + "\n";
}

std::string score_table_row(const CostLibrary& library, const Arch& arch,
                            const std::vector<double>& scores) {
  const int index = arch.space == Space::NB201 ? library.nb201().index_of(arch) : -1;
  std::string line = std::to_string(index) + "," + csv_arch(arch);
  for (double s : scores) line += "," + csv_number(s);
  return line + "\n";
}

}  // namespace hwnas
