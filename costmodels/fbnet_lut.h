#pragma once
// The HW-NAS-Bench FBNet lookup table (fbnet_lut.json: metric -> op_key -> cost) turned into one
// dense per-layer matrix per (setting, metric): cost(arch) = stem + sum_l C[l][a_l] + head + pool
// + FC, summed in that order as the HW-NAS-Bench API does, so results match it to the bit.
#include <array>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "costmodels/cost_model.h"
#include "costmodels/fbnet_macro.h"

namespace hwnas {

struct FbnetCostTable {
  double stem = 0, head = 0, pool = 0, fc = 0;
  std::array<double, kFbnetLayers * kFbnetChoices> layer{};  // [l * 9 + op]

  double fixed() const { return stem + head + pool + fc; }
  // Choices must already be validated (0..8); this is the hot path: a gather and a sum.
  template <typename Choice>
  double cost(const Choice* choices) const {
    double total = stem;
    for (int l = 0; l < kFbnetLayers; ++l) total += layer[l * kFbnetChoices + choices[l]];
    return total + head + pool + fc;
  }
};

class FbnetLut {
 public:
  // Validates every value (finite, >= 0) and builds the tables of each setting the file covers
  // (one of its metrics is complete for it or holds a key only it needs). DataError naming the
  // file, setting, metric and key when a covered setting lacks a key in some metric; a setting
  // the file does not cover is an InputError when asked for.
  static FbnetLut parse(const std::string& json_text, const std::string& file_name);
  static FbnetLut load(const std::string& path);

  const std::string& file() const { return file_; }
  // From the file's optional "metadata" object (hwnas_profile, hwnas_fit): its "source"
  // ("profiled", "fitted"; "" without metadata) and "description".
  const std::string& source() const { return source_; }
  const std::string& description() const { return description_; }
  const std::vector<CostKey>& keys() const { return keys_; }  // in file order
  bool has(const CostKey& key) const;
  bool has_setting(FbnetSetting setting) const;
  // InputError when the file does not cover the setting or the metric is unknown.
  const FbnetCostTable& table(FbnetSetting setting, const CostKey& key) const;
  // A raw LUT entry (profiling and fitting compare against these).
  double entry(const CostKey& key, const std::string& op_key) const;

 private:
  std::string file_;
  std::string source_, description_;
  std::vector<CostKey> keys_;
  std::map<std::string, std::map<std::string, double>> entries_;  // metric -> op_key -> value
  std::map<std::pair<int, std::string>, FbnetCostTable> tables_;  // (setting, metric) -> table
  std::map<int, std::string> incomplete_;  // setting not covered -> why
};

class FbnetCostModel : public CostModel {
 public:
  FbnetCostModel(const FbnetCostTable& table, FbnetSetting setting, CostKey key,
                 std::string source);

  Space space() const override { return Space::FBNet; }
  const CostKey& key() const override { return key_; }
  std::string setting() const override { return to_string(setting_); }
  std::string describe() const override;
  double cost(const Arch& arch) const override;
  void costs(const uint8_t* choices, size_t count, double* out) const override;
  bool complete() const override { return true; }
  CostStructure structure() const override;

  const FbnetCostTable& table() const { return table_; }

 private:
  FbnetCostTable table_;
  FbnetSetting setting_;
  CostKey key_;
  std::string source_;
};

}  // namespace hwnas
