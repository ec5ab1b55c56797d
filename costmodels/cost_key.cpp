#include "costmodels/cost_key.h"

#include <array>
#include <utility>

#include "core/error.h"

namespace hwnas {

namespace {

constexpr std::array<std::pair<Metric, const char*>, 3> kMetricNames = {{
    {Metric::ArithmeticIntensity, "arithmetic_intensity"},  // first: longest suffix wins
    {Metric::Latency, "latency"},
    {Metric::Energy, "energy"},
}};

}  // namespace

std::string to_string(Metric metric) {
  for (const auto& [m, name] : kMetricNames) {
    if (m == metric) return name;
  }
  return "?";
}

Metric parse_metric(std::string_view name) {
  for (const auto& [m, text] : kMetricNames) {
    if (name == text) return m;
  }
  throw InputError("unknown metric '" + std::string(name) +
                   "'; known: latency, energy, arithmetic_intensity");
}

std::string metric_unit(Metric metric) {
  switch (metric) {
    case Metric::Latency: return "ms";
    case Metric::Energy: return "mJ";
    case Metric::ArithmeticIntensity: return "";
  }
  return "";
}

CostKey parse_cost_key(std::string_view text) {
  for (const auto& [metric, name] : kMetricNames) {
    const std::string suffix = std::string("_") + name;
    if (text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix) {
      return CostKey{std::string(text.substr(0, text.size() - suffix.size())), metric};
    }
  }
  throw InputError("'" + std::string(text) +
                   "' is not a device metric; expected DEVICE_METRIC with METRIC one of latency, "
                   "energy, arithmetic_intensity (e.g. edgegpu_latency; --list shows them all)");
}

std::string to_string(DeviceSource source) {
  switch (source) {
    case DeviceSource::HwNasBench: return "HW-NAS-Bench";
    case DeviceSource::Help: return "HELP";
    case DeviceSource::Profiled: return "profiled";
    case DeviceSource::Fitted: return "fitted";
  }
  return "?";
}

DeviceInfo describe_device(const std::string& name) {
  static const std::array<std::pair<const char*, const char*>, 6> kHwNasBench = {{
      {"edgegpu", "Edge GPU: NVIDIA Jetson TX2 (measured)"},
      {"raspi4", "Raspberry Pi 4 CPU (measured)"},
      {"edgetpu", "Edge TPU dev board (measured)"},
      {"pixel3", "Google Pixel 3 CPU (measured)"},
      {"eyeriss", "Eyeriss ASIC (simulated)"},
      {"fpga", "Xilinx ZC706 FPGA (simulated)"},
  }};
  for (const auto& [device, description] : kHwNasBench) {
    if (name == device) return {name, description, DeviceSource::HwNasBench};
  }
  static const std::array<std::pair<const char*, const char*>, 14> kHelpPrefixes = {{
      {"1080ti_", "NVIDIA GTX 1080 Ti, batch "},
      {"2080ti_", "NVIDIA RTX 2080 Ti, batch "},
      {"titan_rtx_", "NVIDIA Titan RTX, batch "},
      {"titanxp_", "NVIDIA Titan Xp, batch "},
      {"titanx_", "NVIDIA Titan X, batch "},
      {"gold_6226", "Intel Xeon Gold 6226 CPU"},
      {"gold_6240", "Intel Xeon Gold 6240 CPU"},
      {"silver_4114", "Intel Xeon Silver 4114 CPU"},
      {"silver_4210r", "Intel Xeon Silver 4210R CPU"},
      {"essential_ph_1", "Essential Phone PH-1 (whole ms)"},
      {"pixel2", "Google Pixel 2 (whole ms)"},
      {"samsung_a50", "Samsung Galaxy A50 (whole ms)"},
      {"samsung_s7", "Samsung Galaxy S7 (whole ms)"},
      {"", ""},
  }};
  for (const auto& [prefix, description] : kHelpPrefixes) {
    const std::string p = prefix;
    if (p.empty() || name.compare(0, p.size(), p) != 0) continue;
    const bool batched = p.back() == '_';
    return {name, std::string(description) + (batched ? name.substr(p.size()) : ""),
            DeviceSource::Help};
  }
  return {name, "user device", DeviceSource::Profiled};
}

}  // namespace hwnas
