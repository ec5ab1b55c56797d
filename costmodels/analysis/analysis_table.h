#pragma once
// The input of the hardware-cost analyses: one set of architectures and, per architecture, its
// FLOPs/params, its cost on every device metric the tables have, and (NB201) its accuracies.
// Columns are plain vectors aligned with `archs`; NaN marks a value the source does not have
// (analyses compare over the rows both columns know, never over zeros).
#include <cstdint>
#include <string>
#include <vector>

#include "costmodels/cost_library.h"
#include "costmodels/help_fbnet.h"

namespace hwnas {

struct MetricColumn {
  std::string name;    // "edgegpu_latency", "2080ti_32_latency", "flops", "cifar10_test"
  std::string unit;    // "ms", "mJ", "MFLOPs", "M", "%", ""
  std::string source;  // "HW-NAS-Bench", "HELP", "counted", "NAS-Bench-201"
  std::vector<double> values;
  size_t known() const;
};

struct MetricTable {
  std::string space;    // "nb201", "fbnet"
  std::string setting;  // "cifar10", "cifar100", "ImageNet"
  std::string label;    // file-name stem: "nb201_cifar10", "fbnet_cifar100", "fbnet_help_cifar100"
  std::string archs_note;  // which architectures, e.g. "10000 uniform random (seed 0)"
  std::vector<Arch> archs;
  std::vector<int> nb201_index;          // NAS-Bench-201 index of each arch; empty for FBNet
  std::vector<MetricColumn> complexity;  // flops, params
  std::vector<MetricColumn> costs;       // one per device metric
  std::vector<MetricColumn> accuracy;    // NB201 test accuracies; empty for FBNet
  std::vector<std::string> notes;        // what was merged or dropped, and why

  const MetricColumn& cost(const std::string& name) const;  // InputError listing the names
  std::vector<std::string> cost_names() const;
};

// All 15,625 NB201 architectures (in nb201_code order) with the 10 HW-NAS-Bench metrics, the 23
// HELP devices, FLOPs/params (10 classes) and the three test accuracies.
MetricTable nb201_metric_table(const CostLibrary& library);

// `samples` FBNet architectures drawn uniformly (each layer's choice independent; seeded
// mt19937_64, so the same seed gives the same sample everywhere) with the 8 HW-NAS-Bench LUT
// metrics and FLOPs/params of `setting`. InputError for samples == 0.
MetricTable fbnet_metric_table(const CostLibrary& library, FbnetSetting setting, size_t samples,
                               uint64_t seed);

// HELP's 5,000 FBNet architectures (cifar100 setting): the 8 LUT metrics plus HELP's whole-network
// latencies. A HELP column equal to a LUT sum (eyeriss, fpga, pixel3, raspi4) is not repeated;
// when it differs it is kept as "help_<device>_latency" and a note says so.
MetricTable fbnet_help_metric_table(const CostLibrary& library,
                                    const HelpFbnetMeasurements& help);

}  // namespace hwnas
