#pragma once
// One error hierarchy for the whole project: executables catch hwnas::Error, log its one-line
// message and exit non-zero; library code never exits or prints.
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
class DataError : public Error {
 public:
  using Error::Error;
};

// A table has no value for this architecture and metric. Never replaced by 0 or NaN.
class MissingValueError : public Error {
 public:
  using Error::Error;
};

}  // namespace hwnas
