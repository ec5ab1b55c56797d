#pragma once
// HELP's whole-network latencies of 5,000 FBNet architectures (cifar100 setting) on 27 devices.
// Four columns (eyeriss, fpga, pixel3, raspi4) are HW-NAS-Bench LUT sums; the others are
// measurements with no per-block table (the input of fitted tables).
#include <string>
#include <vector>

#include "costmodels/space.h"

namespace hwnas {

struct HelpFbnetMeasurements {
  struct Column {
    std::string device;  // HELP name, e.g. "2080ti_32", "raspi4"
    std::vector<double> latency_ms;
  };
  std::string file;
  std::vector<Arch> archs;
  std::vector<Column> columns;

  static HelpFbnetMeasurements load(const std::string& path);
  const Column& column(const std::string& device) const;  // InputError listing the devices
};

}  // namespace hwnas
