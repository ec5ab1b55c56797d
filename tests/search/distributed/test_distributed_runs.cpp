// hwnas_search and hwnas_train on two processes (loopback Gloo, 1 thread each, generated
// images), as a user starts them: through hwnas_launch, or rank by rank with the torchrun
// variables. Two ranks write one run folder; a rank killed with SIGKILL stops the other with one
// line (no hang), and --resume continues to the uninterrupted run's result.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/paths.h"
#include "search/differentiable/supernet_fixture.h"
#include "support/free_port.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

const std::string kSearch = HWNAS_SEARCH_BIN;
const std::string kTrain = HWNAS_TRAIN_BIN;
const std::string kLaunch = HWNAS_LAUNCH_BIN;

// NB201 proxy supernet, 5 epochs of 4 steps of a global batch of 4 images; per-example Gumbel
// samples when `strategy` asks for them.
std::string write_search_config(const std::string& dir, const std::string& strategy, int epochs = 5) {
  const std::string config = dir + "/search.yaml";
  write_text_file(config,
                  "name: two-ranks\nseed: 4\nthreads: 1\nspace: nb201\n"
                  "supernet: {channels: 4, cells_per_stage: 1}\n"
                  "data: {dataset: synthetic, synthetic_size: 64, augment: true}\n"
                  "train: {epochs: " + std::to_string(epochs) +
                      ", warmup_epochs: 1, batch_size: 4, steps_per_epoch: 4, eval_batches: 2, "
                      "log_every: 1000}\n"
                      "strategy: " + strategy + "\n"
                      "cost: {metrics: [fpga_latency], form: add_linear}\n"
                      "distributed: {timeout_s: 20}\n");
  return config;
}

testing::CommandResult launch(int ranks, const std::string& command) {
  return testing::run_command(kLaunch + " --log-level warn --nproc " + std::to_string(ranks) + " -- " + command);
}

// One rank of a two-rank hwnas_search, started by hand with the torchrun variables; its stderr
// goes to `log`.
pid_t start_rank(int rank, int port, const std::vector<std::string>& arguments, const std::string& log) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  setenv("RANK", std::to_string(rank).c_str(), 1);
  setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  setenv("WORLD_SIZE", "2", 1);
  setenv("LOCAL_WORLD_SIZE", "2", 1);
  setenv("MASTER_ADDR", "127.0.0.1", 1);
  setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(out, 1);
  dup2(out, 2);
  std::vector<const char*> argv = {kSearch.c_str(), "--log-level", "warn"};
  for (const auto& a : arguments) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  execv(kSearch.c_str(), const_cast<char* const*>(argv.data()));
  _exit(127);
}

TEST(DistributedRuns, TwoRanksSearchIntoOneRunFolder) {
  const testing::TempDir temp("two_rank_search");
  const std::string& dir = temp.path();
  const std::string config = write_search_config(dir, "{type: proxylessnas, arch_lr: 0.05}", 3);
  const auto r = launch(2, kSearch + " --log-level warn --config " + config + " --out " + dir + "/run");
  ASSERT_EQ(r.status, 0) << r.output;
  // Only rank 0 reports: one result on stdout, one log, one metrics row per epoch.
  EXPECT_EQ(r.output.rfind("found |", 0), 0u) << r.output;
  EXPECT_EQ(r.output.find("found |"), r.output.rfind("found |")) << r.output;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/run")) {
    files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{".lock", "arch.json", "checkpoints", "config.resolved.yaml",
                                             "log.txt", "metrics.csv"}));
  EXPECT_EQ(testing::data_rows(dir + "/run/metrics.csv"), 3);
  const std::string log = read_text_file(dir + "/run/log.txt");
  EXPECT_NE(log.find("device cpu, rank 0 of 2 (gloo)"), std::string::npos) << log;
  EXPECT_NE(log.find("gradient all-reduces"), std::string::npos) << log;
  // Every epoch ended with the ranks' parameters, alphas and buffers compared (rank_group.h).
  for (int epoch = 1; epoch <= 3; ++epoch) {
    EXPECT_NE(log.find("epoch " + std::to_string(epoch) +
                       ": parameters and buffers identical on the 2 ranks (fingerprint "),
              std::string::npos)
        << log;
  }
  const auto arch = nlohmann::json::parse(read_text_file(dir + "/run/arch.json"));
  EXPECT_EQ(arch["strategy"], "proxylessnas");
  EXPECT_EQ(arch["epochs"], 3);
}

// Per-example Gumbel samples are drawn for the whole global batch on every rank; each keeps its
// rows, so the ranks' streams (and their alphas) stay the same.
TEST(DistributedRuns, PerExampleGumbelSamplesKeepTheRanksTogether) {
  const testing::TempDir temp("two_rank_gumbel");
  const std::string& dir = temp.path();
  const std::string config =
      write_search_config(dir, "{type: fbnet_dnas, gumbel_sampling: example}", 2);
  const auto r = launch(2, kSearch + " --config " + config + " --out " + dir + "/run");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(testing::data_rows(dir + "/run/metrics.csv"), 2);
}

TEST(DistributedRuns, TwoRanksRetrainAFoundArch) {
  const testing::TempDir temp("two_rank_train");
  const std::string& dir = temp.path();
  const std::string search_config = write_search_config(dir, "{type: proxylessnas}", 2);
  ASSERT_EQ(testing::run_command(kSearch + " --log-level warn --config " + search_config + " --out " +
                                 dir + "/search").status, 0);
  write_text_file(dir + "/train.yaml",
                  "seed: 2\nthreads: 1\ndata: {dataset: synthetic, synthetic_size: 32}\n"
                  "train: {epochs: 2, batch_size: 8, log_every: 1000}\ndistributed: {timeout_s: 20}\n");
  const auto r = launch(2, kTrain + " --log-level warn --arch " + dir + "/search/arch.json --config " +
                               dir + "/train.yaml --out " + dir + "/train");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(testing::data_rows(dir + "/train/metrics.csv"), 2);
  const auto result = nlohmann::json::parse(read_text_file(dir + "/train/result.json"));
  EXPECT_EQ(result["epochs"], 2);
  // One result on stdout: the arch line and the top-1 line of rank 0 only.
  EXPECT_EQ(r.output.find("test top-1"), r.output.rfind("test top-1")) << r.output;
}

// SIGKILL one rank after two epochs: the other stops within distributed.timeout_s with one line
// that names it and how to continue; the resumed two-rank run ends where an uninterrupted one does.
TEST(DistributedRuns, KillNineOneRankThenResumeGivesTheUninterruptedResult) {
  const testing::TempDir temp("two_rank_kill");
  const std::string& dir = temp.path();
  const std::string config = write_search_config(dir, "{type: proxylessnas, arch_lr: 0.05}");
  const auto whole = launch(2, kSearch + " --log-level warn --config " + config + " --out " + dir + "/whole");
  ASSERT_EQ(whole.status, 0) << whole.output;

  const std::string killed = dir + "/killed";
  const int port = testing::free_port();
  const std::vector<std::string> args = {"--config", config, "--out", killed};
  const pid_t rank0 = start_rank(0, port, args, dir + "/rank0.log");
  const pid_t rank1 = start_rank(1, port, args, dir + "/rank1.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (testing::data_rows(killed + "/metrics.csv") < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(kill(rank1, SIGKILL), 0);
  const auto killed_at = std::chrono::steady_clock::now();
  int status = 0;
  waitpid(rank1, &status, 0);
  // Rank 0 must exit by itself, within the timeout (20 s) and a margin for the machine's load.
  bool exited = false;
  while (std::chrono::steady_clock::now() - killed_at < std::chrono::seconds(60)) {
    if (waitpid(rank0, &status, WNOHANG) == rank0) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!exited) {
    kill(rank0, SIGKILL);
    waitpid(rank0, &status, 0);
  }
  ASSERT_TRUE(exited) << "rank 0 still ran 60 s after rank 1 was killed";
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  EXPECT_LT(waited, 20.0 + 10.0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string said = read_text_file(dir + "/rank0.log");
  EXPECT_EQ(said.rfind("hwnas_search: rank 0 of 2: ", 0), 0u) << said;
  EXPECT_NE(said.find(" failed: "), std::string::npos) << said;
  EXPECT_NE(said.find("start all ranks again with hwnas_search --resume " + killed), std::string::npos) << said;
  EXPECT_EQ(std::count(said.begin(), said.end(), '\n'), 1) << said;
  ASSERT_LT(testing::data_rows(killed + "/metrics.csv"), 5);

  const auto resumed = launch(2, kSearch + " --log-level warn --resume " + killed);
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_EQ(read_text_file(killed + "/arch.json"), read_text_file(dir + "/whole/arch.json"));
  EXPECT_EQ(testing::metrics_without_timing(killed + "/metrics.csv"),
            testing::metrics_without_timing(dir + "/whole/metrics.csv"));
}

// The number of ranks may change at --resume: the global batch, its images and the sampled paths
// do not depend on it (only the rows each rank normalises its BatchNorm over do).
TEST(DistributedRuns, ARunStartedOnTwoRanksResumesOnOne) {
  const testing::TempDir temp("two_then_one");
  const std::string& dir = temp.path();
  const std::string config = write_search_config(dir, "{type: proxylessnas}", 3);
  const auto first = launch(2, kSearch + " --log-level warn --config " + config +
                                   " --set train.stop_after_epochs=2 --out " + dir + "/run");
  ASSERT_EQ(first.status, 0) << first.output;
  ASSERT_EQ(testing::data_rows(dir + "/run/metrics.csv"), 2);
  const auto rest = testing::run_command(kSearch + " --log-level warn --resume " + dir + "/run");
  ASSERT_EQ(rest.status, 0) << rest.output;
  EXPECT_EQ(testing::data_rows(dir + "/run/metrics.csv"), 3);
  EXPECT_TRUE(std::filesystem::exists(dir + "/run/arch.json"));
}

// experiments/distributed/run.sh end to end on generated images: both sides of every workload
// run and the summary tables them (the figures themselves are the README's, not a test's).
TEST(DistributedRuns, TheBenchmarkScriptRunsWithAToyBudget) {
  const testing::TempDir temp("distributed_bench");
  const std::string bin = std::filesystem::path(kSearch).parent_path().string();
  const auto r = testing::run_command("cd " HWNAS_SOURCE_DIR " && experiments/distributed/run.sh --toy "
                                      "--rounds 1 --bin " + bin + " --out " + temp.path());
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string table = read_text_file(temp.path() + "/results.md");
  for (const char* row : {"| search | warmup |", "| search | search |", "| retrain | train |"}) {
    EXPECT_NE(table.find(row), std::string::npos) << table;
  }
  EXPECT_EQ(testing::data_rows(temp.path() + "/results.csv"), 2 * (2 + 1));  // per side: 2 search epochs, 1 retrain
}

TEST(DistributedRuns, ASamplingSearchOnSeveralRanksIsRefused) {
  const auto r = testing::run_command("RANK=0 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=1 " + kSearch +
                                      " --config " HWNAS_SOURCE_DIR "/configs/quickstart.yaml");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.rfind("hwnas_search: WORLD_SIZE=2: strategy.type evolution (a sampling search) runs "
                           "in one process; several processes train supernets (strategy.type ", 0), 0u)
      << r.output;
}

TEST(DistributedRuns, MoreRanksThanImagesPerBatchIsNamed) {
  const testing::TempDir temp("too_many_ranks");
  const std::string config = write_search_config(temp.path(), "{type: proxylessnas}", 2);
  const auto r = launch(2, kSearch + " --log-level warn --config " + config +
                               " --set train.batch_size=1 --out " + temp.path() + "/run");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("WORLD_SIZE 2 is more ranks than train.batch_size 1 allows"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace hwnas
