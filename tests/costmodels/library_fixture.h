#pragma once
// The project's tables, loaded once per test binary (they are read-only).
#include <functional>
#include <string>

#include "core/error.h"
#include "error_of.h"
#include "costmodels/cost_library.h"

namespace hwnas::testing {

inline const CostLibrary& library() {
  static const auto loaded = CostLibrary::load();
  return *loaded;
}

inline Arch fbnet(std::vector<int> ops) { return Arch{Space::FBNet, std::move(ops)}; }
inline Arch nb201(std::vector<int> ops) { return Arch{Space::NB201, std::move(ops)}; }

}  // namespace hwnas::testing
