// Numeric options of hwnas_fit outside the range where they mean something are
// refused before any work, in one line naming the option, the value and the range.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::run_command;

const std::string kFit = HWNAS_FIT_BIN;

// --lambda 1e100 wrote a LUT with 112 of its 113 entries 0 (exit 0); --lambda 1e308 failed saying
// "lambda = 0".
TEST(HwnasFit, LambdaOutsideItsRangeIsRefused) {
  const testing::TempDir dir("fit");
  for (const std::string bad : {"1e100", "1e308", "1.5", "-1"}) {
    const auto r =
        run_command(kFit + " --device 2080ti_1 --out " + dir.path() + " --lambda " + bad);
    EXPECT_EQ(r.status, 2) << r.output;
    const std::string shown = bad == "1e100" ? "1e+100" : bad == "1e308" ? "1e+308" : bad;
    EXPECT_EQ(r.output,
              "hwnas_fit: --lambda: fit: lambda is " + shown + "; expected a number in 0..1\n");
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "nothing written";
  EXPECT_NE(run_command(kFit + " --help").output.find("ridge penalty, in 0..1"), std::string::npos);
}

TEST(HwnasFit, LambdaAtItsMaximumStillFitsRealDevices) {
  const testing::TempDir dir("fit");
  const auto r =
      run_command(kFit + " --device 2080ti_1,pixel2,gold_6226 --lambda 1 --out " + dir.path());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir / "pixel2_latency.json"));
}

}  // namespace
}  // namespace hwnas
