#pragma once
// Every table of the project, loaded once, and the factory of cost models over them.
#include <memory>
#include <string>
#include <vector>

#include "costmodels/cost_model.h"
#include "costmodels/fbnet_lut.h"
#include "costmodels/nb201_tables.h"

namespace hwnas {

class ConfigSection;
class CostLibrary;

// Where a program's tables come from: the top-level `data_dir` and `cost_tables` keys of a search
// or retraining config (hwnas_query and hwnas_analyze take --data-dir and --cost-table).
//   data_dir: ""                                   # "" = $HWNAS_DATA_DIR or the built-in data/
//   cost_tables: [runs/profile/host_cpu_latency.json]   # profiled or fitted devices (LUT files)
struct CostTablesOptions {
  std::string data_dir;
  std::vector<std::string> extra_tables;

  static CostTablesOptions read(const ConfigSection& root);
  std::shared_ptr<const CostLibrary> load() const;
};

class CostLibrary {
 public:
  // Loads fbnet_lut.json and the NB201 tables from `dir` (default: data_dir()), then each of
  // `extra_tables`: FBNet LUT files in the HW-NAS-Bench format (hwnas_profile, hwnas_fit) whose
  // metrics become further devices. InputError when an extra metric already exists.
  static std::shared_ptr<const CostLibrary> load(const std::string& dir = "",
                                                 const std::vector<std::string>& extra_tables = {});
  // The same library, but the NB201 tables (three CSVs, 12.7 MB: most of load()'s time) are read
  // at their first use, by any thread: a program that touches only FBNet never reads them. Their
  // errors (a missing or damaged CSV) then come from that first use, not from here.
  static std::shared_ptr<const CostLibrary> load_on_first_use(
      const std::string& dir = "", const std::vector<std::string>& extra_tables = {});

  const std::string& dir() const { return dir_; }
  const FbnetLut& fbnet() const { return fbnet_; }  // the HW-NAS-Bench LUT
  const Nb201Tables& nb201() const { return *nb201_tables(); }

  // Dataset settings that have cost tables: fbnet cifar100, cifar10, ImageNet; nb201 cifar10.
  std::vector<std::string> settings(Space space) const;
  // Every metric of the space; with a setting, those that have a table for it (an extra table may
  // cover one setting only).
  std::vector<CostKey> keys(Space space, const std::string& setting = "") const;
  // Description and origin of a device: an extra table's metadata, else describe_device().
  DeviceInfo device_info(const std::string& device) const;
  // InputError naming the space, setting or key and listing what exists.
  std::unique_ptr<CostModel> model(Space space, const std::string& setting,
                                   const CostKey& key) const;
  std::vector<std::unique_ptr<CostModel>> all_models(Space space, const std::string& setting) const;

 private:
  static std::shared_ptr<const CostLibrary> load_tables(
      const std::string& dir, const std::vector<std::string>& extra_tables, bool nb201_now);
  std::vector<const FbnetLut*> all_fbnet_luts() const;  // the HW-NAS-Bench LUT first
  const FbnetLut& fbnet_lut_of(const CostKey& key) const;
  // Reads the NB201 tables on the first call (once, whichever thread asks first).
  const std::shared_ptr<const Nb201Tables>& nb201_tables() const;

  std::string dir_;
  FbnetLut fbnet_;
  std::vector<FbnetLut> extra_fbnet_;
  struct Nb201OnFirstUse;  // the data folder, a once-flag and the tables once read
  std::shared_ptr<Nb201OnFirstUse> nb201_;
};

}  // namespace hwnas
