#include "costmodels/cost_library.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>

#include "core/config.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"

namespace hwnas {

CostTablesOptions CostTablesOptions::read(const ConfigSection& root) {
  CostTablesOptions o;
  o.data_dir = root.get_string("data_dir", o.data_dir);
  o.extra_tables = root.get_strings("cost_tables", o.extra_tables);
  return o;
}

std::shared_ptr<const CostLibrary> CostTablesOptions::load() const {
  return CostLibrary::load(data_dir, extra_tables);
}

// Only the folder: Nb201Tables::default_files() checks that the files exist, which is part of
// reading them.
struct CostLibrary::Nb201OnFirstUse {
  std::string dir;
  std::once_flag once;
  std::shared_ptr<const Nb201Tables> tables;
};

std::shared_ptr<const CostLibrary> CostLibrary::load(const std::string& dir,
                                                     const std::vector<std::string>& extra_tables) {
  return load_tables(dir, extra_tables, /*nb201_now=*/true);
}

std::shared_ptr<const CostLibrary> CostLibrary::load_on_first_use(
    const std::string& dir, const std::vector<std::string>& extra_tables) {
  return load_tables(dir, extra_tables, /*nb201_now=*/false);
}

const std::shared_ptr<const Nb201Tables>& CostLibrary::nb201_tables() const {
  // call_once: a failed read (an exception) leaves the flag unset, so the next use retries and
  // reports the same error instead of handing out no tables.
  std::call_once(nb201_->once, [this] {
    const auto start = std::chrono::steady_clock::now();
    const Nb201Tables::Files files = Nb201Tables::default_files(nb201_->dir);
    nb201_->tables = std::make_shared<const Nb201Tables>(Nb201Tables::load(files));
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    // What a program read, for users and tests (test_hwnas_query_batch.cpp): --log-level debug.
    spdlog::debug("read the nb201 tables {}, {}, {} in {:.1f} ms", files.hw_nas_bench, files.help,
                  files.accuracy, took.count());
  });
  return nb201_->tables;
}

std::shared_ptr<const CostLibrary> CostLibrary::load_tables(
    const std::string& dir, const std::vector<std::string>& extra_tables, bool nb201_now) {
  auto library = std::make_shared<CostLibrary>();
  library->dir_ = dir.empty() ? data_dir() : dir;
  library->fbnet_ = FbnetLut::load(data_path("hw-nas-bench/fbnet_lut.json", library->dir_));
  library->nb201_ = std::make_shared<Nb201OnFirstUse>();
  library->nb201_->dir = library->dir_;
  // Before the extra tables: load() reports a damaged NB201 table first, as it always did.
  if (nb201_now) library->nb201_tables();
  for (const auto& path : extra_tables) {
    FbnetLut extra = FbnetLut::load(path);
    for (const CostKey& key : extra.keys()) {
      for (const FbnetLut* other : library->all_fbnet_luts()) {
        if (other->has(key)) {
          throw InputError(path + ": metric '" + key.to_string() + "' is already defined by " +
                           other->file() + "; give the profiled or fitted device another name");
        }
      }
    }
    library->extra_fbnet_.push_back(std::move(extra));
  }
  return library;
}

std::vector<const FbnetLut*> CostLibrary::all_fbnet_luts() const {
  std::vector<const FbnetLut*> luts{&fbnet_};
  for (const auto& extra : extra_fbnet_) luts.push_back(&extra);
  return luts;
}

const FbnetLut& CostLibrary::fbnet_lut_of(const CostKey& key) const {
  for (const FbnetLut* lut : all_fbnet_luts()) {
    if (lut->has(key)) return *lut;
  }
  std::string known;
  for (const auto& k : keys(Space::FBNet)) known += (known.empty() ? "" : ", ") + k.to_string();
  throw InputError("fbnet has no metric '" + key.to_string() + "' in " + fbnet_.file() +
                   (extra_fbnet_.empty() ? "" : " or the extra tables") + "; known: " + known);
}

DeviceInfo CostLibrary::device_info(const std::string& device) const {
  for (const auto& extra : extra_fbnet_) {
    for (const CostKey& key : extra.keys()) {
      if (key.device != device) continue;
      const DeviceSource source =
          extra.source() == "fitted" ? DeviceSource::Fitted : DeviceSource::Profiled;
      const std::string what = extra.description().empty() ? "user table" : extra.description();
      return {device, what + " [" + extra.file() + "]", source};
    }
  }
  return describe_device(device);
}

std::vector<std::string> CostLibrary::settings(Space space) const {
  if (space == Space::NB201) return {"cifar10"};
  std::vector<std::string> names;
  for (FbnetSetting s : kFbnetSettings) {
    if (fbnet_.has_setting(s)) names.push_back(to_string(s));
  }
  return names;
}

std::vector<CostKey> CostLibrary::keys(Space space, const std::string& setting) const {
  if (space == Space::FBNet) {
    std::vector<CostKey> keys;
    for (const FbnetLut* lut : all_fbnet_luts()) {
      if (!setting.empty() && !lut->has_setting(parse_fbnet_setting(setting))) continue;
      keys.insert(keys.end(), lut->keys().begin(), lut->keys().end());
    }
    // An empty list would print as an empty report or write "costs": {}; say why instead.
    if (keys.empty() && !setting.empty()) {
      throw InputError("no fbnet cost table covers the " + setting + " setting (" + fbnet_.file() +
                       (extra_fbnet_.empty() ? "" : " and the extra tables") +
                       "); settings: " + join(settings(Space::FBNet), ", "));
    }
    return keys;
  }
  std::vector<CostKey> keys;
  for (const auto& column : nb201().columns()) keys.push_back(column.key);
  return keys;
}

std::unique_ptr<CostModel> CostLibrary::model(Space space, const std::string& setting,
                                              const CostKey& key) const {
  if (space == Space::FBNet) {
    const FbnetSetting s = parse_fbnet_setting(setting);
    const FbnetLut& lut = fbnet_lut_of(key);
    return std::make_unique<FbnetCostModel>(lut.table(s, key), s, key, lut.file());
  }
  if (to_lower(setting) != "cifar10") {
    throw InputError("nb201 costs exist for the cifar10 setting only, not '" + setting +
                     "' (HW-NAS-Bench's cifar100/ImageNet16-120 NB201 tables are not available)");
  }
  const auto& tables = nb201_tables();
  return std::make_unique<Nb201CostModel>(tables, tables->column(key));
}

std::vector<std::unique_ptr<CostModel>> CostLibrary::all_models(Space space,
                                                                const std::string& setting) const {
  std::vector<std::unique_ptr<CostModel>> models;
  for (const CostKey& key : keys(space, setting)) models.push_back(model(space, setting, key));
  return models;
}

}  // namespace hwnas
