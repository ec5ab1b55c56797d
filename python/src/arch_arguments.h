#pragma once
// Python values -> architectures, in every form the command line takes and the HW-NAS-Bench API
// uses: one arch (an NB201 index, a string, a sequence of choice indices or FBNet names) or a numpy
// batch (N x 22 / N x 6 choice indices, or a 1-D array of NB201 indices).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <vector>

#include "costmodels/cost_library.h"

namespace hwnas::python {

Arch to_arch(const CostLibrary& library, Space space, pybind11::handle value);

// Archs as the cost models' batch form: count x num_decisions choice bytes, row-major, each
// checked to be in range (InputError naming the row, the position and the value).
struct ChoiceBatch {
  const uint8_t* choices = nullptr;  // storage's, or a C-contiguous uint8 array's own memory
  size_t count = 0;
  std::vector<uint8_t> storage;
  pybind11::object array;  // keeps the borrowed array alive
};
ChoiceBatch to_choice_batch(const CostLibrary& library, Space space, pybind11::handle archs);

// HW-NAS-Bench forms of one arch: fbnet {op_idx_list, arch_str: [names]}, nb201 {index, ops,
// arch_str}, the keys of arch.json.
pybind11::dict arch_forms(const CostLibrary& library, const Arch& arch);

}  // namespace hwnas::python
