#include "core/csv.h"

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"

namespace hwnas {

CsvTable CsvTable::parse(const std::string& text, const std::string& file_name) {
  CsvTable table;
  table.file_ = file_name;
  table.text_ = std::make_shared<const std::string>(text);
  std::string_view all(*table.text_);
  // Spreadsheet programs save "UTF-8 CSV" with a byte order mark; it is not part of the header.
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (all.substr(0, kUtf8Bom.size()) == kUtf8Bom) all.remove_prefix(kUtf8Bom.size());
  if (!all.empty() && all.back() == '\n') all.remove_suffix(1);
  if (all.empty()) throw DataError(file_name + ": empty file, expected a CSV header line");
  auto lines = split(all, '\n');
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  for (auto field : split(lines[0], ',')) table.header_.emplace_back(trim(field));
  table.rows_.reserve(lines.size() - 1);
  for (size_t i = 1; i < lines.size(); ++i) {
    auto fields = split(lines[i], ',');
    if (fields.size() != table.header_.size()) {
      throw DataError(file_name + ":" + std::to_string(i + 1) + ": " +
                      std::to_string(fields.size()) + " fields, expected " +
                      std::to_string(table.header_.size()) + " (the header's); truncated file?");
    }
    table.rows_.push_back(std::move(fields));
  }
  return table;
}

CsvTable CsvTable::load(const std::string& path) { return parse(read_text_file(path), path); }

size_t CsvTable::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  throw DataError(file_ + ": no column '" + std::string(name) + "'; columns: " + join(header_, ","));
}

double CsvTable::number(size_t row, size_t column) const {
  const std::string_view text = rows_[row][column];
  if (trim(text).empty()) return std::numeric_limits<double>::quiet_NaN();
  double value = 0;
  if (!parse_double(text, value) || !std::isfinite(value)) {
    throw DataError(file_ + ":" + std::to_string(row + 2) + ": column '" + header_[column] +
                    "' holds '" + std::string(text) + "', expected a finite number or an empty cell");
  }
  return value;
}

int CsvTable::integer(size_t row, size_t column) const {
  const std::string_view text = rows_[row][column];
  int value = 0;
  if (!parse_int(text, value)) {
    throw DataError(file_ + ":" + std::to_string(row + 2) + ": column '" + header_[column] +
                    "' holds '" + std::string(text) + "', expected an integer");
  }
  return value;
}

void CsvTable::expect_rows(size_t expected) const {
  if (rows_.size() != expected) {
    throw DataError(file_ + ": " + std::to_string(rows_.size()) + " data rows, expected " +
                    std::to_string(expected));
  }
}

std::string csv_number(double value) { return std::isnan(value) ? "" : format_double(value); }

}  // namespace hwnas
