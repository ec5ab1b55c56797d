#pragma once
// CSV in and out: the validating reader of the benchmark tables, and the writers' pieces (one
// column list per file, so that a header and its rows cannot drift apart).
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas {

// A small validating CSV reader for the benchmark tables: comma-separated, no quoting, a header
// line. Every row must have the header's number of fields; errors name the file and line.
class CsvTable {
 public:
  static CsvTable parse(const std::string& text, const std::string& file_name);
  static CsvTable load(const std::string& path);

  const std::string& file() const { return file_; }
  const std::vector<std::string>& header() const { return header_; }
  size_t num_rows() const { return rows_.size(); }
  // Column position by name; DataError naming the file and the columns it has when absent.
  size_t column(std::string_view name) const;
  std::string_view cell(size_t row, size_t column) const { return rows_[row][column]; }

  // Numeric cell: an empty cell gives NaN (a value the source does not have, for the caller to
  // mark as missing); anything else must be a finite number, or DataError names file/line/column.
  double number(size_t row, size_t column) const;
  int integer(size_t row, size_t column) const;

  // Throws DataError unless the table has exactly `expected` rows.
  void expect_rows(size_t expected) const;

 private:
  std::string file_;
  // Owns the characters the string_views point into; on the heap so that moving the table never
  // moves them (a short std::string would).
  std::shared_ptr<const std::string> text_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string_view>> rows_;
};

// A number for a CSV cell: format_double, and an empty cell for NaN (a value that is not known;
// the reader gives NaN back for it).
std::string csv_number(double value);

// The columns of a written CSV file: each a name and how a row shows it.
template <typename Row>
class CsvColumns {
 public:
  struct Column {
    std::string name;
    std::function<std::string(const Row&)> format;
  };
  CsvColumns(std::initializer_list<Column> columns) : columns_(columns) {}
  // Columns whose count depends on the run (one per cost metric) go in by add().
  CsvColumns& add(Column column) {
    columns_.push_back(std::move(column));
    return *this;
  }

  std::string header() const {
    std::string line;
    for (const auto& c : columns_) line += (line.empty() ? "" : ",") + c.name;
    return line;
  }
  std::string line(const Row& row) const {
    std::string line;
    for (size_t i = 0; i < columns_.size(); ++i) line += (i ? "," : "") + columns_[i].format(row);
    return line;
  }

 private:
  std::vector<Column> columns_;
};

}  // namespace hwnas
