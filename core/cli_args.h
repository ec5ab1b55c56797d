#pragma once
// The small command-line parser shared by the executables: --name value, --name=value and
// boolean --flag; an unknown or incomplete option is an InputError naming it and listing the
// known ones.
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace hwnas {

class CliArgs {
 public:
  struct Option {
    std::string name;  // without the dashes
    bool takes_value;
    std::string help;
  };

  CliArgs(std::string program, std::string summary, std::vector<Option> options);

  void parse(int argc, const char* const* argv);
  // What every executable does first: parse, set up logging from --log-level (or the default)
  // and print the usage for --help. False when the program should stop (the usage was shown).
  bool parse_and_start(int argc, const char* const* argv, const std::string& default_log_level);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  // Last value given (an option may repeat; values() returns all of them).
  std::string value(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> values(const std::string& name) const;
  // The option as a whole integer in minimum..maximum (`fallback` when absent); InputError naming
  // the program, the option and the text otherwise.
  int int_value(const std::string& name, int fallback, int minimum,
                int maximum = std::numeric_limits<int>::max()) const;
  std::string usage() const;

 private:
  const Option* find(const std::string& name) const;

  std::string program_;
  std::string summary_;
  std::vector<Option> options_;
  std::map<std::string, std::vector<std::string>> values_;
};

// The executables' main: runs `run`; a hwnas::InputError becomes one line "<program>: message"
// on stderr and exit status 2, any other error one line and exit status 1 (the contract in
// core/error.h). Only the message's first line is printed, at most 1,000 characters.
std::string one_line_message(const std::string& message);
int run_main(const std::string& program, int argc, char** argv,
             int (*run)(int argc, const char* const* argv));

}  // namespace hwnas
