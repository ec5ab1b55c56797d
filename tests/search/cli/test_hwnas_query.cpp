#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_command.h"

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
  // Index 1 has no edgetpu value in the table (8,787 of 15,625 known).
  const auto r = run_command(kQuery + " --space nb201 --arch 3 --metric edgetpu_latency --json");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  if (j["costs"]["edgetpu_latency"].is_null()) {
    EXPECT_NE(j["missing"]["edgetpu_latency"].get<std::string>().find("is unknown"),
              std::string::npos);
  } else {
    EXPECT_FALSE(j.contains("missing"));
  }
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

}  // namespace
}  // namespace hwnas
