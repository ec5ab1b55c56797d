#pragma once
// Every table of the project, loaded once, and the factory of cost models over them.
#include <memory>
#include <string>
#include <vector>

#include "costmodels/cost_model.h"
#include "costmodels/fbnet_lut.h"
#include "costmodels/nb201_tables.h"

namespace hwnas {

class CostLibrary {
 public:
  // Loads fbnet_lut.json and the NB201 tables from `dir` (default: data_dir()).
  static std::shared_ptr<const CostLibrary> load(const std::string& dir = "");

  const std::string& dir() const { return dir_; }
  const FbnetLut& fbnet() const { return fbnet_; }
  const Nb201Tables& nb201() const { return *nb201_; }

  // Dataset settings that have cost tables: fbnet cifar100, cifar10, ImageNet; nb201 cifar10.
  std::vector<std::string> settings(Space space) const;
  std::vector<CostKey> keys(Space space) const;
  // InputError naming the space, setting or key and listing what exists.
  std::unique_ptr<CostModel> model(Space space, const std::string& setting,
                                   const CostKey& key) const;
  std::vector<std::unique_ptr<CostModel>> all_models(Space space, const std::string& setting) const;

 private:
  std::string dir_;
  FbnetLut fbnet_;
  std::shared_ptr<const Nb201Tables> nb201_;
};

}  // namespace hwnas
