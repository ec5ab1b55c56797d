#pragma once
// One error hierarchy for the whole project: executables catch hwnas::Error, log its one-line
// message and exit non-zero; library code never exits or prints.
//
// Exit status contract (run_main, README "Exit status"):
//   2  the user's input is wrong: a command-line argument, a config key or value, or a file the
//      run reads (tables, LUTs, arch.json, checkpoints, plug-ins, images): missing, unreadable,
//      malformed or corrupt. InputError and everything derived from it.
//   1  the environment failed: a file cannot be written (disk full, permissions), the run folder
//      is held by another run, memory ran out, or an internal error. IoError and the rest.
#include <stdexcept>
#include <string>

namespace hwnas {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad user input: command-line arguments, architecture strings, metric names. Exit status 2.
class InputError : public Error {
 public:
  using Error::Error;
};

// A configuration file or key is wrong (names the file, key, value and the rule).
class ConfigError : public InputError {
 public:
  using InputError::InputError;
};

// A data file is missing, truncated or holds invalid values (names the file and the place).
class DataError : public InputError {
 public:
  using InputError::InputError;
};

// Writing failed or the machine refused (disk full, permissions, a locked run folder): names the
// file and says what survived and how to continue. Exit status 1.
class IoError : public Error {
 public:
  using Error::Error;
};

// A table has no value for this architecture and metric. Never replaced by 0 or NaN.
class MissingValueError : public Error {
 public:
  using Error::Error;
};

}  // namespace hwnas
