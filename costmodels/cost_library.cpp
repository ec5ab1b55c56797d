#include "costmodels/cost_library.h"

#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"

namespace hwnas {

std::shared_ptr<const CostLibrary> CostLibrary::load(const std::string& dir) {
  auto library = std::make_shared<CostLibrary>();
  library->dir_ = dir.empty() ? data_dir() : dir;
  library->fbnet_ = FbnetLut::load(library->dir_ + "/hw-nas-bench/fbnet_lut.json");
  library->nb201_ = std::make_shared<const Nb201Tables>(
      Nb201Tables::load(Nb201Tables::default_files(library->dir_)));
  return library;
}

std::vector<std::string> CostLibrary::settings(Space space) const {
  if (space == Space::NB201) return {"cifar10"};
  std::vector<std::string> names;
  for (FbnetSetting s : kFbnetSettings) {
    if (fbnet_.has_setting(s)) names.push_back(to_string(s));
  }
  return names;
}

std::vector<CostKey> CostLibrary::keys(Space space) const {
  if (space == Space::FBNet) return fbnet_.keys();
  std::vector<CostKey> keys;
  for (const auto& column : nb201_->columns()) keys.push_back(column.key);
  return keys;
}

std::unique_ptr<CostModel> CostLibrary::model(Space space, const std::string& setting,
                                              const CostKey& key) const {
  if (space == Space::FBNet) {
    const FbnetSetting s = parse_fbnet_setting(setting);
    return std::make_unique<FbnetCostModel>(fbnet_.table(s, key), s, key, fbnet_.file());
  }
  if (to_lower(setting) != "cifar10") {
    throw InputError("nb201 costs exist for the cifar10 setting only, not '" + setting +
                     "' (HW-NAS-Bench's cifar100/ImageNet16-120 NB201 tables are not available)");
  }
  return std::make_unique<Nb201CostModel>(nb201_, nb201_->column(key));
}

std::vector<std::unique_ptr<CostModel>> CostLibrary::all_models(Space space,
                                                                const std::string& setting) const {
  std::vector<std::unique_ptr<CostModel>> models;
  for (const CostKey& key : keys(space)) models.push_back(model(space, setting, key));
  return models;
}

}  // namespace hwnas
