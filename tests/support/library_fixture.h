#pragma once
// The project's tables, loaded once per test binary (they are read-only), and short Arch makers.
#include <memory>
#include <vector>

#include "core/error.h"
#include "costmodels/cost_library.h"
#include "support/error_of.h"

namespace hwnas::testing {

inline const std::shared_ptr<const CostLibrary>& shared_library() {
  static const auto loaded = CostLibrary::load();
  return loaded;
}
inline const CostLibrary& library() { return *shared_library(); }

inline Arch fbnet(std::vector<int> ops) { return Arch{Space::FBNet, std::move(ops)}; }
inline Arch nb201(std::vector<int> ops) { return Arch{Space::NB201, std::move(ops)}; }

}  // namespace hwnas::testing
