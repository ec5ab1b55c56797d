#pragma once
// Devices and metrics. A CostKey names one table column exactly as HW-NAS-Bench does
// ("edgegpu_latency", "fpga_energy", "eyeriss_arithmetic_intensity"); the extra HELP devices use
// their HELP names ("2080ti_32_latency", "gold_6226_latency").
#include <string>
#include <string_view>
#include <vector>

namespace hwnas {

enum class Metric { Latency, Energy, ArithmeticIntensity };

std::string to_string(Metric metric);  // "latency", "energy", "arithmetic_intensity"
Metric parse_metric(std::string_view name);
std::string metric_unit(Metric metric);  // "ms", "mJ", "" (a ratio)

struct CostKey {
  std::string device;
  Metric metric = Metric::Latency;

  std::string to_string() const { return device + "_" + hwnas::to_string(metric); }
  bool operator==(const CostKey& o) const { return device == o.device && metric == o.metric; }
  bool operator!=(const CostKey& o) const { return !(*this == o); }
  bool operator<(const CostKey& o) const { return to_string() < o.to_string(); }
};

// "edgegpu_latency" -> {edgegpu, Latency}. The metric is the suffix; InputError when none fits.
CostKey parse_cost_key(std::string_view text);

enum class DeviceSource { HwNasBench, Help, Profiled, Fitted };

struct DeviceInfo {
  std::string name;
  std::string description;
  DeviceSource source;
};

// What is known about a device name (description and origin); an unknown name gets a generic
// description so locally profiled or fitted devices still print sensibly.
DeviceInfo describe_device(const std::string& name);
std::string to_string(DeviceSource source);

}  // namespace hwnas
