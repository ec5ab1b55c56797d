// hwnas_query --batch: one process for many archs, each answered as its single query would be,
// and the start-up that reads only the tables a query needs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/paths.h"
#include "core/strings.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::run_command;

const std::string kQuery = HWNAS_QUERY_BIN;

// stdout and stderr apart: the records a script parses, and the error lines.
struct Outputs {
  int status = -1;
  std::string out, err;
};

Outputs run_split(const std::string& command, const testing::TempDir& temp) {
  const std::string err_file = temp / "stderr.txt";
  const auto r = run_command("{ " + command + " 2>" + err_file + "; }");
  return {r.status, r.output, read_text_file(err_file)};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (auto line : split(text, '\n')) lines.emplace_back(line);
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// Every FBNet --arch form: names, indices, spaces, a bracketed list, quoted names, dashes.
const std::vector<std::string> kFbnetArchs = {
    "k3_e6,skip,k5_e3,k3_e1,k3_e1_g2,k5_e6,skip,skip,k3_e3,k5_e1,k5_e1_g2,k3_e6,k3_e6,k5_e6,"
    "skip,k3_e1,k3_e1,k3_e3,k5_e3,k5_e6,k3_e6,skip",
    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0",
    "8 7 6 5 4 3 2 1 0 8 7 6 5 4 3 2 1 0 8 7 6 5",
    "[3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]",
    "['k5_e6', 'k5_e6', 'skip', 'skip', 'k5_e6', 'k5_e6', 'skip', 'skip', 'k5_e6', 'k5_e6', "
    "'skip', 'skip', 'k5_e6', 'k5_e6', 'skip', 'skip', 'k5_e6', 'k5_e6', 'skip', 'skip', "
    "'k5_e6', 'k5_e6']",
    "1-2-3-4-5-6-7-0-1-2-3-4-5-6-7-0-1-2-3-4-5-6",
};
// NB201: indices (6 and 7 have no edgetpu value in the table) and strings.
const std::vector<std::string> kNb201Archs = {
    "0", "6", "7", "15624",
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
    "nor_conv_3x3~2|",
    "|none~0|+|avg_pool_3x3~0|none~1|+|nor_conv_1x1~0|skip_connect~1|none~2|",
};

// A batch file with every arch of `archs` between comments, blank lines and a CRLF ending.
std::string batch_file_of(const std::vector<std::string>& archs) {
  std::string text = "# archs to price\n\n";
  for (size_t i = 0; i < archs.size(); ++i) {
    text += (i % 2 ? "  " + archs[i] + "\t" : archs[i]) + (i == 1 ? "\r\n" : "\n");
    if (i == 2) text += "   # an indented comment\n   \n";
  }
  return text;
}

void expect_batch_equals_single_queries(const std::vector<std::string>& archs,
                                        const std::string& options) {
  const testing::TempDir temp("query_batch");
  write_text_file(temp / "archs.txt", batch_file_of(archs));
  const auto batch = run_split(kQuery + " " + options + " --batch " + temp / "archs.txt", temp);
  ASSERT_EQ(batch.status, 0) << batch.out << batch.err;
  EXPECT_EQ(batch.err, "");
  const auto records = lines_of(batch.out);
  ASSERT_EQ(records.size(), archs.size()) << batch.out;
  for (size_t i = 0; i < archs.size(); ++i) {
    const auto single = run_split(kQuery + " " + options + " --json --arch \"" + archs[i] + "\"", temp);
    ASSERT_EQ(single.status, 0) << archs[i] << "\n" << single.err;
    EXPECT_EQ(nlohmann::json::parse(records[i]), nlohmann::json::parse(single.out)) << archs[i];
    // The same shortest round-trip numbers, one object a line.
    EXPECT_EQ(records[i], nlohmann::ordered_json::parse(single.out).dump()) << archs[i];
  }
}

TEST(HwnasQueryBatch, FbnetLinesEqualTheirSingleQueries) {
  expect_batch_equals_single_queries(kFbnetArchs, "--space fbnet");
  expect_batch_equals_single_queries(kFbnetArchs,
                                     "--space fbnet --setting ImageNet --metric fpga_energy,"
                                     "edgegpu_latency");
}

TEST(HwnasQueryBatch, Nb201LinesEqualTheirSingleQueries) {
  expect_batch_equals_single_queries(kNb201Archs, "--space nb201");
  expect_batch_equals_single_queries(kNb201Archs, "--space nb201 --metric edgetpu_latency");
}

TEST(HwnasQueryBatch, CsvIsAHeaderAndOneRowPerArchWithTheJsonValues) {
  const testing::TempDir temp("query_batch_csv");
  write_text_file(temp / "archs.txt", batch_file_of(kNb201Archs));
  const std::string options =
      " --space nb201 --metric edgetpu_latency,fpga_energy,pixel3_latency --batch " +
      temp / "archs.txt";
  const auto csv = run_split(kQuery + options + " --format csv", temp);
  const auto json = run_split(kQuery + options, temp);
  ASSERT_EQ(csv.status, 0) << csv.err;
  ASSERT_EQ(json.status, 0) << json.err;
  const auto rows = lines_of(csv.out);
  const auto records = lines_of(json.out);
  ASSERT_EQ(rows.size(), kNb201Archs.size() + 1) << csv.out;
  ASSERT_EQ(records.size(), kNb201Archs.size());
  EXPECT_EQ(rows[0],
            "space,setting,index,arch_str,edgetpu_latency,fpga_energy,pixel3_latency,mflops,"
            "mparams,cifar10_test,cifar100_test,ImageNet16-120_test");
  int unknown = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const auto j = nlohmann::json::parse(records[i]);
    const auto cells = split(rows[i + 1], ',');
    ASSERT_EQ(cells.size(), 12u) << rows[i + 1];
    EXPECT_EQ(cells[0], "nb201");
    EXPECT_EQ(cells[2], std::to_string(j["index"].get<int>()));
    EXPECT_EQ(cells[3], j["arch_str"].get<std::string>());
    const char* metrics[] = {"edgetpu_latency", "fpga_energy", "pixel3_latency"};
    for (int m = 0; m < 3; ++m) {
      const auto& value = j["costs"][metrics[m]];
      // Unknown stays unknown: an empty cell (never 0), as the JSON's null.
      if (value.is_null()) {
        EXPECT_EQ(cells[4 + m], "") << rows[i + 1];
        ++unknown;
      } else {
        double parsed = -1;
        ASSERT_TRUE(parse_double(cells[4 + m], parsed)) << rows[i + 1];
        EXPECT_EQ(parsed, value.get<double>()) << metrics[m];
      }
    }
    double top1 = -1;
    ASSERT_TRUE(parse_double(cells[9], top1));
    EXPECT_EQ(top1, j["accuracy"]["cifar10_test"].get<double>());
  }
  EXPECT_GT(unknown, 0) << "the batch should hold an arch whose edgetpu value is unknown";
}

TEST(HwnasQueryBatch, FbnetCsvNamesTheArchBothWays) {
  const testing::TempDir temp("query_batch_fbnet_csv");
  write_text_file(temp / "archs.txt", kFbnetArchs[1] + "\n");
  const auto r = run_split(kQuery + " --metric edgegpu_latency --format csv --batch " +
                               temp / "archs.txt", temp);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "space,setting,op_idx_list,arch_str,edgegpu_latency,mflops,mparams\n"
            "fbnet,cifar100,0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0,"
            "k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 "
            "k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1 k3_e1,15.804523468017578,31.32234,"
            "1.170676\n");
  // A single query takes --format csv too: the same header and row.
  const auto single = run_split(kQuery + " --metric edgegpu_latency --format csv --arch " +
                                    kFbnetArchs[1], temp);
  EXPECT_EQ(single.out, r.out);
}

TEST(HwnasQueryBatch, StdinIsTheSameBatch) {
  const testing::TempDir temp("query_batch_stdin");
  write_text_file(temp / "archs.txt", batch_file_of(kNb201Archs));
  const auto from_file = run_split(kQuery + " --space nb201 --batch " + temp / "archs.txt", temp);
  const auto from_stdin =
      run_split(kQuery + " --space nb201 --batch - < " + temp / "archs.txt", temp);
  ASSERT_EQ(from_stdin.status, 0) << from_stdin.err;
  EXPECT_EQ(from_stdin.out, from_file.out);
  EXPECT_EQ(lines_of(from_stdin.out).size(), kNb201Archs.size());
  // A pipe is a batch file too (--batch <(generate archs)).
  const auto from_pipe = run_split("cat " + temp / "archs.txt" + " | " + kQuery +
                                       " --space nb201 --batch /dev/stdin", temp);
  EXPECT_EQ(from_pipe.out, from_file.out) << from_pipe.err;
}

TEST(HwnasQueryBatch, ABadLineStopsTheBatchNamingFileAndLine) {
  const testing::TempDir temp("query_batch_bad");
  const std::string file = temp / "archs.txt";
  write_text_file(file, "# header\n" + kFbnetArchs[0] + "\n\n0,1\n" + kFbnetArchs[1] + "\n");
  const auto r = run_split(kQuery + " --batch " + file, temp);
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "hwnas_query: " + file +
                       ":4: fbnet architecture '0,1' has 2 entries, expected 22 (one per layer)\n");
  // The lines before it were answered; nothing after it.
  EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
  const auto from_stdin = run_split("printf '0\\n15625\\n' | " + kQuery + " --space nb201 --batch -",
                                    temp);
  EXPECT_EQ(from_stdin.status, 2);
  EXPECT_EQ(from_stdin.err, "hwnas_query: -:2: nb201 index 15625 is out of range 0..15624\n");
}

TEST(HwnasQueryBatch, KeepGoingMarksBadLinesAndStillExitsTwo) {
  const testing::TempDir temp("query_batch_keep_going");
  const std::string file = temp / "archs.txt";
  write_text_file(file, "12\n|conv~0|\n13\nbanana\n14\n");
  const auto json = run_split(kQuery + " --space nb201 --keep-going --batch " + file, temp);
  EXPECT_EQ(json.status, 2);
  const auto records = lines_of(json.out);
  ASSERT_EQ(records.size(), 5u) << json.out;
  EXPECT_EQ(nlohmann::json::parse(records[0])["index"], 12);
  EXPECT_EQ(nlohmann::json::parse(records[2])["index"], 13);
  EXPECT_EQ(nlohmann::json::parse(records[4])["index"], 14);
  const auto bad = nlohmann::json::parse(records[3]);
  EXPECT_EQ(bad["line"], 4);
  EXPECT_NE(bad["error"].get<std::string>().find("nb201 architecture 'banana'"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(records[1])["line"], 2);
  const auto errors = lines_of(json.err);
  ASSERT_EQ(errors.size(), 3u) << json.err;
  EXPECT_EQ(errors[0].rfind("hwnas_query: " + file + ":2: nb201 architecture '|conv~0|'", 0), 0u);
  EXPECT_EQ(errors[1].rfind("hwnas_query: " + file + ":4: nb201 architecture 'banana'", 0), 0u);
  EXPECT_EQ(errors[2], "hwnas_query: " + file + ": 2 bad lines (the first: line 2); the others "
                       "were answered");
  // CSV has no place for a bad line's message: its row is left out, stderr names it.
  const auto csv = run_split(kQuery + " --space nb201 --keep-going --format csv --batch " + file,
                             temp);
  EXPECT_EQ(csv.status, 2);
  EXPECT_EQ(lines_of(csv.out).size(), 4u) << csv.out;  // header + 3 rows
  EXPECT_EQ(csv.err, json.err);
}

TEST(HwnasQueryBatch, BadOptionsAreOneLineAndExitStatusTwo) {
  const testing::TempDir temp("query_batch_options");
  write_text_file(temp / "archs.txt", "1\n");
  const std::string file = temp / "archs.txt";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--arch 1 --batch " + file, "hwnas_query: --arch and --batch cannot be combined; give one\n"},
      {"--arch 1 --keep-going", "hwnas_query: --keep-going needs --batch\n"},
      {"--space nb201 --batch " + file + " --format table",
       "hwnas_query: --format 'table': expected json (one object a line, the default) or csv "
       "with --batch\n"},
      {"--arch 1 --format yaml", "hwnas_query: --format 'yaml': expected table (the default), json "
                                 "or csv\n"},
      {"--space nb201 --batch " + file + " --json --format csv",
       "hwnas_query: --json and --format csv contradict each other; give one\n"},
      {"--batch " + temp / "none.txt", "hwnas_query: " + temp / "none.txt" + ": no such file\n"},
      // The options are checked before the first line, so an empty batch is no way around them.
      {"--space nb201 --metric tpu_latency --format csv --batch /dev/null",
       "hwnas_query: nb201 has no metric 'tpu_latency'"},
      {"--setting cifar1000 --batch /dev/null", "hwnas_query: unknown fbnet setting 'cifar1000'"},
      {"--batch " + temp.path(), "hwnas_query: " + temp.path() +
                                     ": is a directory, expected a file of archs (one a line)\n"},
  };
  for (const auto& [args, expected] : cases) {
    const auto r = run_split(kQuery + " " + args, temp);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(r.err.rfind(expected, 0), 0u) << args << "\n" << r.err;  // the whole line or its start
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
}

// The observable of the cheap start-up: which tables a query reads. An FBNet query runs without
// the NB201 CSVs at all, and the debug log names them only when they are read.
TEST(HwnasQueryBatch, AnFbnetQueryReadsNoNb201Table) {
  const testing::TempDir temp("query_fbnet_only");
  const std::string fbnet = " --space fbnet --arch " + kFbnetArchs[1];
  const auto debug = run_split(kQuery + " --log-level debug" + fbnet, temp);
  ASSERT_EQ(debug.status, 0) << debug.err;
  EXPECT_EQ(debug.err.find("nb201"), std::string::npos) << debug.err;
  const auto nb201 = run_split(kQuery + " --log-level debug --space nb201 --arch 1", temp);
  ASSERT_EQ(nb201.status, 0) << nb201.err;
  EXPECT_NE(nb201.err.find("read the nb201 tables "), std::string::npos) << nb201.err;
  EXPECT_NE(nb201.err.find("help/nb201_cifar10_latency.csv"), std::string::npos) << nb201.err;

  // Without the NB201 and HELP files: FBNet queries (single and batch) answer as before, an NB201
  // query says which file is missing.
  const std::string data = std::string(HWNAS_SOURCE_DIR) + "/data";
  const std::string copy = temp / "data";
  std::filesystem::copy(data, copy, std::filesystem::copy_options::recursive);
  std::filesystem::remove(copy + "/hw-nas-bench/nb201_cifar10.csv");
  std::filesystem::remove(copy + "/help/nb201_cifar10_latency.csv");
  std::filesystem::remove(copy + "/nas-bench-201/nb201_accuracy.csv");
  const auto with_all = run_split(kQuery + " --json" + fbnet, temp);
  const auto without = run_split(kQuery + " --data-dir " + copy + " --json" + fbnet, temp);
  ASSERT_EQ(without.status, 0) << without.err;
  EXPECT_EQ(without.out, with_all.out);
  write_text_file(temp / "archs.txt", kFbnetArchs[0] + "\n" + kFbnetArchs[2] + "\n");
  const auto batch = run_split(kQuery + " --data-dir " + copy + " --batch " + temp / "archs.txt",
                               temp);
  EXPECT_EQ(batch.status, 0) << batch.err;
  EXPECT_EQ(lines_of(batch.out).size(), 2u);
  for (const std::string& nb201_args : std::vector<std::string>{
           "--space nb201 --arch 1", "--list", "--space nb201 --batch " + temp / "archs.txt"}) {
    const auto r = run_split(kQuery + " --data-dir " + copy + " " + nb201_args, temp);
    EXPECT_EQ(r.status, 2) << nb201_args;
    EXPECT_EQ(r.err, "hwnas_query: " + copy + "/hw-nas-bench/nb201_cifar10.csv: no such file (set "
                     "HWNAS_DATA_DIR to the folder holding the hwnas tables)\n") << nb201_args;
  }
}

// A line over 64 KiB is one bad line under --keep-going (the lines after it are answered), and a
// UTF-8 byte-order mark before the first line is dropped, as the table readers drop it.
TEST(HwnasQueryBatch, KeepGoingPassesALongLineAndABomIsDropped) {
  const testing::TempDir temp("batch_long");
  const std::string file = temp / "archs.txt";
  write_text_file(file, "\xEF\xBB\xBF" "12\n" + std::string(70000, '1') + "\n13\n");
  const auto out = run_split(kQuery + " --space nb201 --keep-going --format csv --batch " + file, temp);
  EXPECT_EQ(out.status, 2) << out.err;
  EXPECT_NE(out.err.find(file + ":2: a line longer than 65536 bytes"), std::string::npos) << out.err;
  EXPECT_NE(out.err.find("1 bad line (the first: line 2)"), std::string::npos) << out.err;
  EXPECT_EQ(std::count(out.out.begin(), out.out.end(), '\n'), 3) << "header + lines 1 and 3\n"
                                                                 << out.out;
}

}  // namespace
}  // namespace hwnas
