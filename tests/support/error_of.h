#pragma once
// Tests pin exact error messages: error_of runs `f` and returns the message of the hwnas::Error
// it throws, or "(no error)".
#include <functional>
#include <string>

#include "core/error.h"

namespace hwnas::testing {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace hwnas::testing
