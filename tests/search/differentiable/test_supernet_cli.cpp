// hwnas_search with a supernet strategy, as a user runs it: killed with SIGKILL in the middle of
// an epoch, then --resume, must end with the arch.json of an uninterrupted run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/paths.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

const std::string kSearch = HWNAS_SEARCH_BIN;

int data_rows(const std::string& metrics_csv) {
  std::ifstream in(metrics_csv);
  std::string line;
  int rows = -1;  // the header
  while (std::getline(in, line)) ++rows;
  return std::max(rows, 0);
}

TEST(SupernetCli, KillNineMidEpochThenResumeGivesTheSameArchJson) {
  const testing::TempDir temp("kill");
  const std::string& dir = temp.path();
  const std::string config = dir + "/search.yaml";
  write_text_file(config,
                  "name: kill-test\nseed: 5\nthreads: 1\nspace: nb201\n"
                  "data: {dataset: synthetic, synthetic_size: 64, augment: true}\n"
                  "train: {epochs: 5, warmup_epochs: 1, batch_size: 4, steps_per_epoch: 8, "
                  "eval_batches: 1, log_every: 1000}\n"
                  "strategy: {type: proxylessnas, arch_lr: 0.05}\n"
                  "cost: {metrics: [fpga_latency], form: add_linear}\n");
  const auto whole = testing::run_command(kSearch + " --log-level warn --config " + config +
                                          " --out " + dir + "/whole");
  ASSERT_EQ(whole.status, 0) << whole.output;

  const std::string killed = dir + "/killed";
  const pid_t pid = fork();
  if (pid == 0) {
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl(kSearch.c_str(), kSearch.c_str(), "--log-level", "warn", "--config", config.c_str(),
          "--out", killed.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait for two finished epochs, then kill during the third.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (data_rows(killed + "/metrics.csv") < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the search finished before it could be killed";
  ASSERT_LT(data_rows(killed + "/metrics.csv"), 5);

  const auto resumed = testing::run_command(kSearch + " --log-level warn --resume " + killed);
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_EQ(read_text_file(killed + "/arch.json"), read_text_file(dir + "/whole/arch.json"));
  EXPECT_EQ(data_rows(killed + "/metrics.csv"), 5);
}

TEST(SupernetCli, SmokeConfigsRun) {
  for (const char* name : {"proxylessnas_fbnet", "fbnet_dnas_nb201"}) {
    const testing::TempDir temp("smoke");
    const std::string& dir = temp.path();
    const auto r = testing::run_command(kSearch + " --log-level warn --config " +
                                        std::string(HWNAS_SOURCE_DIR) + "/configs/smoke/" + name +
                                        ".yaml --out " + dir);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("found "), std::string::npos) << r.output;
    EXPECT_NE(read_text_file(dir + "/arch.json").find("\"costs\""), std::string::npos);
  }
}

}  // namespace
}  // namespace hwnas
