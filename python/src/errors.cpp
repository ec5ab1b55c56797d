#include "python/src/errors.h"

#include "core/cli_args.h"
#include "core/error.h"
#include "core/logging.h"

namespace py = pybind11;

namespace hwnas::python {
namespace {

// Created once per interpreter when the module is imported; owned by the module's attributes.
struct PythonErrors {
  PyObject* error = nullptr;
  PyObject* input = nullptr;
  PyObject* config = nullptr;
  PyObject* data = nullptr;
  PyObject* missing = nullptr;
  PyObject* io = nullptr;
};
PythonErrors errors;

PyObject* new_error(py::module_& m, const char* name, const char* doc,
                    std::initializer_list<PyObject*> bases) {
  py::tuple base_tuple(bases.size());
  size_t i = 0;
  for (PyObject* base : bases) base_tuple[i++] = py::reinterpret_borrow<py::object>(base);
  const std::string qualified = std::string("hwnas.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base_tuple.ptr(), nullptr);
  if (!type) throw py::error_already_set();
  m.attr(name) = py::reinterpret_steal<py::object>(type);
  return type;
}

// The message as the executables print it after "<program>: ": one line, at most 1,000 characters.
// A run folder whose run ends by this error gets the line in its log.txt, as run_main does.
void raise(PyObject* type, const std::exception& e) {
  const std::string line = one_line_message(e.what());
  log_error_to_files(line);
  PyErr_SetString(type, line.c_str());
}

}  // namespace

void bind_errors(py::module_& m) {
  errors.error = new_error(m, "Error", "Base of every hwnas error.", {PyExc_Exception});
  errors.input = new_error(
      m, "InputError",
      "The caller's input is wrong (an arch, a metric, a config key or value, a table file); the "
      "executables exit with status 2 for these.",
      {errors.error, PyExc_ValueError});
  errors.config = new_error(m, "ConfigError",
                            "A config key or value is wrong (names the source, key and rule).",
                            {errors.input});
  errors.data = new_error(m, "DataError", "A data file is missing, truncated or invalid.",
                          {errors.input});
  errors.missing = new_error(
      m, "MissingValueError",
      "The tables have no value for this arch and metric (never replaced by 0).",
      {errors.error, PyExc_LookupError});
  errors.io = new_error(m, "IoError",
                        "Writing failed or the run folder is held by another run (exit status 1 "
                        "in the executables).",
                        {errors.error, PyExc_OSError});
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const ConfigError& e) {
      raise(errors.config, e);
    } catch (const DataError& e) {
      raise(errors.data, e);
    } catch (const InputError& e) {
      raise(errors.input, e);
    } catch (const MissingValueError& e) {
      raise(errors.missing, e);
    } catch (const IoError& e) {
      raise(errors.io, e);
    } catch (const Error& e) {
      raise(errors.error, e);
    }
  });
}

}  // namespace hwnas::python
