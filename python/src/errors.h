#pragma once
// hwnas errors as Python exceptions (README "From Python"): hwnas.Error and its subclasses, each
// also deriving from the built-in exception a Python caller expects (InputError is a ValueError,
// MissingValueError a LookupError, IoError an OSError), carrying the executables' one-line messages.
#include <pybind11/pybind11.h>

namespace hwnas::python {

void bind_errors(pybind11::module_& m);

}  // namespace hwnas::python
