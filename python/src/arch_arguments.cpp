#include "python/src/arch_arguments.h"

#include <climits>

#include "core/error.h"
#include "costmodels/arch_report.h"

namespace py = pybind11;

namespace hwnas::python {
namespace {

std::string type_name(py::handle value) { return py::str(py::type::handle_of(value).attr("__name__")); }

// Python ints and numpy integer scalars (anything with __index__ that is not a bool or an array).
bool is_integer(py::handle value) {
  return PyIndex_Check(value.ptr()) && !PyBool_Check(value.ptr()) && !py::isinstance<py::array>(value);
}

// InputError at the first choice outside 0..num_choices-1 (row and layer/edge named); copies
// the checked values as bytes into `out` when given.
template <typename Value>
void check_choices(const SearchSpace& s, const Value* values, size_t n, uint8_t* out) {
  for (size_t k = 0; k < n; ++k) {
    if (values[k] < 0 || values[k] >= s.num_choices) {
      const size_t row = k / s.num_decisions, column = k % s.num_decisions;
      throw InputError(s.name + " archs: row " + std::to_string(row) + " has choice " +
                       std::to_string(static_cast<int64_t>(values[k])) + " at " +
                       (s.space == Space::FBNet ? "layer " : "edge ") + std::to_string(column) +
                       ", expected 0.." + std::to_string(s.num_choices - 1));
    }
    if (out) out[k] = static_cast<uint8_t>(values[k]);
  }
}

}  // namespace

// The common case, a list or tuple of Python ints, read straight from the sequence's items
// (a single query's conversion is then ~0.1 us); anything else takes the general path.
bool read_int_sequence(py::handle value, Space space, Arch& arch) {
  if (!PyList_Check(value.ptr()) && !PyTuple_Check(value.ptr())) return false;
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(value.ptr());
  PyObject** items = PySequence_Fast_ITEMS(value.ptr());
  arch.space = space;
  arch.ops.resize(static_cast<size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    if (!PyLong_CheckExact(items[i])) return false;
    const long op = PyLong_AsLong(items[i]);
    if (op == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      return false;
    }
    if (op < INT_MIN || op > INT_MAX) return false;
    arch.ops[static_cast<size_t>(i)] = static_cast<int>(op);
  }
  validate(arch);  // length and range, with the usual message
  return true;
}

Arch to_arch(const CostLibrary& library, Space space, py::handle value) {
  Arch fast;
  if (read_int_sequence(value, space, fast)) return fast;
  const SearchSpace& s = search_space(space);
  if (py::isinstance<py::str>(value)) return parse_arch_argument(library, space, value.cast<std::string>());
  if (is_integer(value)) {
    if (space == Space::NB201) return library.nb201().arch_at(value.cast<int>());
    throw InputError("fbnet architecture: expected 22 choice indices (0..8) or names, got the "
                     "integer " + std::string(py::str(value)) + " (an index exists for nb201 only)");
  }
  if (py::isinstance<py::array>(value) || PySequence_Check(value.ptr())) {
    const py::sequence items = py::isinstance<py::array>(value)
                                   ? py::sequence(value.attr("tolist")())
                                   : py::reinterpret_borrow<py::sequence>(value);
    const size_t n = items.size();
    // A list of FBNet names (get_net_config's arch_str) takes the command line's parser.
    if (n > 0 && py::isinstance<py::str>(items[0])) {
      std::string text;
      for (size_t i = 0; i < n; ++i) {
        const std::string name = py::str(items[i]).cast<std::string>();
        // Each entry is one op: joined with commas, "k3_e6,k3_e6" would count as two layers.
        if (name.find_first_of(", \t\n-") != std::string::npos) {
          throw InputError("fbnet architecture: entry " + std::to_string(i) + " '" + name +
                           "' is not one op name (a list holds one name per layer)");
        }
        text += (i ? "," : "") + name;
      }
      if (space == Space::FBNet) return parse_fbnet_arch(text);
      throw InputError("nb201 architecture: a list of names is not a form of it; give the index, "
                       "the |op~0|+...| string or " + std::to_string(s.num_decisions) + " op indices");
    }
    Arch arch{space, std::vector<int>(n)};
    for (size_t i = 0; i < n; ++i) {
      const py::handle item = items[i];
      if (!is_integer(item)) {
        throw InputError(s.name + " architecture: choice " + std::to_string(i) + " is " +
                         std::string(py::repr(item)) + " (" + type_name(item) +
                         "), expected an integer 0.." + std::to_string(s.num_choices - 1));
      }
      const Py_ssize_t op = PyNumber_AsSsize_t(item.ptr(), PyExc_OverflowError);
      if (op == -1 && PyErr_Occurred()) throw py::error_already_set();
      if (op < 0 || op >= s.num_choices) {
        throw InputError(s.name + " architecture: choice " + std::to_string(i) + " is " +
                         std::to_string(op) + ", expected 0.." + std::to_string(s.num_choices - 1));
      }
      arch.ops[i] = static_cast<int>(op);
    }
    validate(arch);
    return arch;
  }
  throw InputError(s.name + " architecture: expected " +
                   (space == Space::NB201 ? "an index, a |op~0|+...| string or 6 op indices"
                                          : std::string("22 choice indices (0..8) or names")) +
                   ", got " + type_name(value));
}

ChoiceBatch to_choice_batch(const CostLibrary& library, Space space, py::handle value) {
  const SearchSpace& s = search_space(space);
  const py::array archs = py::array::ensure(value);  // numpy arrays as they are, lists converted
  if (!archs) {
    PyErr_Clear();
    throw InputError(s.name + " archs: expected a numpy integer array (or a list of lists), got " +
                     type_name(value));
  }
  const char kind = archs.dtype().kind();
  const auto shape_text = [&] {
    std::string text = "(";
    for (py::ssize_t d = 0; d < archs.ndim(); ++d) text += (d ? ", " : "") + std::to_string(archs.shape(d));
    return text + (archs.ndim() == 1 ? ",)" : ")");
  };
  const std::string expected =
      space == Space::NB201 ? "an integer array of shape (N, 6) (op indices 0..4) or (N,) (indices 0..15624)"
                            : "an integer array of shape (N, 22) (choice indices 0..8)";
  if (kind != 'i' && kind != 'u') {
    throw InputError(s.name + " archs: expected " + expected + ", got dtype " +
                     std::string(py::str(archs.dtype())));
  }
  ChoiceBatch batch;
  const bool choice_matrix = archs.ndim() == 2 && archs.shape(1) == s.num_decisions;
  if (choice_matrix && archs.dtype().is(py::dtype::of<uint8_t>()) &&
      (archs.flags() & py::array::c_style)) {
    // Already the cost models' form: no copy, the range checked in place.
    batch.count = static_cast<size_t>(archs.shape(0));
    batch.choices = static_cast<const uint8_t*>(archs.data());
    batch.array = archs;
    py::gil_scoped_release release;
    check_choices(s, batch.choices, batch.count * s.num_decisions, nullptr);
    return batch;
  }
  const auto as_int64 = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(archs);
  if (!as_int64) throw py::error_already_set();
  const int64_t* values = as_int64.data();
  if (space == Space::NB201 && archs.ndim() == 1) {
    batch.count = static_cast<size_t>(archs.shape(0));
    batch.storage.resize(batch.count * kNb201Edges);
    batch.choices = batch.storage.data();
    const Nb201Tables& tables = library.nb201();
    py::gil_scoped_release release;
    for (size_t i = 0; i < batch.count; ++i) {
      if (values[i] < 0 || values[i] >= kNb201Archs) {
        throw InputError("nb201 archs: index " + std::to_string(values[i]) + " at row " +
                         std::to_string(i) + " is out of range 0..15624");
      }
      const Arch arch = tables.arch_at(static_cast<int>(values[i]));
      for (int e = 0; e < kNb201Edges; ++e) batch.storage[i * kNb201Edges + e] = static_cast<uint8_t>(arch.ops[e]);
    }
    return batch;
  }
  if (!choice_matrix) {
    throw InputError(s.name + " archs: expected " + expected + ", got shape " + shape_text());
  }
  batch.count = static_cast<size_t>(archs.shape(0));
  const size_t n = batch.count * static_cast<size_t>(s.num_decisions);
  batch.storage.resize(n);
  batch.choices = batch.storage.data();
  py::gil_scoped_release release;
  check_choices(s, values, n, batch.storage.data());
  return batch;
}

py::dict arch_forms(const CostLibrary& library, const Arch& arch) {
  py::dict forms;
  py::list ops;
  for (int op : arch.ops) ops.append(op);
  if (arch.space == Space::FBNet) {
    py::list names;
    for (int op : arch.ops) names.append(kFbnetCandidates[static_cast<size_t>(op)].name);
    forms["op_idx_list"] = ops;
    forms["arch_str"] = names;
  } else {
    forms["index"] = library.nb201().index_of(arch);
    forms["ops"] = ops;
    forms["arch_str"] = nb201_string(arch);
  }
  return forms;
}

}  // namespace hwnas::python
