// A seeded fuzz test over what a user hands the executables: every shipped config, mutated a few
// hundred ways, and arch strings. It fails on a crash, a signal, a hang, an exception that is not
// one of hwnas's own errors (std::out_of_range, YAML::Exception, c10::Error would reach the user as
// a bare what() or a trace), a multi-line or trace-like error message, and on the silent
// acceptance of an input that is known to be bad (a duplicate key, an unknown key, a second
// document, a bad seed). Mutations whose verdict is not known may pass or fail, but only cleanly.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/error.h"
#include "core/paths.h"
#include "search/differentiable/supernet_evaluator.h"
#include "search/differentiable/supernet_search.h"
#include "search/differentiable/supernet_strategy.h"
#include "search/sampling/search_run.h"
#include "search/sampling/strategy.h"
#include "search/training/retrain.h"
#include "support/library_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

struct Mutant {
  std::string text;
  std::string what;     // the mutation, for the failure message
  bool known_bad = false;
};

std::vector<std::string> shipped_configs() {
  std::vector<std::string> paths;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::string(HWNAS_SOURCE_DIR) + "/configs")) {
    if (entry.path().extension() == ".yaml") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return text;
}

bool is_key_line(const std::string& line) {
  const size_t start = line.find_first_not_of(' ');
  if (start == std::string::npos || !(std::isalpha(static_cast<unsigned char>(line[start])) || line[start] == '_')) {
    return false;
  }
  const size_t colon = line.find(':', start);
  return colon != std::string::npos &&
         std::all_of(line.begin() + start, line.begin() + colon,
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

const std::vector<std::string>& hostile_values() {
  static const std::vector<std::string> values = {
      "-1", "0", "1e30", "-1e30", "nan", ".nan", ".inf", "1.5", "abc", "''", "[]", "{}",
      "[1, [2]]", "{a: 1}", "~", "..", "/", "0x10", "99999999999999999999", "true",
      std::string(3000, 'x'), "\"\\0\"", "*undefined_alias", "!!binary AAAA", "[", "{", "'", "`",
      "-", "- a", "1,2", "1000000000", "-2147483649", "\t", "a: b: c"};
  return values;
}

// One random mutation of `text`; known_bad when hwnas must reject it whatever else the file says.
Mutant mutate(const std::string& text, std::mt19937& rng) {
  auto lines = lines_of(text);
  const auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  const std::string& value = hostile_values()[pick(hostile_values().size())];
  switch (pick(8)) {
    case 0: {  // a key's value replaced
      std::vector<size_t> keys;
      for (size_t i = 0; i < lines.size(); ++i) {
        if (is_key_line(lines[i]) && lines[i].find(':') + 1 < lines[i].size()) keys.push_back(i);
      }
      if (keys.empty()) break;
      std::string& line = lines[keys[pick(keys.size())]];
      line = line.substr(0, line.find(':') + 1) + " " + value;
      return {joined(lines), "value -> " + value.substr(0, 40) + " in: " + line.substr(0, 60)};
    }
    case 1: {  // a line deleted
      const size_t i = pick(lines.size());
      const std::string gone = lines[i];
      lines.erase(lines.begin() + static_cast<long>(i));
      return {joined(lines), "deleted line: " + gone};
    }
    case 2: {  // a key line repeated right below itself: the same key twice in one map
      std::vector<size_t> keys;
      for (size_t i = 0; i < lines.size(); ++i) {
        if (is_key_line(lines[i])) keys.push_back(i);
      }
      if (keys.empty()) break;
      const size_t i = keys[pick(keys.size())];
      lines.insert(lines.begin() + static_cast<long>(i), lines[i]);
      return {joined(lines), "duplicated line: " + lines[i], /*known_bad=*/true};
    }
    case 3:  // an unknown top-level key
      lines.push_back("zz_not_a_key: 1");
      return {joined(lines), "unknown key", /*known_bad=*/true};
    case 4:  // a second document
      return {text + "---\nseed: 1\n", "second document", /*known_bad=*/true};
    case 5: {  // a bad seed, appended as the only seed key (the file's own seed line removed)
      lines.erase(std::remove_if(lines.begin(), lines.end(),
                                 [](const std::string& l) { return l.rfind("seed:", 0) == 0; }),
                  lines.end());
      const std::vector<std::string> bad = {"-1", "1.5", "abc", "1e30", "[1]", "{a: 1}", "''"};
      const std::string seed = bad[pick(bad.size())];
      lines.push_back("seed: " + seed);
      return {joined(lines), "seed: " + seed, /*known_bad=*/true};
    }
    case 6: {  // truncated at a random byte
      const size_t cut = pick(text.size() + 1);
      return {text.substr(0, cut), "truncated at byte " + std::to_string(cut)};
    }
    default: {  // a hostile fragment inserted somewhere
      const size_t at = pick(text.size() + 1);
      return {text.substr(0, at) + value + text.substr(at),
              "inserted '" + value.substr(0, 40) + "' at byte " + std::to_string(at)};
    }
  }
  return {text, "unchanged"};
}

// What hwnas_search (or hwnas_train for retrain configs) reads before it would start running.
void read_like_the_executables(const std::string& path, const std::string& text) {
  const Config config = Config::parse(text, path);
  if (path.find("/configs/retrain/") != std::string::npos) {
    RetrainOptions::read(config);
    config.check_unknown_keys();
    return;
  }
  register_builtin_strategies();
  register_builtin_supernet_strategies();
  const std::string type = config.root().child("strategy").get_string("type", "evolution");
  if (is_supernet_strategy(type)) {
    SupernetSearchOptions::read(config);
    config.check_unknown_keys();
    return;
  }
  register_supernet_evaluator();
  SearchRun::from_config(config, testing::shared_library());
}

enum class Verdict { Accepted, Rejected, Foreign };

Verdict verdict_of(const std::string& path, const std::string& text, std::string& message) {
  try {
    read_like_the_executables(path, text);
    return Verdict::Accepted;
  } catch (const Error& e) {
    message = e.what();
    return Verdict::Rejected;
  } catch (const std::exception& e) {
    message = e.what();
    return Verdict::Foreign;
  }
}

bool clean_message(const std::string& message) {
  return !message.empty() && message.find('\n') == std::string::npos && message.size() < 2000 &&
         message.find("frame #") == std::string::npos &&
         message.find("Exception raised from") == std::string::npos;
}

TEST(HostileInputs, MutatedConfigsAreReadOrRejectedCleanly) {
  const auto configs = shipped_configs();
  ASSERT_GT(configs.size(), 10u);
  std::mt19937 rng(20261202);
  int accepted = 0;
  int rejected = 0;
  for (int round = 0; round < 400; ++round) {
    const std::string& path = configs[static_cast<size_t>(round) % configs.size()];
    const Mutant m = mutate(read_text_file(path), rng);
    std::string message;
    const Verdict v = verdict_of(path, m.text, message);
    EXPECT_NE(v, Verdict::Foreign) << path << " [" << m.what << "]: not a hwnas error: " << message;
    if (v != Verdict::Accepted) {
      ++rejected;
      EXPECT_TRUE(clean_message(message)) << path << " [" << m.what << "]: " << message.substr(0, 3000);
    } else {
      ++accepted;
      EXPECT_FALSE(m.known_bad) << path << " [" << m.what << "] was accepted";
    }
  }
  // Both verdicts occur: the mutations are neither all harmless nor all fatal.
  EXPECT_GT(accepted, 20);
  EXPECT_GT(rejected, 100);
}

struct Outcome {
  int status = -1;
  std::string err;
};

// One executable run under a time limit: a hang is status 124, a signal 128 + its number.
Outcome run_bounded(const std::string& command, const testing::TempDir& dir) {
  const std::string err_path = dir.path() + "/stderr.txt";
  // In a subshell: run_command's own 2>&1 must not take stderr away from the file.
  const auto r = testing::run_command("(timeout -k 5 60 " + command + " >/dev/null 2>" + err_path + ")");
  std::ifstream in(err_path);
  std::stringstream err;
  err << in.rdbuf();
  return {r.status, err.str()};
}

void expect_clean(const Outcome& o, const std::string& what, bool known_bad) {
  EXPECT_TRUE(o.status == 0 || o.status == 2) << what << ": exit " << o.status << "\n" << o.err;
  if (known_bad) {
    EXPECT_EQ(o.status, 2) << what << " was accepted";
  }
  if (o.status != 0) {
    // The error is the last line; lines before it may only be the run's log lines ("[hh:mm:ss]
    // warning ..."), never a trace.
    const auto lines = lines_of(o.err);
    ASSERT_FALSE(lines.empty()) << what << ": exit " << o.status << " without a message";
    EXPECT_TRUE(clean_message(lines.back())) << what << ":\n" << o.err.substr(0, 3000);
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
      EXPECT_EQ(lines[i].rfind("[", 0), 0u) << what << ": not a log line: " << lines[i];
    }
    EXPECT_EQ(o.err.find("terminate called"), std::string::npos) << what;
    EXPECT_EQ(o.err.find("frame #"), std::string::npos) << what;
  }
}

TEST(HostileInputs, TheSearchExecutableChecksMutatedConfigsInOneLine) {
  const auto configs = shipped_configs();
  const testing::TempDir dir("hostile_configs");
  std::mt19937 rng(7);
  for (int round = 0; round < 24; ++round) {
    const std::string& path = configs[static_cast<size_t>(round * 5) % configs.size()];
    if (path.find("/configs/retrain/") != std::string::npos) continue;
    const Mutant m = mutate(read_text_file(path), rng);
    const std::string mutated = dir.path() + "/config.yaml";
    std::ofstream(mutated, std::ios::binary) << m.text;
    // From the source folder: the configs' relative data paths resolve as in the README.
    const Outcome o = run_bounded("sh -c 'cd " + std::string(HWNAS_SOURCE_DIR) + " && " +
                                      HWNAS_SEARCH_BIN + " --check --config " + mutated + "'",
                                  dir);
    expect_clean(o, path + " [" + m.what + "]", m.known_bad);
  }
}

TEST(HostileInputs, ArchStringsAreParsedStrictly) {
  const testing::TempDir dir("hostile_archs");
  std::vector<std::pair<std::string, bool>> archs;  // (--space X --arch Y, known bad)
  const std::string fbnet22 = "k3_e6,skip,k5_e3,k3_e1,k3_e1_g2,k5_e6,k5_e1,k5_e1_g2,k3_e3,skip,k3_e6,"
                              "skip,k5_e3,k3_e1,k3_e1_g2,k5_e6,k5_e1,k5_e1_g2,k3_e3,skip,k3_e6,skip";
  archs.push_back({"--space fbnet --setting cifar10 --arch " + fbnet22, false});
  archs.push_back({"--space nb201 --arch 123", false});
  std::string minus;
  for (int i = 0; i < 22; ++i) minus += std::string(i ? "," : "") + "-1";
  archs.push_back({"--space fbnet --setting cifar10 --arch " + minus, true});
  for (const char* bad : {"-1", "+5", "15625", "1e30", "1.5", "0x10", "12abc", "", " ", "99999999999999999999"}) {
    archs.push_back({std::string("--space nb201 --arch '") + bad + "'", true});
  }
  for (const char* bad : {"|foo~0|+|none~0|none~1|+|none~0|none~1|none~2|", "|none~0|", "||||",
                          "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|junk"}) {
    archs.push_back({std::string("--space nb201 --arch '") + bad + "'", true});
  }
  std::mt19937 rng(11);
  const auto tokens = lines_of("k3_e1\nk3_e1_g2\nk3_e3\nk3_e6\nk5_e1\nk5_e1_g2\nk5_e3\nk5_e6\nskip\n0\n8\n9\n-0\n+1\n1e0\n \nk3\nK3_E6\nskip,\n");
  for (int round = 0; round < 40; ++round) {
    const int n = std::uniform_int_distribution<int>(20, 23)(rng);
    std::string arch;
    for (int i = 0; i < n; ++i) {
      arch += std::string(i ? "," : "") + tokens[std::uniform_int_distribution<size_t>(0, tokens.size() - 1)(rng)];
    }
    archs.push_back({"--space fbnet --setting cifar10 --arch '" + arch + "'", n != 22});
  }
  for (const auto& [arguments, known_bad] : archs) {
    const Outcome o = run_bounded(std::string(HWNAS_QUERY_BIN) + " " + arguments, dir);
    expect_clean(o, "hwnas_query " + arguments, known_bad);
  }
  // The same strings as lines of --batch files, a few to a file: bad if any line is bad.
  for (size_t first = 0; first + 3 <= archs.size(); first += 3) {
    for (const Space space : {Space::FBNet, Space::NB201}) {
      const std::string flag = space == Space::FBNet ? "--space fbnet" : "--space nb201";
      std::string lines;
      bool known_bad = false;
      for (size_t i = first; i < first + 3; ++i) {
        const auto& [arguments, bad] = archs[i];
        if (arguments.rfind(flag, 0) != 0) continue;
        std::string arch = arguments.substr(arguments.find("--arch ") + 7);
        if (arch.size() >= 2 && arch.front() == '\'') arch = arch.substr(1, arch.size() - 2);
        // A blank line is skipped in a batch, not an empty --arch.
        if (std::all_of(arch.begin(), arch.end(), [](char c) { return c == ' '; })) continue;
        lines += arch + "\n";
        known_bad = known_bad || bad;
      }
      if (lines.empty()) continue;
      std::ofstream(dir.path() + "/batch.txt", std::ios::binary) << lines;
      const Outcome o = run_bounded(std::string(HWNAS_QUERY_BIN) + " " + flag +
                                        " --setting cifar10 --batch " + dir.path() + "/batch.txt",
                                    dir);
      expect_clean(o, "hwnas_query " + flag + " --batch of\n" + lines, known_bad);
    }
  }
}

// What is not a file of archs: never read whole into memory, never a hang, one line, exit 2.
TEST(HostileInputs, BatchFilesThatAreNoListOfArchs) {
  const testing::TempDir dir("hostile_batch");
  std::mt19937 rng(13);
  std::string binary(20000, '\0');
  for (char& c : binary) c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
  std::ofstream(dir.path() + "/binary", std::ios::binary) << binary;
  std::ofstream(dir.path() + "/long_line", std::ios::binary) << std::string(100000, '1');
  std::ofstream(dir.path() + "/nul", std::ios::binary) << std::string("1\0002\n", 4);
  std::ofstream(dir.path() + "/crlf_only", std::ios::binary) << "\r\n\r\n# x\r\n";
  const std::string query = std::string(HWNAS_QUERY_BIN) + " --space nb201 ";
  for (const std::string& batch : std::vector<std::string>{
           "/dev/zero", dir.path() + "/binary", dir.path() + "/long_line", dir.path() + "/nul"}) {
    for (const std::string mode : {"--batch ", "--format csv --batch ", "--keep-going --batch "}) {
      const Outcome o = run_bounded(query + mode + batch, dir);
      EXPECT_EQ(o.status, 2) << mode << batch << "\n" << o.err;
      const auto lines = lines_of(o.err);
      ASSERT_FALSE(lines.empty()) << mode << batch;
      for (const auto& line : lines) {
        EXPECT_TRUE(clean_message(line)) << mode << batch << ": " << line.substr(0, 3000);
        EXPECT_EQ(line.rfind("hwnas_query: " + batch + ":", 0), 0u) << mode << batch << ": " << line;
      }
    }
  }
  // Nothing to answer is no error: an empty answer.
  const Outcome empty = run_bounded(query + "--batch " + dir.path() + "/crlf_only", dir);
  EXPECT_EQ(empty.status, 0) << empty.err;
  EXPECT_EQ(empty.err, "");
}

// Audit reproducers of the search executable, pinned.
TEST(HostileInputs, PinnedSearchReproducers) {
  const testing::TempDir dir("hostile_pinned");
  const std::string smoke = std::string(HWNAS_SOURCE_DIR) + "/configs/smoke/proxylessnas_fbnet.yaml";
  const auto search = [&](const std::string& arguments) {
    return run_bounded(std::string(HWNAS_SEARCH_BIN) + " " + arguments, dir);
  };
  // A typo in a supernet strategy type names the strategy, not a space or a missing limit.
  Outcome o = search("--check --config " + smoke + " --set strategy.type=proxylesnas");
  EXPECT_EQ(o.status, 2);
  EXPECT_EQ(o.err.rfind("hwnas_search: unknown strategy.type 'proxylesnas' (--set strategy.type=proxylesnas); "
                        "registered: evolution, fbnet_dnas, ", 0), 0u) << o.err;
  o = search("--check --config " + smoke + " --set train.batch_size=1000000");
  EXPECT_EQ(o.err, "hwnas_search: bad value train.batch_size = 1000000 (--set train.batch_size=1000000): "
                   "must be in 1..65536\n");
  o = search("--check --config " + smoke + " --set name=..");
  EXPECT_EQ(o.status, 2) << o.err;
  o = search("--check --config /dev/zero");
  EXPECT_EQ(o.err, "hwnas_search: config file '/dev/zero': is not a regular file (a pipe or device?), "
                   "expected a file\n");
  o = search("--check --config " + dir.path());
  EXPECT_EQ(o.err, "hwnas_search: config file '" + dir.path() + "': is a directory, expected a file\n");
  o = search("--check --config " + smoke);
  EXPECT_EQ(o.status, 0) << o.err;
  // A run that fails after its folder exists says why in its log.txt too, not only on stderr.
  o = search("--config " + smoke + " --set data.dataset=cifar10 --set data.path=/nonexistent --out " +
             dir.path() + "/failed");
  EXPECT_EQ(o.status, 2) << o.err;
  const auto log = lines_of(read_text_file(dir.path() + "/failed/log.txt"));
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.back().find("] error cannot open '/nonexistent/data_batch_1.bin': no such file"),
            std::string::npos) << log.back();
}

// A FIFO named where a file is expected blocked every reader forever (the audit's hangs).
TEST(HostileInputs, PipesAndDevicesAreRefusedNotReadForever) {
  const testing::TempDir dir("hostile_fifo");
  const std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string refused = ": is not a regular file (a pipe or device?), expected a file\n";
  const std::string fbnet = "k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,"
                            "k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,skip";
  Outcome o = run_bounded(std::string(HWNAS_QUERY_BIN) + " --space fbnet --setting cifar10 --arch " +
                              fbnet + " --cost-table " + fifo, dir);
  EXPECT_EQ(o.err, "hwnas_query: " + fifo + refused);
  o = run_bounded(std::string(HWNAS_TRAIN_BIN) + " --arch " + fifo + " --config " + HWNAS_SOURCE_DIR +
                      "/configs/retrain/cifar10-reduced.yaml --out " + dir.path() + "/run", dir);
  EXPECT_EQ(o.err, "hwnas_train: " + fifo + refused);
  o = run_bounded(std::string(HWNAS_QUERY_BIN) + " --space fbnet --setting cifar10 --arch " + fbnet +
                      " --cost-table /dev/zero", dir);
  EXPECT_EQ(o.err, "hwnas_query: /dev/zero" + refused);
}

}  // namespace
}  // namespace hwnas
