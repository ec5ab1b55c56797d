#include "costmodels/help_fbnet.h"

#include <cmath>

#include "core/csv.h"
#include "core/error.h"
#include "core/strings.h"

namespace hwnas {

HelpFbnetMeasurements HelpFbnetMeasurements::load(const std::string& path) {
  const CsvTable csv = CsvTable::load(path);
  HelpFbnetMeasurements m;
  m.file = path;
  const size_t ops_col = csv.column("ops");
  for (size_t row = 0; row < csv.num_rows(); ++row) {
    try {
      m.archs.push_back(parse_fbnet_arch(csv.cell(row, ops_col)));
    } catch (const InputError& e) {
      throw DataError(path + ":" + std::to_string(row + 2) + ": " + e.what());
    }
  }
  for (size_t col = 0; col < csv.header().size(); ++col) {
    if (col == ops_col) continue;
    Column column{csv.header()[col], {}};
    for (size_t row = 0; row < csv.num_rows(); ++row) {
      const double value = csv.number(row, col);
      if (!(value >= 0)) {  // also rejects the NaN of an empty cell: every arch is measured
        throw DataError(path + ":" + std::to_string(row + 2) + ": " + column.device + " is '" +
                        std::string(csv.cell(row, col)) + "', expected a latency >= 0");
      }
      column.latency_ms.push_back(value);
    }
    m.columns.push_back(std::move(column));
  }
  return m;
}

const HelpFbnetMeasurements::Column& HelpFbnetMeasurements::column(const std::string& device) const {
  std::vector<std::string> known;
  for (const auto& c : columns) {
    if (c.device == device) return c;
    known.push_back(c.device);
  }
  throw InputError("no HELP fbnet device '" + device + "' in " + file + "; known: " +
                   join(known, ", "));
}

}  // namespace hwnas
