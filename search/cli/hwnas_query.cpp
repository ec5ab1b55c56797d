// hwnas_query: the cost of one architecture (or of each line of a --batch) on every device and
// metric of its space, from the embedded HW-NAS-Bench/HELP tables, plus FLOPs/params and (NB201)
// accuracies.
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/cli_args.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"

namespace {

std::string list_everything(const hwnas::CostLibrary& library) {
  std::string out = "data folder: " + library.dir() + "\n";
  for (hwnas::Space space : {hwnas::Space::FBNet, hwnas::Space::NB201}) {
    const auto& s = hwnas::search_space(space);
    out += "\nspace " + s.name + ": " + std::to_string(s.num_decisions) + " decisions x " +
           std::to_string(s.num_choices) + " choices (" + hwnas::join(s.choice_names, ", ") + ")\n";
    out += "  settings: " + hwnas::join(library.settings(space), ", ") + "\n  metrics:\n";
    for (const auto& key : library.keys(space)) {
      const auto info = library.device_info(key.device);
      std::string coverage;
      if (space == hwnas::Space::NB201) {
        const auto& column = library.nb201().column(key);
        coverage = column.complete() ? "" : "  [" + std::to_string(column.known) + " of 15625 known]";
      }
      std::string name = key.to_string();
      name.resize(std::max<size_t>(name.size(), 34), ' ');
      out += "    " + name + " " + info.description + ", " + hwnas::to_string(info.source) +
             coverage + "\n";
    }
  }
  return out;
}

// What a query prints: the aligned table (one arch only), a JSON object per arch, or CSV.
enum class Format { Table, Json, Csv };

Format parse_format(const hwnas::CliArgs& args) {
  const bool batch = args.has("batch");
  if (args.has("json")) {
    if (args.has("format") && args.value("format") != "json") {
      throw hwnas::InputError("hwnas_query: --json and --format " + args.value("format") +
                              " contradict each other; give one");
    }
    return Format::Json;
  }
  const std::string name = args.value("format", batch ? "json" : "table");
  if (name == "json") return Format::Json;
  if (name == "csv") return Format::Csv;
  if (name == "table" && !batch) return Format::Table;
  throw hwnas::InputError("hwnas_query: --format '" + name + "': expected " +
                          (batch ? "json (one object a line, the default) or csv with --batch"
                                 : "table (the default), json or csv"));
}

// The options every arch of a run shares: space, setting, metrics, output form.
struct Query {
  hwnas::Space space = hwnas::Space::FBNet;
  std::string setting;
  std::vector<hwnas::CostKey> keys;  // empty = every metric of the space
  Format format = Format::Table;
};

// `--batch FILE|-`: one arch a line in any --arch form, blank lines and lines starting with '#'
// skipped; one output record a line, in input order, so a shell pipeline pays the start-up once.
// A bad line is "FILE:N: why" and exit status 2: at once by default, or after the whole input
// with --keep-going (JSON lines then hold {"line": N, "error": why} in its place; CSV leaves it out).
class Batch {
 public:
  Batch(const hwnas::CostLibrary& library, const Query& query, std::string name, bool keep_going)
      : library_(library), query_(query), name_(std::move(name)), keep_going_(keep_going),
        flush_each_record_(name_ == "-") {}

  int run() {
    // An NB201 line needs the tables anyway (index -> arch); reading them here keeps a damaged
    // table the error it is instead of a bad line.
    if (query_.space == hwnas::Space::NB201) library_.nb201();
    // A wrong --setting or --metric is the options' error, before any line (and in an empty batch).
    const auto keys =
        query_.keys.empty() ? library_.keys(query_.space, query_.setting) : query_.keys;
    for (const auto& key : keys) library_.model(query_.space, query_.setting, key);
    std::unique_ptr<std::ifstream> file;
    std::istream* in = &std::cin;
    if (name_ != "-") {
      std::error_code error;
      if (std::filesystem::is_directory(name_, error)) {
        throw hwnas::DataError(name_ + ": is a directory, expected a file of archs (one a line)");
      }
      // No unreadable_reason(): a pipe is a fine batch (--batch <(generate archs)).
      file = std::make_unique<std::ifstream>(name_);
      if (!*file) {
        throw hwnas::DataError(name_ + ": " + (errno == ENOENT ? "no such file" : std::strerror(errno)));
      }
      in = file.get();
    }
    if (query_.format == Format::Csv) {
      columns_.emplace(hwnas::arch_report_csv_columns(library_, query_.space, query_.setting,
                                                      query_.keys));
      emit(columns_->header());
    }
    std::string line;
    bool too_long = false;
    for (long number = 1; read_line(*in, line, too_long, number); ++number) {
      // A UTF-8 byte-order mark (a file saved by some Windows editors), as the table readers drop it.
      if (number == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
      if (too_long) {
        bad_line(number, "a line longer than " + std::to_string(kMaxLineBytes) +
                             " bytes; expected one architecture a line (is this a file of archs?)");
      } else {
        answer(line, number);
      }
    }
    if (bad_lines_ > 0) {
      throw hwnas::InputError(name_ + ": " + std::to_string(bad_lines_) + " bad line" +
                              (bad_lines_ == 1 ? "" : "s") + " (the first: line " +
                              std::to_string(first_bad_) + "); the others were answered");
    }
    return 0;
  }

 private:
  // Longer than any arch in any form: /dev/zero or a binary file, not a list of archs, and
  // std::getline would hold the whole of it in memory.
  static constexpr size_t kMaxLineBytes = 64 * 1024;
  static constexpr size_t kMaxSkipBytes = size_t{16} << 20;

  // The next line into `line`; false at the end. A line over kMaxLineBytes is skipped to its end
  // (never held whole) and flagged by `too_long`, so that --keep-going can report it and go on.
  // Without a line end in kMaxSkipBytes (/dev/zero) the input is no list of archs at all: the
  // batch ends there, --keep-going or not.
  bool read_line(std::istream& in, std::string& line, bool& too_long, long number) const {
    line.clear();
    too_long = false;
    size_t skipped = 0;
    std::streambuf& buffer = *in.rdbuf();
    for (int c = buffer.sbumpc(); c != '\n'; c = buffer.sbumpc()) {
      if (c == std::char_traits<char>::eof()) return !line.empty() || too_long;
      if (too_long) {
        if (++skipped == kMaxSkipBytes) {
          throw hwnas::DataError(name_ + ":" + std::to_string(number) + ": no line end in " +
                                 std::to_string(kMaxSkipBytes >> 20) +
                                 " MiB; expected one architecture a line (is this a file of archs?)");
        }
        continue;
      }
      if (line.size() == kMaxLineBytes) {
        too_long = true;
        line.clear();
        continue;
      }
      line.push_back(static_cast<char>(c));
    }
    return true;
  }

  // One bad line: the end of the batch, or with --keep-going a line on stderr (and a JSON record).
  void bad_line(long number, const std::string& what) {
    const std::string where = name_ + ":" + std::to_string(number);
    if (!keep_going_) throw hwnas::InputError(where + ": " + what);
    // The exit-status contract's form, one line per bad line; the run goes on.
    std::cerr << hwnas::one_line_message("hwnas_query: " + where + ": " + what) << std::endl;
    if (bad_lines_++ == 0) first_bad_ = number;
    if (query_.format == Format::Json) {
      const nlohmann::ordered_json record{{"line", number}, {"error", hwnas::one_line_message(what)}};
      // A binary line's bytes are no UTF-8: replaced, not an exception that ends the batch.
      emit(record.dump(/*indent=*/-1, ' ', /*ensure_ascii=*/false,
                       nlohmann::ordered_json::error_handler_t::replace));
    }
  }

  void answer(std::string line, long number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // a file saved on Windows
    const std::string_view text = hwnas::trim(line);
    if (text.empty() || text.front() == '#') return;
    hwnas::Arch arch;
    try {
      arch = hwnas::parse_arch_argument(library_, query_.space, std::string(text));
    } catch (const hwnas::InputError& e) {
      bad_line(number, e.what());
      return;
    }
    const auto report = hwnas::make_arch_report(library_, arch, query_.setting, query_.keys);
    emit(query_.format == Format::Csv ? columns_->line(report) : report.to_json(/*indent=*/-1));
  }

  void emit(const std::string& record) {
    std::cout << record << '\n';
    // Reading stdin, a caller may be waiting for each answer (a coprocess); a file is read in one
    // go, and flushing every line would only cost a write each.
    if (flush_each_record_) std::cout.flush();
  }

  const hwnas::CostLibrary& library_;
  const Query& query_;
  const std::string name_;
  const bool keep_going_;
  const bool flush_each_record_;
  std::optional<hwnas::CsvColumns<hwnas::ArchReport>> columns_;
  long bad_lines_ = 0;
  long first_bad_ = 0;
};

int run(int argc, const char* const* argv) {
  // Nothing here prints through stdio; unsynced streams read and write a batch without a stdio
  // call per character.
  std::ios::sync_with_stdio(false);
  hwnas::CliArgs args(
      "hwnas_query",
      "Cost of an architecture on every device/metric, FLOPs, params and (nb201) accuracy.\n"
      "examples:\n"
      "  hwnas_query --space fbnet --setting cifar100 --arch k3_e6,skip,...  (22 names or 0..8)\n"
      "  hwnas_query --space nb201 --arch 123\n"
      "  hwnas_query --space nb201 --arch '|nor_conv_3x3~0|+|none~0|skip_connect~1|+|...|'\n"
      "  hwnas_query --space nb201 --batch archs.txt --format csv   (one arch a line; - = stdin)",
      {{"space", true, "fbnet (default) or nb201"},
       {"setting", true, "fbnet: cifar100 (default), cifar10, ImageNet; nb201: cifar10"},
       {"arch", true, "the architecture (see examples)"},
       {"batch", true, "a file (- = stdin) of archs, one a line in any --arch form; # comments"},
       {"keep-going", false, "--batch: answer every good line, then exit 2 if any was bad"},
       {"metric", true, "only these metrics (comma-separated or repeated), e.g. edgegpu_latency"},
       {"format", true, "table (default for --arch), json (default for --batch: one a line), csv"},
       {"json", false, "the same as --format json"},
       {"list", false, "list spaces, settings, devices and metrics"},
       {"data-dir", true, "folder of the tables (default: $HWNAS_DATA_DIR or the built-in data/)"},
       {"cost-table", true, "an extra LUT file (hwnas_profile, hwnas_fit) adding its devices (repeatable)"},
       {"log-level", true, "debug, info, warn (default), error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"warn")) return 0;  // --help
  // The NB201 tables are 12.7 MB of CSV, most of a query's start-up: an FBNet query never reads
  // them (--log-level debug says when they are read).
  const auto library =
      hwnas::CostLibrary::load_on_first_use(args.value("data-dir"), args.values("cost-table"));
  if (args.has("list")) {
    std::cout << list_everything(*library);
    return 0;
  }
  if (args.has("arch") && args.has("batch")) {
    throw hwnas::InputError("hwnas_query: --arch and --batch cannot be combined; give one");
  }
  if (!args.has("arch") && !args.has("batch")) {
    throw hwnas::InputError("hwnas_query: --arch or --batch is required (or --list)");
  }
  if (args.has("keep-going") && !args.has("batch")) {
    throw hwnas::InputError("hwnas_query: --keep-going needs --batch");
  }
  Query query;
  query.space = hwnas::parse_space(args.value("space", "fbnet"));
  query.setting = args.value("setting", query.space == hwnas::Space::FBNet ? "cifar100" : "cifar10");
  for (const auto& value : args.values("metric")) {
    for (auto piece : hwnas::split_any(value, ", ")) query.keys.push_back(hwnas::parse_cost_key(piece));
  }
  query.format = parse_format(args);
  if (args.has("batch")) {
    return Batch(*library, query, args.value("batch"), args.has("keep-going")).run();
  }
  const hwnas::Arch arch = hwnas::parse_arch_argument(*library, query.space, args.value("arch"));
  const auto report = hwnas::make_arch_report(*library, arch, query.setting, query.keys);
  switch (query.format) {
    case Format::Table: std::cout << report.to_table(); break;
    case Format::Json: std::cout << report.to_json() << "\n"; break;
    case Format::Csv: {
      const auto columns =
          hwnas::arch_report_csv_columns(*library, query.space, query.setting, query.keys);
      std::cout << columns.header() << "\n" << columns.line(report) << "\n";
      break;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_query", argc, argv, run); }
