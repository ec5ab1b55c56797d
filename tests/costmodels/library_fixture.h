#pragma once
// The project's tables, loaded once per test binary (they are read-only).
#include <functional>
#include <string>

#include "core/error.h"
#include "costmodels/cost_library.h"

namespace hwnas::testing {

inline const CostLibrary& library() {
  static const auto loaded = CostLibrary::load();
  return *loaded;
}

// The message of the hwnas::Error `f` throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

inline Arch fbnet(std::vector<int> ops) { return Arch{Space::FBNet, std::move(ops)}; }
inline Arch nb201(std::vector<int> ops) { return Arch{Space::NB201, std::move(ops)}; }

}  // namespace hwnas::testing
