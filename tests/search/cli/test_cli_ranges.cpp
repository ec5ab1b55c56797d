// Numeric options of hwnas_fit and hwnas_evaluate outside the range where they mean something are
// refused before any work, in one line naming the option, the value and the range.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/run_header.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::run_command;

const std::string kFit = HWNAS_FIT_BIN;
const std::string kEvaluate = HWNAS_EVALUATE_BIN;

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

TEST(HwnasEvaluate, CountsOutsideTheirRangeAreRefused) {
  // Checked before the supernet folder is opened.
  const std::string base = kEvaluate + " --supernet /nonexistent";
  const auto expect_refused = [&](const std::string& flags, const std::string& message) {
    const auto r = run_command(base + " " + flags);
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_EQ(r.output, "hwnas_evaluate: " + message + "\n") << flags;
  };
  expect_refused("--archs 2000000000", "--archs '2000000000' is not an integer in 2..15625");
  expect_refused("--archs 1", "--archs '1' is not an integer in 2..15625");
  expect_refused("--archs 100 --top 101", "--top '101' is not an integer in 2..100");
  expect_refused("--batch 100000", "--batch '100000' is not an integer in 1..65536");
  expect_refused("--threads 100000", "--threads '100000' is not an integer in 0.." +
                                         std::to_string(hwnas::max_threads()));
  // --top defaults to 50 or --archs when fewer: --archs 20 alone is fine (fails at the folder).
  const auto r = run_command(base + " --archs 20");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("is not a supernet run folder"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace hwnas
