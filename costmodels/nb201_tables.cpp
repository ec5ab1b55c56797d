#include "costmodels/nb201_tables.h"

#include <cmath>
#include <limits>

#include "core/csv.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"

namespace hwnas {

namespace {

constexpr std::array<const char*, 3> kAccuracyColumns = {"cifar10_test", "cifar100_test",
                                                         "ImageNet16-120_test"};

MissingValueError missing_value(const Nb201Column& column, int code, int index) {
  return MissingValueError("nb201 " + column.key.to_string() + " of " +
                           nb201_string(nb201_from_code(code)) + " (index " +
                           std::to_string(index) + ") is unknown: " + column.file +
                           " has no value for it (" + std::to_string(kNb201Archs - column.known) +
                           " of 15625 archs are unknown for this metric)");
}

}  // namespace

std::string to_string(Nb201Dataset dataset) {
  switch (dataset) {
    case Nb201Dataset::Cifar10: return "cifar10";
    case Nb201Dataset::Cifar100: return "cifar100";
    case Nb201Dataset::ImageNet16_120: return "ImageNet16-120";
  }
  return "?";
}

Nb201Dataset parse_nb201_dataset(std::string_view name) {
  const std::string lower = to_lower(trim(name));
  for (Nb201Dataset d : {Nb201Dataset::Cifar10, Nb201Dataset::Cifar100, Nb201Dataset::ImageNet16_120}) {
    if (lower == to_lower(to_string(d))) return d;
  }
  throw InputError("unknown nb201 dataset '" + std::string(name) +
                   "'; known: cifar10, cifar100, ImageNet16-120");
}

Nb201Tables::Files Nb201Tables::default_files(const std::string& data_dir) {
  return {data_path("hw-nas-bench/nb201_cifar10.csv", data_dir),
          data_path("help/nb201_cifar10_latency.csv", data_dir),
          data_path("nas-bench-201/nb201_accuracy.csv", data_dir)};
}

Nb201Tables Nb201Tables::load(const Files& files) {
  Nb201Tables tables;
  const CsvTable hw_nas_bench = CsvTable::load(files.hw_nas_bench);
  tables.load_catalog(hw_nas_bench);
  tables.add_costs(hw_nas_bench, /*first_value_column=*/2, /*key_suffix=*/"");
  if (!files.help.empty()) {
    const CsvTable help = CsvTable::load(files.help);
    tables.check_catalog(help);
    tables.add_costs(help, /*first_value_column=*/2, /*key_suffix=*/"_latency");
  }
  if (!files.accuracy.empty()) {
    const CsvTable csv = CsvTable::load(files.accuracy);
    tables.check_catalog(csv);
    for (size_t d = 0; d < kAccuracyColumns.size(); ++d) {
      const size_t col = csv.column(kAccuracyColumns[d]);
      auto& values = tables.accuracy_[d];
      values.assign(kNb201Archs, 0.0);
      for (size_t row = 0; row < csv.num_rows(); ++row) {
        const double acc = csv.number(row, col);
        if (!(acc >= 0 && acc <= 100)) {
          throw DataError(csv.file() + ":" + std::to_string(row + 2) + ": " + kAccuracyColumns[d] +
                          " is " + std::string(csv.cell(row, col)) + ", expected a percentage 0..100");
        }
        values[tables.code_of_index_[row]] = acc;
      }
    }
  }
  return tables;
}

void Nb201Tables::load_catalog(const CsvTable& csv) {
  const std::string& path = csv.file();
  csv.expect_rows(kNb201Archs);
  const size_t index_col = csv.column("index");
  const size_t arch_col = csv.column("arch");
  index_of_code_.assign(kNb201Archs, -1);
  code_of_index_.assign(kNb201Archs, -1);
  for (size_t row = 0; row < csv.num_rows(); ++row) {
    const int index = csv.integer(row, index_col);
    if (index != static_cast<int>(row)) {
      throw DataError(path + ":" + std::to_string(row + 2) + ": index " + std::to_string(index) +
                      ", expected " + std::to_string(row) + " (rows in index order)");
    }
    Arch arch;
    try {
      arch = parse_nb201_string(csv.cell(row, arch_col));
    } catch (const InputError& e) {
      throw DataError(path + ":" + std::to_string(row + 2) + ": " + e.what());
    }
    const int code = nb201_code(arch);
    if (index_of_code_[code] != -1) {
      throw DataError(path + ":" + std::to_string(row + 2) + ": arch " +
                      std::string(csv.cell(row, arch_col)) + " repeats index " +
                      std::to_string(index_of_code_[code]));
    }
    index_of_code_[code] = index;
    code_of_index_[index] = code;
    arch_strings_.emplace_back(csv.cell(row, arch_col));
  }
}

void Nb201Tables::check_catalog(const CsvTable& csv) const {
  csv.expect_rows(kNb201Archs);
  const size_t index_col = csv.column("index");
  const size_t arch_col = csv.column("arch");
  for (size_t row = 0; row < csv.num_rows(); ++row) {
    const int index = csv.integer(row, index_col);
    if (index != static_cast<int>(row) || csv.cell(row, arch_col) != arch_strings_[row]) {
      throw DataError(csv.file() + ":" + std::to_string(row + 2) + ": index " +
                      std::to_string(index) + " arch " + std::string(csv.cell(row, arch_col)) +
                      " disagrees with the HW-NAS-Bench table's index/arch columns");
    }
  }
}

void Nb201Tables::add_costs(const CsvTable& csv, size_t first_value_column,
                            const std::string& suffix) {
  const std::string& path = csv.file();
  for (size_t col = first_value_column; col < csv.header().size(); ++col) {
    Nb201Column column;
    try {
      column.key = parse_cost_key(csv.header()[col] + suffix);
    } catch (const InputError& e) {
      throw DataError(path + ": column header " + e.what());
    }
    if (has(column.key)) throw DataError(path + ": column " + column.key.to_string() + " repeats");
    column.file = path;
    column.by_code.assign(kNb201Archs, std::numeric_limits<double>::quiet_NaN());
    for (size_t row = 0; row < csv.num_rows(); ++row) {
      const double value = csv.number(row, col);
      if (value < 0) {
        throw DataError(path + ":" + std::to_string(row + 2) + ": " + csv.header()[col] + " is " +
                        std::string(csv.cell(row, col)) + ", expected a cost >= 0");
      }
      if (!std::isnan(value)) ++column.known;
      column.by_code[code_of_index_[row]] = value;
    }
    columns_.push_back(std::move(column));
  }
}

int Nb201Tables::index_of(const Arch& arch) const {
  if (arch.space != Space::NB201) throw InputError("index_of: not an nb201 architecture");
  validate(arch);
  return index_of_code_[nb201_code(arch)];
}

Arch Nb201Tables::arch_at(int index) const {
  if (index < 0 || index >= kNb201Archs) {
    throw InputError("nb201 index " + std::to_string(index) + " is out of range 0..15624");
  }
  return nb201_from_code(code_of_index_[index]);
}

bool Nb201Tables::has(const CostKey& key) const {
  for (const auto& c : columns_) {
    if (c.key == key) return true;
  }
  return false;
}

const Nb201Column& Nb201Tables::column(const CostKey& key) const {
  for (const auto& c : columns_) {
    if (c.key == key) return c;
  }
  std::vector<std::string> known;
  for (const auto& c : columns_) known.push_back(c.key.to_string());
  throw InputError("nb201 has no metric '" + key.to_string() + "'; known: " + join(known, ", "));
}

double Nb201Tables::cost(const Arch& arch, const CostKey& key) const {
  const Nb201Column& c = column(key);
  const int code = nb201_code(arch);
  const int index = index_of(arch);  // validates
  if (std::isnan(c.by_code[code])) throw missing_value(c, code, index);
  return c.by_code[code];
}

const std::vector<double>& Nb201Tables::accuracy_by_code(Nb201Dataset dataset) const {
  const auto& values = accuracy_[static_cast<int>(dataset)];
  if (values.empty()) throw DataError("the nb201 accuracy table was not loaded");
  return values;
}

double Nb201Tables::accuracy(const Arch& arch, Nb201Dataset dataset) const {
  if (arch.space != Space::NB201) throw InputError("accuracy: not an nb201 architecture");
  validate(arch);
  return accuracy_by_code(dataset)[nb201_code(arch)];
}

Nb201CostModel::Nb201CostModel(std::shared_ptr<const Nb201Tables> tables, const Nb201Column& column)
    : tables_(std::move(tables)), column_(column) {}

std::string Nb201CostModel::describe() const {
  const std::string unit = metric_unit(column_.key.metric);
  return "nb201 cifar10 " + column_.key.to_string() + (unit.empty() ? "" : " (" + unit + ")") +
         " from " + column_.file + " (" + std::to_string(column_.known) + " of 15625 known)";
}

void Nb201CostModel::throw_missing(int code) const {
  throw missing_value(column_, code, tables_->index_of(nb201_from_code(code)));
}

double Nb201CostModel::cost(const Arch& arch) const {
  if (arch.space != Space::NB201) throw InputError("an fbnet architecture given to an nb201 cost model");
  validate(arch);
  const int code = nb201_code(arch);
  const double value = column_.by_code[code];
  if (std::isnan(value)) throw_missing(code);
  return value;
}

CostStructure Nb201CostModel::structure() const {
  if (!complete()) {
    throw MissingValueError(
        "nb201 " + key().to_string() + " has no closed form for expected_cost: " +
        std::to_string(kNb201Archs - column_.known) + " of 15625 values are unknown in " +
        column_.file + "; pick a complete metric (raspi4/pixel3/eyeriss/fpga latency, fpga_energy, "
        "the HELP devices) or configure a fitted predictor");
  }
  return {CostStructure::Kind::Tabular, kNb201Edges, kNb201Ops, 0.0, column_.by_code.data()};
}

void Nb201CostModel::costs(const uint8_t* choices, size_t count, double* out) const {
  fill_costs(choices, count, out, /*raise_missing=*/true);
}

void Nb201CostModel::costs_or_nan(const uint8_t* choices, size_t count, double* out) const {
  fill_costs(choices, count, out, /*raise_missing=*/false);
}

void Nb201CostModel::fill_costs(const uint8_t* choices, size_t count, double* out,
                                bool raise_missing) const {
  for (size_t i = 0; i < count; ++i) {
    int code = 0;
    for (int e = 0; e < kNb201Edges; ++e) {
      const uint8_t op = choices[i * kNb201Edges + e];
      if (op >= kNb201Ops) {
        throw InputError("nb201 batch: architecture " + std::to_string(i) + " has op " +
                         std::to_string(op) + " on edge " + std::to_string(e) + ", expected 0..4");
      }
      code = code * kNb201Ops + op;
    }
    out[i] = column_.by_code[code];
    if (raise_missing && std::isnan(out[i])) throw_missing(code);
  }
}

}  // namespace hwnas
