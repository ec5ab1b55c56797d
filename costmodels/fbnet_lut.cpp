#include "costmodels/fbnet_lut.h"

#include <tbb/parallel_for.h>

#include <cmath>
#include <set>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"

namespace hwnas {

namespace {

// A LUT key a setting needs and what it is for (error messages name both).
struct NeededKey {
  std::string op_key;
  std::string role;
};

// Every key of a setting in FbnetCostTable order: stem, layers (l * 9 + op), head, pool, FC.
std::vector<NeededKey> needed_keys(FbnetSetting setting) {
  const FbnetMacro macro = fbnet_macro(setting);
  std::vector<NeededKey> keys{{fbnet_stem_key(macro), "stem"}};
  for (int l = 0; l < kFbnetLayers; ++l) {
    for (int op = 0; op < kFbnetChoices; ++op) {
      keys.push_back({fbnet_layer_key(macro.layers[l], op),
                      "layer " + std::to_string(l) + " " + kFbnetCandidates[op].name});
    }
  }
  keys.push_back({fbnet_head_key(macro), "head conv"});
  keys.push_back({fbnet_pool_key(macro), "global pool"});
  keys.push_back({fbnet_fc_key(macro), "classifier"});
  return keys;
}

double& slot(FbnetCostTable& table, size_t position) {
  constexpr size_t kLayers = kFbnetLayers * kFbnetChoices;
  if (position == 0) return table.stem;
  if (position <= kLayers) return table.layer[position - 1];
  if (position == kLayers + 1) return table.head;
  return position == kLayers + 2 ? table.pool : table.fc;
}

// The keys of setting `s` (an index into `needed`) that no other setting needs (cifar10 and
// cifar100: their classifier; ImageNet: nearly all). A file holding one means to cover it.
std::vector<const NeededKey*> own_keys(size_t s, const std::vector<std::vector<NeededKey>>& needed) {
  std::set<std::string> others;
  for (size_t o = 0; o < needed.size(); ++o) {
    for (const NeededKey& key : needed[o]) {
      if (o != s) others.insert(key.op_key);
    }
  }
  std::vector<const NeededKey*> own;
  for (const NeededKey& key : needed[s]) {
    if (!others.count(key.op_key)) own.push_back(&key);
  }
  return own;
}

// Fills `table` from one metric's entries; returns the first missing key's description, or "".
std::string build_table(const std::map<std::string, double>& entries,
                        const std::vector<NeededKey>& needed, FbnetCostTable& table) {
  for (size_t i = 0; i < needed.size(); ++i) {
    const auto it = entries.find(needed[i].op_key);
    if (it == entries.end()) return "no entry '" + needed[i].op_key + "' (" + needed[i].role + ")";
    slot(table, i) = it->second;
  }
  return "";
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
  // A file covers a setting when one of its metrics is complete for it or holds a key only that
  // setting needs; then every metric must be complete for it. A setting the file does not cover
  // (a profiled cifar10 table has no cifar100 classifier) is remembered and reported when asked
  // for; a covered one with a hole is this file's error, here, not an empty table later.
  std::vector<std::vector<NeededKey>> all_needed;
  for (FbnetSetting setting : kFbnetSettings) all_needed.push_back(needed_keys(setting));
  for (size_t s = 0; s < kFbnetSettings.size(); ++s) {
    const FbnetSetting setting = kFbnetSettings[s];
    const std::vector<NeededKey>& needed = all_needed[s];
    const std::vector<const NeededKey*> own = own_keys(s, all_needed);
    std::vector<FbnetCostTable> tables(lut.keys_.size());
    std::vector<std::string> missing(lut.keys_.size());
    bool covered = false;
    for (size_t k = 0; k < lut.keys_.size(); ++k) {
      const auto& entries = lut.entries_.at(lut.keys_[k].to_string());
      missing[k] = build_table(entries, needed, tables[k]);
      covered = covered || missing[k].empty();
      for (const NeededKey* key : own) covered = covered || entries.count(key->op_key) > 0;
    }
    if (!covered) {
      lut.incomplete_[static_cast<int>(setting)] =
          "no metric has its entry '" + own.front()->op_key + "' (" + own.front()->role + ")";
      continue;
    }
    for (size_t k = 0; k < lut.keys_.size(); ++k) {
      if (!missing[k].empty()) {
        throw DataError(file_name + ": the fbnet " + to_string(setting) + " setting is incomplete: " +
                        lut.keys_[k].to_string() + " has " + missing[k] +
                        " (every metric needs every entry of the settings the file covers)");
      }
      lut.tables_[{static_cast<int>(setting), lut.keys_[k].to_string()}] = tables[k];
    }
  }
  if (lut.tables_.empty()) {
    throw DataError(file_name + ": covers no fbnet dataset setting; cifar100: " +
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
    std::vector<std::string> covered;
    for (FbnetSetting s : kFbnetSettings) {
      if (has_setting(s)) covered.push_back(to_string(s));
    }
    throw InputError(file_ + " has no fbnet " + to_string(setting) + " costs (" + it->second +
                     "); it covers " + join(covered, ", "));
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
