#pragma once
// Everything the tables know about one architecture: its HW-NAS-Bench forms, its cost on every
// device/metric of the space (an unknown value stays unknown, with the reason), FLOPs/params and,
// for NB201, the accuracies. Printed by hwnas_query and written into arch.json by searches.
#include <optional>
#include <string>
#include <vector>

#include "core/csv.h"
#include "costmodels/complexity.h"
#include "costmodels/cost_library.h"

namespace hwnas {

struct ArchReport {
  struct Cost {
    CostKey key;
    std::optional<double> value;
    std::string missing_reason;  // set when value is empty
  };
  struct Accuracy {
    std::string dataset;
    double top1 = 0;
  };

  Space space = Space::FBNet;
  std::string setting;
  Arch arch;
  int nb201_index = -1;
  std::vector<Cost> costs;
  Complexity complexity;
  std::vector<Accuracy> accuracies;

  // Aligned text table for terminals (values printed in shortest round-trip form).
  std::string to_table() const;
  // JSON object: space, setting, arch forms, costs {key: value|null}, missing {key: why}, FLOPs,
  // params, accuracies.
  std::string to_json(int indent = 2) const;
};

// `keys` empty = every key of the space. InputError for an unknown key.
ArchReport make_arch_report(const CostLibrary& library, const Arch& arch,
                            const std::string& setting, const std::vector<CostKey>& keys = {});

// The CSV form of the reports make_arch_report(library, arch of `space`, setting, keys) gives:
// space, setting, the arch (fbnet op_idx_list and arch_str, nb201 index and arch_str; an FBNet
// list separated by spaces), one column per key (an empty cell for an unknown value, as every
// hwnas CSV; the JSON form has the reason), mflops, mparams and the nb201 accuracies
// (cifar10_test, ...). A row of a report made with other keys is a std::logic_error.
CsvColumns<ArchReport> arch_report_csv_columns(const CostLibrary& library, Space space,
                                               const std::string& setting,
                                               const std::vector<CostKey>& keys = {});

// An arch for a CSV cell: NB201's |op~0|+... string, FBNet's 22 op names separated by spaces.
std::string csv_arch(const Arch& arch);

// An architecture saved by a search or a retrain (arch.json, result.json): the arch and the dataset
// setting its costs belong to. The arch may be given in any of the HW-NAS-Bench forms (fbnet:
// op_idx_list, arch_str; nb201: ops, index, arch_str), each parsed strictly; the forms given must
// agree (the NB201 index through `library`'s catalog). DataError naming the file, the key and the
// value otherwise.
struct ArchFile {
  Arch arch;
  std::string setting;  // fbnet LUT setting (fixes input size and classes); nb201: cifar10
  static ArchFile read(const std::string& path, const CostLibrary& library);
};

// The command-line forms: FBNet names or indices; NB201 index or string.
Arch parse_arch_argument(const CostLibrary& library, Space space, const std::string& text);

}  // namespace hwnas
