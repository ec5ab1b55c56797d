#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::run_command;

const std::string kAnalyze = HWNAS_ANALYZE_BIN;

TEST(HwnasAnalyze, BadOptionIsAnInputError) {
  const auto r = run_command(kAnalyze + " --analysis speed");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("hwnas_analyze: --analysis 'speed': unknown; known: complexity, cross, "
                          "pareto, all"),
            std::string::npos)
      << r.output;
}

// --samples 2000000000 was a std::bad_alloc after the tables loaded; now refused up front.
TEST(HwnasAnalyze, SampleCountIsBounded) {
  for (const std::string bad : {"2000000000", "1000001", "0", "-3", "9999999999", "ten"}) {
    const auto r = run_command(kAnalyze + " --space fbnet --no-plots --samples " + bad);
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_EQ(r.output, "hwnas_analyze: --samples '" + bad + "' is not an integer in 1..1000000\n");
  }
}

TEST(HwnasAnalyze, SmallFbnetRunPrintsAndWritesTables) {
  const testing::TempDir temp("analyze");
  const std::filesystem::path dir = temp.path();
  const auto r = run_command(kAnalyze + " --space fbnet --fbnet-settings ImageNet --samples 300 " +
                             "--no-help --no-plots --out " + dir.string());
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("### FLOPs and #params vs device metrics (fbnet_ImageNet)"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("| fpga_latency | HW-NAS-Bench | 300 |"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir / "cross_device_fbnet_ImageNet.csv"));
  EXPECT_TRUE(std::filesystem::exists(dir / "report.md"));
}

}  // namespace
}  // namespace hwnas
