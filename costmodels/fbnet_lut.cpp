#include "costmodels/fbnet_lut.h"

#include <tbb/parallel_for.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/paths.h"

namespace hwnas {

namespace {

// Looks up every key the setting needs; returns the first missing one's description, or "".
std::string build_table(const std::map<std::string, double>& entries, const FbnetMacro& macro,
                        FbnetCostTable& table) {
  const auto take = [&](const std::string& op_key, const std::string& role, double& into) {
    const auto it = entries.find(op_key);
    if (it == entries.end()) return "no entry '" + op_key + "' (" + role + ")";
    into = it->second;
    return std::string();
  };
  std::string missing = take(fbnet_stem_key(macro), "stem", table.stem);
  for (int l = 0; l < kFbnetLayers && missing.empty(); ++l) {
    for (int op = 0; op < kFbnetChoices && missing.empty(); ++op) {
      missing = take(fbnet_layer_key(macro.layers[l], op),
                     "layer " + std::to_string(l) + " " + kFbnetCandidates[op].name,
                     table.layer[l * kFbnetChoices + op]);
    }
  }
  if (missing.empty()) missing = take(fbnet_head_key(macro), "head conv", table.head);
  if (missing.empty()) missing = take(fbnet_pool_key(macro), "global pool", table.pool);
  if (missing.empty()) missing = take(fbnet_fc_key(macro), "classifier", table.fc);
  return missing;
}

}  // namespace

FbnetLut FbnetLut::parse(const std::string& json_text, const std::string& file_name) {
  FbnetLut lut;
  lut.file_ = file_name;
  nlohmann::ordered_json root;  // keeps the file's metric order
  try {
    root = nlohmann::ordered_json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(file_name + ": not valid JSON (" + e.what() + ")");
  }
  if (!root.is_object() || root.empty()) {
    throw DataError(file_name + ": expected an object of metric -> {op_key: cost}");
  }
  for (const auto& [metric_name, ops] : root.items()) {
    if (metric_name == "metadata") {  // written by hwnas_profile and hwnas_fit, not a metric
      if (!ops.is_object()) throw DataError(file_name + ": 'metadata' should be an object");
      const auto text = [&](const char* field) {
        const auto it = ops.find(field);
        return it != ops.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      lut.source_ = text("source");
      lut.description_ = text("description");
      continue;
    }
    CostKey key;
    try {
      key = parse_cost_key(metric_name);
    } catch (const InputError& e) {
      throw DataError(file_name + ": top-level key " + e.what());
    }
    if (!ops.is_object() || ops.empty()) {
      throw DataError(file_name + ": metric '" + metric_name +
                      "' should be an object of op_key -> cost");
    }
    auto& entries = lut.entries_[metric_name];
    for (const auto& [op_key, value] : ops.items()) {
      if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0) {
        throw DataError(file_name + ": " + metric_name + "['" + op_key + "'] is " + value.dump() +
                        ", expected a finite cost >= 0");
      }
      entries[op_key] = value.get<double>();
    }
    lut.keys_.push_back(key);
  }
  for (FbnetSetting setting : kFbnetSettings) {
    for (const CostKey& key : lut.keys_) {
      FbnetCostTable table;
      const std::string missing =
          build_table(lut.entries_.at(key.to_string()), fbnet_macro(setting), table);
      if (!missing.empty()) {
        lut.incomplete_[static_cast<int>(setting)] = key.to_string() + " has " + missing;
        break;
      }
      lut.tables_[{static_cast<int>(setting), key.to_string()}] = table;
    }
    if (lut.incomplete_.count(static_cast<int>(setting))) {
      for (const CostKey& key : lut.keys_)
        lut.tables_.erase({static_cast<int>(setting), key.to_string()});
    }
  }
  if (lut.tables_.empty()) {
    throw DataError(file_name + ": no dataset setting is complete; cifar100: " +
                    lut.incomplete_.begin()->second);
  }
  return lut;
}

FbnetLut FbnetLut::load(const std::string& path) { return parse(read_text_file(path), path); }

bool FbnetLut::has(const CostKey& key) const { return entries_.count(key.to_string()) > 0; }

bool FbnetLut::has_setting(FbnetSetting setting) const {
  return incomplete_.count(static_cast<int>(setting)) == 0;
}

const FbnetCostTable& FbnetLut::table(FbnetSetting setting, const CostKey& key) const {
  if (!has(key)) {
    std::string known;
    for (const auto& k : keys_) known += (known.empty() ? "" : ", ") + k.to_string();
    throw InputError("fbnet has no metric '" + key.to_string() + "' in " + file_ +
                     "; known: " + known);
  }
  if (const auto it = incomplete_.find(static_cast<int>(setting)); it != incomplete_.end()) {
    throw DataError(file_ + ": the fbnet " + to_string(setting) +
                    " setting is incomplete: " + it->second);
  }
  return tables_.at({static_cast<int>(setting), key.to_string()});
}

double FbnetLut::entry(const CostKey& key, const std::string& op_key) const {
  const auto metric = entries_.find(key.to_string());
  if (metric == entries_.end()) throw InputError("fbnet has no metric '" + key.to_string() + "'");
  const auto it = metric->second.find(op_key);
  if (it == metric->second.end()) {
    throw MissingValueError(file_ + ": " + key.to_string() + " has no entry '" + op_key + "'");
  }
  return it->second;
}

FbnetCostModel::FbnetCostModel(const FbnetCostTable& table, FbnetSetting setting, CostKey key,
                               std::string source)
    : table_(table), setting_(setting), key_(std::move(key)), source_(std::move(source)) {}

std::string FbnetCostModel::describe() const {
  const std::string unit = metric_unit(key_.metric);
  return "fbnet " + to_string(setting_) + " " + key_.to_string() +
         (unit.empty() ? "" : " (" + unit + ")") + " from " + source_;
}

double FbnetCostModel::cost(const Arch& arch) const {
  if (arch.space != Space::FBNet)
    throw InputError("an nb201 architecture given to an fbnet cost model");
  validate(arch);
  return table_.cost(arch.ops.data());
}

CostStructure FbnetCostModel::structure() const {
  return {CostStructure::Kind::Additive, kFbnetLayers, kFbnetChoices, table_.fixed(),
          table_.layer.data()};
}

void FbnetCostModel::costs(const uint8_t* choices, size_t count, double* out) const {
  const auto run = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      const uint8_t* arch = choices + i * kFbnetLayers;
      for (int l = 0; l < kFbnetLayers; ++l) {
        if (arch[l] >= kFbnetChoices) {
          throw InputError("fbnet batch: architecture " + std::to_string(i) + " has choice " +
                           std::to_string(arch[l]) + " at layer " + std::to_string(l) +
                           ", expected 0..8");
        }
      }
      out[i] = table_.cost(arch);
    }
  };
  constexpr size_t kGrain = 1 << 15;  // below this, threads cost more than they save
  if (count < 2 * kGrain) {
    run(0, count);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<size_t>(0, count, kGrain),
                    [&](const tbb::blocked_range<size_t>& r) { run(r.begin(), r.end()); });
}

}  // namespace hwnas
