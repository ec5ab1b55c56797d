#pragma once
// NAS-Bench-201 per-architecture tables: the 10 HW-NAS-Bench metrics (cifar10 setting), the 23
// HELP devices, and the 200-epoch test accuracies. Values are stored by dense code
// (nb201_code) so a query is one load; an empty cell in the source stays NaN internally and
// any query for it is a MissingValueError.
#include <memory>
#include <string>
#include <vector>

#include "costmodels/cost_model.h"

namespace hwnas {

class CsvTable;

enum class Nb201Dataset { Cifar10, Cifar100, ImageNet16_120 };
std::string to_string(Nb201Dataset dataset);  // "cifar10", "cifar100", "ImageNet16-120"
Nb201Dataset parse_nb201_dataset(std::string_view name);

struct Nb201Column {
  CostKey key;
  std::string file;             // where the values came from
  std::vector<double> by_code;  // kNb201Archs values, NaN = unknown
  int known = 0;
  bool complete() const { return known == kNb201Archs; }
};

class Nb201Tables {
 public:
  // Each path may be empty to skip that table; hw_nas_bench is required (it defines the
  // index <-> arch catalog, checked against every other table's arch column).
  struct Files {
    std::string hw_nas_bench;  // nb201_cifar10.csv
    std::string help;          // help/nb201_cifar10_latency.csv
    std::string accuracy;      // nb201_accuracy.csv
  };
  static Files default_files(const std::string& data_dir);
  static Nb201Tables load(const Files& files);

  // NAS-Bench-201 index <-> arch, through the tables' arch column (not a base-5 number).
  int index_of(const Arch& arch) const;
  Arch arch_at(int index) const;  // InputError when outside 0..15624

  const std::vector<Nb201Column>& columns() const { return columns_; }
  bool has(const CostKey& key) const;
  const Nb201Column& column(const CostKey& key) const;  // InputError listing the known keys
  double cost(const Arch& arch, const CostKey& key) const;

  bool has_accuracy() const { return !accuracy_[0].empty(); }
  double accuracy(const Arch& arch, Nb201Dataset dataset) const;
  const std::vector<double>& accuracy_by_code(Nb201Dataset dataset) const;

 private:
  // Rows must be in index order with the catalog's arch strings (checked first).
  void load_catalog(const CsvTable& csv);
  void check_catalog(const CsvTable& csv) const;
  void add_costs(const CsvTable& csv, size_t first_value_column, const std::string& key_suffix);

  std::vector<int> index_of_code_;
  std::vector<int> code_of_index_;
  std::vector<std::string> arch_strings_;  // by index, as the catalog table spells them
  std::vector<Nb201Column> columns_;
  std::vector<double> accuracy_[3];
};

class Nb201CostModel : public CostModel {
 public:
  // Shares ownership of the tables; `column` must belong to them.
  Nb201CostModel(std::shared_ptr<const Nb201Tables> tables, const Nb201Column& column);

  Space space() const override { return Space::NB201; }
  const CostKey& key() const override { return column_.key; }
  std::string setting() const override { return "cifar10"; }
  std::string describe() const override;
  double cost(const Arch& arch) const override;
  void costs(const uint8_t* choices, size_t count, double* out) const override;
  void costs_or_nan(const uint8_t* choices, size_t count, double* out) const override;
  bool complete() const override { return column_.complete(); }
  // The whole 5^6 table; expected_cost is then its exact multilinear contraction with the six
  // edge distributions. MissingValueError when some values are unknown.
  CostStructure structure() const override;

 private:
  [[noreturn]] void throw_missing(int code) const;
  // costs() and costs_or_nan(): one loop, raising at an unknown value or leaving it NaN.
  void fill_costs(const uint8_t* choices, size_t count, double* out, bool raise_missing) const;

  std::shared_ptr<const Nb201Tables> tables_;
  const Nb201Column& column_;
};

}  // namespace hwnas
