// experiments/oneshot_quality/run.sh end to end with its toy budget on generated images: one
// warm-up, every strategy on two devices, and results.csv graded from the library's own tables.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/csv.h"
#include "core/paths.h"
#include "costmodels/cost_library.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::run_command;

const std::string kSource = HWNAS_SOURCE_DIR;
const std::string kBin = HWNAS_BIN_DIR;

std::string toy_command(const std::string& out) {
  return "cd " + kSource + " && bash experiments/oneshot_quality/run.sh --toy --devices fpga,raspi4 --bin " +
         kBin + " --out " + out + " --jobs 2";
}

TEST(OneShotQualityPipeline, ToyRunGradesEveryStrategyAgainstTheTables) {
  const testing::TempDir temp("oneshot_quality");
  const std::string out = temp / "out";
  const auto first = run_command(toy_command(out));
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("[seed 0] warming up the supernet"), std::string::npos) << first.output;
  EXPECT_NE(read_text_file(out + "/seed-0/proxylessnas-fpga.out").find("starting from " + out + "/seed-0/warmup"),
            std::string::npos);

  const auto table = CsvTable::load(out + "/results.csv");
  const std::vector<std::string> leading{"device", "strategy", "seed", "limit_ms", "arch_index",
                                         "accuracy", "latency_ms"};
  ASSERT_GE(table.header().size(), leading.size());
  EXPECT_EQ(std::vector<std::string>(table.header().begin(), table.header().begin() + leading.size()), leading);
  table.expect_rows(10);  // 2 devices x (3 one-shot strategies + 2 tabular references)
  const auto library = CostLibrary::load();
  const auto& nb201 = library->nb201();
  for (size_t r = 0; r < table.num_rows(); ++r) {
    const std::string device(table.cell(r, 0));
    SCOPED_TRACE(device + " " + std::string(table.cell(r, 1)));
    const Arch arch = nb201.arch_at(table.integer(r, 4));
    const double latency = library->model(Space::NB201, "cifar10", parse_cost_key(device))->cost(arch);
    EXPECT_NEAR(table.number(r, 6), latency, 1e-5 * latency);
    EXPECT_NEAR(table.number(r, 5), nb201.accuracy(arch, Nb201Dataset::Cifar10), 1e-4);
    EXPECT_LE(table.number(r, 6), table.number(r, 3)) << "the found arch violates its limit";
  }
  const std::string md = read_text_file(out + "/results.md");
  EXPECT_NE(md.find("## fpga_latency <= 2.90577 ms"), std::string::npos) << md;
  EXPECT_NE(md.find("4140 archs meet the limit"), std::string::npos) << md;
  EXPECT_NE(md.find("| seed-0 | random sample | 6 |"), std::string::npos) << "the warm-up's ranking\n" << md;
  EXPECT_TRUE(std::filesystem::exists(out + "/quality.png"));

  // A second run finds every stage finished and grades the same runs again.
  const std::string csv = read_text_file(out + "/results.csv");
  const auto again = run_command(toy_command(out));
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(again.output.find("searching"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("[seed 0] warm-up done"), std::string::npos) << again.output;
  EXPECT_EQ(read_text_file(out + "/results.csv"), csv);

  // hwnas_evaluate resumes a ranking: the rows already in ranking.csv are kept, not scored again.
  const std::string ranking = out + "/seed-0/warmup/ranking";
  const std::string rows = read_text_file(ranking + "/ranking.csv");
  size_t third_row = 0;
  for (int line = 0; line < 3; ++line) third_row = rows.find('\n', third_row) + 1;
  write_text_file(ranking + "/ranking.csv", rows.substr(0, third_row));  // header + 2 rows
  const auto resumed = run_command(kBin + "/hwnas_evaluate --supernet " + out +
                                   "/seed-0/warmup --archs 6 --top 3 --images 16 --bn-batches 1 "
                                   "--batch 8 --threads 1 --out " + ranking);
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("4 archs evaluated in this call"), std::string::npos) << resumed.output;
  EXPECT_EQ(read_text_file(ranking + "/ranking.csv"), rows);
}

TEST(OneShotQualityPipeline, UnknownDeviceOrStrategyIsOneLine) {
  const auto device = run_command("cd " + kSource + " && bash experiments/oneshot_quality/run.sh --bin " + kBin + " --devices edgetpu");
  EXPECT_EQ(device.status, 2) << device.output;
  EXPECT_NE(device.output.find("--devices 'edgetpu': no configs/oneshot_quality/proxylessnas_edgetpu.yaml"),
            std::string::npos)
      << device.output;
  const auto strategy =
      run_command("cd " + kSource + " && bash experiments/oneshot_quality/run.sh --bin " + kBin +
                  " --strategies darts");
  EXPECT_EQ(strategy.status, 2) << strategy.output;
  EXPECT_NE(strategy.output.find("--strategies 'darts': unknown"), std::string::npos) << strategy.output;
}

}  // namespace
}  // namespace hwnas
