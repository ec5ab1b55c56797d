#include "costmodels/analysis/analysis_table.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.h"
#include "core/strings.h"
#include "costmodels/complexity.h"

namespace hwnas {
namespace {

std::string source_name(const CostKey& key) { return to_string(describe_device(key.device).source); }

// Row-major choice bytes, the batch form CostModel::costs takes.
std::vector<uint8_t> choice_bytes(const std::vector<Arch>& archs) {
  std::vector<uint8_t> bytes;
  for (const Arch& a : archs)
    for (int op : a.ops) bytes.push_back(static_cast<uint8_t>(op));
  return bytes;
}

void add_fbnet_complexity(MetricTable& t, FbnetSetting setting) {
  MetricColumn flops{"flops", "MFLOPs", "counted", {}}, params{"params", "M", "counted", {}};
  for (const Arch& a : t.archs) {
    const Complexity c = fbnet_complexity(a, setting);
    flops.values.push_back(c.mflops);
    params.values.push_back(c.mparams);
  }
  t.complexity = {std::move(flops), std::move(params)};
}

void add_fbnet_lut_costs(MetricTable& t, const CostLibrary& library, FbnetSetting setting) {
  const auto bytes = choice_bytes(t.archs);
  for (const auto& model : library.all_models(Space::FBNet, to_string(setting))) {
    MetricColumn column{model->key().to_string(), metric_unit(model->key().metric),
                        source_name(model->key()), std::vector<double>(t.archs.size())};
    model->costs(bytes.data(), t.archs.size(), column.values.data());
    t.costs.push_back(std::move(column));
  }
}

}  // namespace

size_t MetricColumn::known() const {
  return static_cast<size_t>(
      std::count_if(values.begin(), values.end(), [](double v) { return !std::isnan(v); }));
}

const MetricColumn& MetricTable::cost(const std::string& name) const {
  for (const auto& c : costs) {
    if (c.name == name) return c;
  }
  throw InputError("no metric '" + name + "' in the " + label + " table; known: " +
                   join(cost_names(), ", "));
}

std::vector<std::string> MetricTable::cost_names() const {
  std::vector<std::string> names;
  for (const auto& c : costs) names.push_back(c.name);
  return names;
}

MetricTable nb201_metric_table(const CostLibrary& library) {
  const Nb201Tables& tables = library.nb201();
  MetricTable t;
  t.space = "nb201";
  t.setting = "cifar10";
  t.label = "nb201_cifar10";
  t.archs_note = "all 15625 architectures; a metric is compared over the architectures it knows";
  MetricColumn flops{"flops", "MFLOPs", "counted", {}}, params{"params", "M", "counted", {}};
  for (int code = 0; code < kNb201Archs; ++code) {
    t.archs.push_back(nb201_from_code(code));
    t.nb201_index.push_back(tables.index_of(t.archs.back()));
    const Complexity c = nb201_complexity(t.archs.back());
    flops.values.push_back(c.mflops);
    params.values.push_back(c.mparams);
  }
  t.complexity = {std::move(flops), std::move(params)};
  for (const Nb201Column& column : tables.columns()) {
    t.costs.push_back({column.key.to_string(), metric_unit(column.key.metric),
                       source_name(column.key), column.by_code});
  }
  if (tables.has_accuracy()) {
    for (Nb201Dataset d :
         {Nb201Dataset::Cifar10, Nb201Dataset::Cifar100, Nb201Dataset::ImageNet16_120}) {
      t.accuracy.push_back(
          {to_string(d) + "_test", "%", "NAS-Bench-201", tables.accuracy_by_code(d)});
    }
  }
  return t;
}

MetricTable fbnet_metric_table(const CostLibrary& library, FbnetSetting setting, size_t samples,
                               uint64_t seed) {
  if (samples == 0) throw InputError("fbnet sample size is 0; expected at least 1 architecture");
  MetricTable t;
  t.space = "fbnet";
  t.setting = to_string(setting);
  t.label = "fbnet_" + t.setting;
  t.archs_note = std::to_string(samples) + " uniform random architectures (seed " +
                 std::to_string(seed) + ")";
  t.archs = random_fbnet_archs(samples, seed);
  add_fbnet_complexity(t, setting);
  add_fbnet_lut_costs(t, library, setting);
  return t;
}

MetricTable fbnet_help_metric_table(const CostLibrary& library,
                                    const HelpFbnetMeasurements& help) {
  MetricTable t;
  t.space = "fbnet";
  t.setting = "cifar100";
  t.label = "fbnet_help_cifar100";
  t.archs_note = "HELP's " + std::to_string(help.archs.size()) + " architectures (" + help.file + ")";
  t.archs = help.archs;
  add_fbnet_complexity(t, FbnetSetting::Cifar100);
  add_fbnet_lut_costs(t, library, FbnetSetting::Cifar100);
  for (const auto& column : help.columns) {
    const std::string name = column.device + "_latency";
    const auto lut = std::find_if(t.costs.begin(), t.costs.end(),
                                  [&](const MetricColumn& c) { return c.name == name; });
    if (lut != t.costs.end()) {
      double worst = 0;  // relative difference to the LUT sum
      for (size_t i = 0; i < t.archs.size(); ++i) {
        worst = std::max(worst, std::abs(column.latency_ms[i] - lut->values[i]) /
                                    std::max(std::abs(lut->values[i]), 1e-12));
      }
      if (worst <= 1e-9) {
        t.notes.push_back("HELP " + column.device + " equals the LUT sum " + name +
                          " on all archs (max relative difference " + format_double(worst) +
                          "): listed once");
        continue;
      }
      t.notes.push_back("HELP " + column.device + " differs from the LUT sum " + name +
                        " (max relative difference " + format_double(worst) +
                        "): kept as help_" + name);
      t.costs.push_back({"help_" + name, "ms", "HELP", column.latency_ms});
      continue;
    }
    t.costs.push_back({name, "ms", "HELP", column.latency_ms});
  }
  return t;
}

}  // namespace hwnas
