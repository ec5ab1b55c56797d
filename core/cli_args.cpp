#include "core/cli_args.h"

#include <iostream>
#include <limits>
#include <new>

#include "core/error.h"
#include "core/logging.h"
#include "core/strings.h"

namespace hwnas {

CliArgs::CliArgs(std::string program, std::string summary, std::vector<Option> options)
    : program_(std::move(program)), summary_(std::move(summary)), options_(std::move(options)) {
  options_.push_back({"help", false, "print this help"});
}

const CliArgs::Option* CliArgs::find(const std::string& name) const {
  for (const auto& o : options_) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

bool CliArgs::parse_and_start(int argc, const char* const* argv,
                              const std::string& default_log_level) {
  parse(argc, argv);
  setup_logging(value("log-level", default_log_level));
  if (!has("help")) return true;
  std::cout << usage();  // the one place outside main-level code that prints: --help output
  return false;
}

void CliArgs::parse(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      throw InputError(program_ + ": unexpected argument '" + arg + "'; options start with --");
    }
    arg = arg.substr(2);
    std::string inline_value;
    const size_t equals = arg.find('=');
    const bool has_inline = equals != std::string::npos;
    if (has_inline) {
      inline_value = arg.substr(equals + 1);
      arg = arg.substr(0, equals);
    }
    const Option* option = find(arg);
    if (!option) {
      std::string known;
      for (const auto& o : options_) known += (known.empty() ? "--" : ", --") + o.name;
      throw InputError(program_ + ": unknown option '--" + arg + "'; known: " + known);
    }
    if (!option->takes_value) {
      if (has_inline) throw InputError(program_ + ": --" + arg + " takes no value");
      values_[arg].push_back("");
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= argc) throw InputError(program_ + ": --" + arg + " needs a value");
      inline_value = argv[++i];
    }
    values_[arg].push_back(inline_value);
  }
}

std::string CliArgs::value(const std::string& name, const std::string& fallback) const {
  const auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second.back();
}

int CliArgs::int_value(const std::string& name, int fallback, int minimum, int maximum) const {
  if (!has(name)) return fallback;
  int parsed = 0;
  if (!parse_int(value(name), parsed) || parsed < minimum || parsed > maximum) {
    throw InputError(program_ + ": --" + name + " '" + one_line_message(value(name)).substr(0, 200) +
                     "' is not an integer " +
                     (maximum == std::numeric_limits<int>::max()
                          ? ">= " + std::to_string(minimum)
                          : "in " + std::to_string(minimum) + ".." + std::to_string(maximum)));
  }
  return parsed;
}

std::vector<std::string> CliArgs::values(const std::string& name) const {
  const auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string CliArgs::usage() const {
  std::string out = "usage: " + program_ + " [options]\n" + summary_ + "\n\noptions:\n";
  for (const auto& o : options_) {
    std::string left = "  --" + o.name + (o.takes_value ? " VALUE" : "");
    if (left.size() < 24) left.resize(24, ' ');
    out += left + " " + o.help + "\n";
  }
  return out;
}

// One line, bounded: LibTorch's errors append a multi-line C++ backtrace to what(), and a message
// that echoes a 50 MB input must not become a 50 MB line.
std::string one_line_message(const std::string& message) {
  constexpr size_t kMaxLength = 1000;
  std::string line = message.substr(0, message.find('\n'));
  if (line.size() > kMaxLength) {
    line = line.substr(0, kMaxLength) + "... (" + std::to_string(line.size() - kMaxLength) +
           " more characters)";
  }
  return line;
}

int run_main(const std::string& program, int argc, char** argv,
             int (*run)(int argc, const char* const* argv)) {
  const auto print = [&](const std::string& message) {
    const std::string prefix = program + ": ";
    const std::string line = one_line_message(message);
    log_error_to_files(line);
    std::cerr << (line.rfind(prefix, 0) == 0 ? "" : prefix) << line << "\n";
  };
  try {
    return run(argc, argv);
  } catch (const InputError& e) {
    print(e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    print("out of memory (a batch size, sample count or table too large for this machine?)");
    return 1;
  } catch (const std::exception& e) {
    print(e.what());
    return 1;
  }
}

}  // namespace hwnas
