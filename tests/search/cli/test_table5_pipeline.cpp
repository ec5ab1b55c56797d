// experiments/table5/run.sh end to end with a toy budget on generated images: three searches,
// three retrains and the table, whose latencies must be the cost library's values for the archs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/csv.h"
#include "core/paths.h"
#include "costmodels/arch_report.h"
#include "costmodels/cost_library.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::run_command;

const std::string kSource = HWNAS_SOURCE_DIR;
const std::string kBin = HWNAS_BIN_DIR;

std::string toy_command(const std::string& out) {
  const std::string search =
      " --search-set data.dataset=synthetic --search-set data.synthetic_size=16"
      " --search-set data.augment=false --search-set train.epochs=2"
      " --search-set train.warmup_epochs=1 --search-set train.steps_per_epoch=2"
      " --search-set train.batch_size=4 --search-set train.eval_batches=1";
  const std::string train =
      " --train-set data.dataset=synthetic --train-set data.synthetic_size=8"
      " --train-set train.epochs=1 --train-set train.batch_size=8";
  return "cd " + kSource + " && bash experiments/table5/run.sh --bin " + kBin + " --out " + out +
         " --jobs 2" + search + train;
}

TEST(Table5Pipeline, ToyRunWritesTheTableWithTheLibrarysLatencies) {
  const testing::TempDir temp("table5");
  const std::string out = temp / "out";
  const auto first = run_command(toy_command(out));
  ASSERT_EQ(first.status, 0) << first.output;
  // One warm-up for the seed, continued by every device's search.
  EXPECT_NE(first.output.find("[seed 0] warming up the supernet"), std::string::npos) << first.output;
  EXPECT_TRUE(std::filesystem::exists(out + "/seed-0/warmup/supernet.json"));
  EXPECT_NE(read_text_file(out + "/seed-0/search-fpga.out").find("starting from " + out + "/seed-0/warmup"),
            std::string::npos);

  const auto table = CsvTable::load(out + "/table5.csv");
  ASSERT_EQ(table.header(),
            (std::vector<std::string>{"target", "run", "top1", "arch", "edgegpu_latency",
                                      "raspi4_latency", "fpga_latency", "target_rank"}));
  table.expect_rows(3);
  const auto library = CostLibrary::load();
  const std::vector<std::string> targets{"edgegpu", "raspi4", "fpga"};
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(table.cell(r, 0), targets[r] + "_latency");
    EXPECT_EQ(table.cell(r, 1), out + "/seed-0/retrain-" + targets[r]);
    const double top1 = table.number(r, 2);
    EXPECT_GE(top1, 0.0);
    EXPECT_LE(top1, 100.0);
    const auto found = ArchFile::read(std::string(table.cell(r, 1)) + "/arch.json", *library);
    EXPECT_EQ(found.setting, "cifar10");
    std::string arch = arch_to_string(found.arch);
    std::replace(arch.begin(), arch.end(), ',', ' ');
    EXPECT_EQ(table.cell(r, 3), arch);
    for (size_t c = 0; c < 3; ++c) {
      const double expected =
          library->model(Space::FBNet, "cifar10", parse_cost_key(targets[c] + "_latency"))
              ->cost(found.arch);
      EXPECT_EQ(table.number(r, 4 + c), expected) << targets[r] << " row, " << targets[c];
    }
    const int rank = table.integer(r, 7);
    EXPECT_GE(rank, 1);
    EXPECT_LE(rank, 3);
  }
  const std::string csv = read_text_file(out + "/table5.csv");
  const std::string md = read_text_file(out + "/table5.md");
  EXPECT_NE(md.find("| search target | top-1 (%) | edgegpu_latency (ms) | raspi4_latency (ms) | "
                    "fpga_latency (ms) |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| fpga_latency | "), std::string::npos) << md;
  EXPECT_EQ(std::count(md.begin(), md.end(), '*'), 12) << "one bold (diagonal) cell per row\n"
                                                       << md;

  // A second run finds every stage finished and only redraws the same table.
  const auto again = run_command(toy_command(out));
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(again.output.find("searching"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("[seed 0] warm-up done"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("[seed 0] fpga: retraining done"), std::string::npos) << again.output;
  EXPECT_EQ(read_text_file(out + "/table5.csv"), csv);
  EXPECT_EQ(read_text_file(out + "/table5.md"), md);
}

TEST(Table5Pipeline, CompareRejectsAMalformedSpec) {
  const auto r = run_command(kBin + "/hwnas_analyze --compare runs/x");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--compare 'runs/x': expected TARGET_METRIC=RUN_DIR[,RUN_DIR...]"),
            std::string::npos)
      << r.output;
  const auto missing = run_command(kBin + "/hwnas_analyze --compare fpga_latency=/nonexistent/run");
  EXPECT_EQ(missing.status, 2) << missing.output;
  EXPECT_NE(missing.output.find("/nonexistent/run: no arch.json (expected the folder of a finished "
                                "search or retrain)"),
            std::string::npos)
      << missing.output;
}

}  // namespace
}  // namespace hwnas
