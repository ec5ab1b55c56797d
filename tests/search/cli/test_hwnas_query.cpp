#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/paths.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::run_command;

const std::string kQuery = HWNAS_QUERY_BIN;

TEST(HwnasQuery, FbnetTableHasEveryMetric) {
  const auto r = run_command(kQuery + " --space fbnet --setting cifar100 --arch " +
                             "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0");
  ASSERT_EQ(r.status, 0) << r.output;
  // HW-NAS-Bench API output for this arch (testvectors.json), to the last digit.
  EXPECT_NE(r.output.find("edgegpu_latency  15.804523468017578"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("eyeriss_latency  3.9408960000000004"), std::string::npos);
  EXPECT_NE(r.output.find("FLOPs    31.322340 M"), std::string::npos);
}

TEST(HwnasQuery, Nb201JsonByIndexAndByString) {
  const auto by_index = run_command(kQuery + " --space nb201 --arch 0 --json");
  ASSERT_EQ(by_index.status, 0) << by_index.output;
  const auto j = nlohmann::json::parse(by_index.output);
  EXPECT_EQ(j["costs"]["fpga_energy"].get<double>(), 18.01072);
  EXPECT_EQ(j["accuracy"]["cifar10_test"].get<double>(), 85.86333333333334);
  EXPECT_EQ(j["costs"].size(), 33u);
  const auto by_string = run_command(kQuery + " --space nb201 --json --arch '" +
                                     j["arch_str"].get<std::string>() + "'");
  EXPECT_EQ(by_string.output, by_index.output);
}

TEST(HwnasQuery, UnknownValuesAreShownAsUnknown) {
  // The table has edgetpu_latency for index 3 and none for index 6 (8,787 of 15,625 known).
  const auto known = run_command(kQuery + " --space nb201 --arch 3 --metric edgetpu_latency --json");
  ASSERT_EQ(known.status, 0) << known.output;
  const auto k = nlohmann::json::parse(known.output);
  EXPECT_TRUE(k["costs"]["edgetpu_latency"].is_number()) << known.output;
  EXPECT_FALSE(k.contains("missing")) << known.output;
  const auto unknown = run_command(kQuery + " --space nb201 --arch 6 --metric edgetpu_latency --json");
  ASSERT_EQ(unknown.status, 0) << unknown.output;
  const auto u = nlohmann::json::parse(unknown.output);
  EXPECT_TRUE(u["costs"]["edgetpu_latency"].is_null()) << unknown.output;
  EXPECT_NE(u["missing"]["edgetpu_latency"].get<std::string>().find("is unknown"), std::string::npos)
      << unknown.output;
}

TEST(HwnasQuery, BadInputIsOneLineAndExitStatusTwo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--space fbnet --arch 0,1", "fbnet architecture '0,1' has 2 entries, expected 22"},
      {"--space nb201 --arch 15625", "nb201 index 15625 is out of range 0..15624"},
      {"--space nb201 --arch '|conv~0|'", "nb201 architecture '|conv~0|': 1 node groups"},
      {"--space nb201 --arch 1 --metric edgegpu_speed", "'edgegpu_speed' is not a device metric"},
      {"--space nb201 --arch 1 --metric tpu_latency", "nb201 has no metric 'tpu_latency'"},
      {"--space resnet --arch 1", "unknown search space 'resnet'; known: fbnet, nb201"},
      {"--arhc 1", "unknown option '--arhc'"},
      // '-' is no sign trick: these used to print k3_e1_g2's costs with exit status 0.
      {"--space fbnet --setting cifar10 --arch -1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,"
       "-1,-1,-1,-1,-1,-1",
       "hwnas_query: fbnet architecture '-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,"
       "-1,-1,-1': entry 0 is '-1', expected an index 0..8 or one of k3_e1, k3_e1_g2, k3_e3, "
       "k3_e6, k5_e1, k5_e1_g2, k5_e3, k5_e6, skip"},
      {"--space nb201 --arch +12", "hwnas_query: nb201 architecture '+12': expected an index "
                                   "0..15624 (digits only) or a string"},
      {"--space nb201 --arch 99999999999", "hwnas_query: nb201 index 99999999999 is out of range"},
      // A file the user names: what is wrong with it, without the HWNAS_DATA_DIR hint.
      {"--arch 1 --cost-table /nonexistent/t.json", "hwnas_query: /nonexistent/t.json: no such file\n"},
      {"--arch 1 --cost-table /tmp", "hwnas_query: /tmp: is a directory, expected a file"},
  };
  for (const auto& [args, expected] : cases) {
    const auto r = run_command(kQuery + " " + args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(expected), std::string::npos) << args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
}

TEST(HwnasQuery, ListNamesEverySpaceAndDevice) {
  const auto r = run_command(kQuery + " --list");
  ASSERT_EQ(r.status, 0);
  for (const char* expected : {"space fbnet", "space nb201", "settings: cifar100, cifar10, ImageNet",
                               "edgetpu_latency", "[8787 of 15625 known]", "samsung_s7_latency"}) {
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected;
  }
}

// A LUT copy with one key less used to print an empty metric table with exit status 0.
TEST(HwnasQuery, IncompleteLutIsAnErrorNamingTheKey) {
  const testing::TempDir temp("query_lut");
  const std::string data = std::string(HWNAS_SOURCE_DIR) + "/data";
  std::filesystem::copy(data, temp.path(), std::filesystem::copy_options::recursive);
  auto lut = nlohmann::ordered_json::parse(read_text_file(temp / "hw-nas-bench/fbnet_lut.json"));
  const std::string key = "ConvBlock_H32_W32_Cin16_Cout16_exp6_kernel3_stride1_group1";
  ASSERT_EQ(lut["edgegpu_latency"].erase(key), 1u);
  write_text_file(temp / "hw-nas-bench/fbnet_lut.json", lut.dump());
  for (const std::string setting : {"cifar100", "cifar10"}) {
    const auto r = run_command("HWNAS_DATA_DIR=" + temp.path() + " " + kQuery +
                               " --space fbnet --setting " + setting +
                               " --arch k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,"
                               "k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,k3_e6,"
                               "k3_e6,k3_e6");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_EQ(r.output, "hwnas_query: " + temp.path() + "/hw-nas-bench/fbnet_lut.json: the fbnet "
                        "cifar100 setting is incomplete: edgegpu_latency has no entry '" + key +
                        "' (layer 0 k3_e6) (every metric needs every entry of the settings the "
                        "file covers)\n");
  }
}

}  // namespace
}  // namespace hwnas
