// hwnas_search with a supernet strategy, as a user runs it: killed with SIGKILL in the middle of
// an epoch, then --resume, must end with the arch.json of an uninterrupted run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/file.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/paths.h"
#include "search/differentiable/supernet_fixture.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

const std::string kSearch = HWNAS_SEARCH_BIN;
const std::string kTrain = HWNAS_TRAIN_BIN;

// A supernet search of seconds: 3 epochs of 3 steps over 64 generated images.
std::string write_tiny_search(const std::string& dir) {
  const std::string config = dir + "/search.yaml";
  write_text_file(config,
                  "name: tiny\nseed: 5\nthreads: 1\nspace: nb201\n"
                  "data: {dataset: synthetic, synthetic_size: 64}\n"
                  "train: {epochs: 3, warmup_epochs: 1, batch_size: 4, steps_per_epoch: 3, "
                  "eval_batches: 1, log_every: 1000}\n"
                  "strategy: {type: proxylessnas}\n"
                  "cost: {metrics: [fpga_latency], form: add_linear}\n");
  return config;
}

testing::CommandResult search(const std::string& arguments) {
  return testing::run_command(kSearch + " --log-level warn " + arguments);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
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
  while (testing::data_rows(killed + "/metrics.csv") < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the search finished before it could be killed";
  ASSERT_LT(testing::data_rows(killed + "/metrics.csv"), 5);

  const auto resumed = testing::run_command(kSearch + " --log-level warn --resume " + killed);
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_EQ(read_text_file(killed + "/arch.json"), read_text_file(dir + "/whole/arch.json"));
  EXPECT_EQ(testing::data_rows(killed + "/metrics.csv"), 5);
}

// A full disk while writing a checkpoint (a file size limit fails the same writes) stops the run
// with one line that names the file, the reason and what survived; the resumed run then ends
// where an uninterrupted one does.
TEST(SupernetCli, AFailedCheckpointWriteStopsTheRunCleanly) {
  const testing::TempDir temp("disk_full");
  const std::string& dir = temp.path();
  const std::string config = write_tiny_search(dir);
  ASSERT_EQ(search("--config " + config + " --out " + dir + "/whole").status, 0);
  const std::string run = dir + "/run";
  const auto first = search("--config " + config + " --set train.stop_after_epochs=1 --out " + run);
  ASSERT_EQ(first.status, 0) << first.output;
  const auto size_kb = std::filesystem::file_size(run + "/checkpoints/last.pt") / 1024;
  ASSERT_GT(size_kb, 20u);
  const auto full = testing::run_command("bash -c \"trap '' XFSZ; ulimit -f " +
                                         std::to_string(size_kb / 2) + "; exec " + kSearch +
                                         " --log-level warn --resume " + run + "\"");
  EXPECT_EQ(full.status, 1);
  EXPECT_EQ(full.output, "hwnas_search: " + run + "/checkpoints/last.pt: cannot be written (File "
                         "too large); the last good checkpoint (epoch 1) is kept; free space and "
                         "run hwnas_search --resume " + run + "\n");
  EXPECT_FALSE(std::filesystem::exists(run + "/checkpoints/last.pt.tmp"));
  EXPECT_NE(read_text_file(run + "/log.txt").find("epoch 2 done"), std::string::npos);

  const auto resumed = search("--resume " + run + " --set train.stop_after_epochs=0");
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_EQ(read_text_file(run + "/arch.json"), read_text_file(dir + "/whole/arch.json"));
}

// Whatever happened to the checkpoint, --resume says so in one line (exit 2), never with a
// LibTorch trace, and never resumes from a changed file.
TEST(SupernetCli, DamagedCheckpointsAreRefusedWithOneLine) {
  const testing::TempDir temp("corrupt");
  const std::string& dir = temp.path();
  const std::string config = write_tiny_search(dir);
  const std::string run = dir + "/run", other = dir + "/other";
  ASSERT_EQ(search("--config " + config + " --set train.stop_after_epochs=1 --out " + run).status, 0);
  ASSERT_EQ(search("--config " + config + " --set train.stop_after_epochs=1 --set seed=6 --out " +
                   other).status, 0);
  const std::string path = run + "/checkpoints/last.pt";
  const std::string good = read_text_file(path);
  const auto refused = [&](const std::string& bytes, const std::string& why) {
    write_text_file(path, bytes);
    const auto r = search("--resume " + run);
    EXPECT_EQ(r.status, 2) << why;
    EXPECT_EQ(r.output, "hwnas_search: " + path + ": corrupt checkpoint (" + why +
                            "); delete it to restart the run from scratch\n");
  };
  refused("", "empty file");
  refused(good.substr(0, good.size() - 100), "truncated, or not written by hwnas: no checkpoint footer");
  refused(std::string(100000, '\x17'), "truncated, or not written by hwnas: no checkpoint footer");
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x01;
  refused(flipped, "checksum mismatch: changed or damaged after it was written");

  write_text_file(path, read_text_file(other + "/checkpoints/last.pt"));
  const auto mixed = search("--resume " + run);
  EXPECT_EQ(mixed.status, 2);
  EXPECT_EQ(mixed.output, "hwnas_search: " + path + " belongs to another run (" + run +
                              "/config.resolved.yaml differs: seed 6 -> 5); undo the edit, or "
                              "delete the checkpoint to restart the run from scratch\n");

  write_text_file(path, good);
  EXPECT_EQ(search("--resume " + run).status, 0);
}

// --resume continues the run DIR holds as it was started: what would make it another run is
// refused by name; only train.epochs (raised) and train.stop_after_epochs may change.
TEST(SupernetCli, ResumeRefusesWhatWouldMakeItAnotherRun) {
  const testing::TempDir temp("resume_rules");
  const std::string& dir = temp.path();
  const std::string config = write_tiny_search(dir);
  const std::string run = dir + "/run";
  ASSERT_EQ(search("--config " + config + " --set train.stop_after_epochs=2 --out " + run).status, 0);
  const auto expect_refused = [&](const std::string& arguments, const std::string& message) {
    const auto r = search(arguments);
    EXPECT_EQ(r.status, 2) << arguments;
    EXPECT_EQ(r.output, "hwnas_search: " + message + "\n") << arguments;
  };
  const std::string combine = "--resume DIR continues the run in DIR with its own config; ";
  expect_refused("--resume " + run + " --config " + config, combine + "--config/--out cannot be combined");
  expect_refused("--resume " + run + " --out " + dir + "/x", combine + "--config/--out cannot be combined");
  expect_refused("--resume " + run + " --set strategy.arch_lr=0.1",
                 "--resume: --set strategy.arch_lr would make the resumed run another run; only "
                 "train.epochs (raised above the epochs done), train.stop_after_epochs and distributed.* can change");
  expect_refused("--resume " + run + " --set train.epochs=2",
                 "--resume: --set train.epochs=2 is not above the 2 epochs " + run +
                     " has done; raise it, or leave it out to finish the run as configured");

  const std::string resolved = read_text_file(run + "/config.resolved.yaml");
  write_text_file(run + "/config.resolved.yaml", replaced(resolved, "batch_size: 4", "batch_size: 8"));
  expect_refused("--resume " + run,
                 run + "/checkpoints/last.pt belongs to another run (" + run +
                     "/config.resolved.yaml differs: train.batch_size 4 -> 8); undo the edit, or "
                     "delete the checkpoint to restart the run from scratch");
  write_text_file(run + "/config.resolved.yaml", resolved);

  const std::string metrics = read_text_file(run + "/metrics.csv");
  std::filesystem::remove(run + "/metrics.csv");
  expect_refused("--resume " + run, run + "/metrics.csv is missing; it held the rows of the 2 epochs "
                                          "done: restore it, or delete the checkpoint to restart the "
                                          "run from scratch");
  write_text_file(run + "/metrics.csv", metrics);

  // Starting again into the folder would overwrite the run.
  expect_refused("--config " + config + " --out " + run,
                 run + " already holds a run; continue it with --resume " + run +
                     " or choose another --out / name");

  // More epochs: the run trains on to the new total (and stops asking for the old limit).
  const auto longer = search("--resume " + run + " --set train.epochs=4 --set train.stop_after_epochs=0");
  ASSERT_EQ(longer.status, 0) << longer.output;
  EXPECT_EQ(testing::data_rows(run + "/metrics.csv"), 4);
  EXPECT_NE(read_text_file(run + "/config.resolved.yaml").find("epochs: 4"), std::string::npos);
}

TEST(SupernetCli, ARunFolderHasOneWriter) {
  const testing::TempDir temp("lock");
  const std::string& dir = temp.path();
  const std::string config = write_tiny_search(dir);
  const std::string run = dir + "/run";
  std::filesystem::create_directories(run);
  // Another run holds the folder.
  const int fd = open((run + "/.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  ASSERT_EQ(write(fd, "4242 supernet search\n", 21), 21);
  const auto busy = search("--config " + config + " --out " + run);
  EXPECT_EQ(busy.status, 1);
  EXPECT_EQ(busy.output, "hwnas_search: " + run + " is in use by another hwnas run (pid 4242); wait "
                         "for it or choose another --out\n");
  EXPECT_FALSE(std::filesystem::exists(run + "/config.resolved.yaml"));
  close(fd);

  write_text_file(dir + "/file", "x");
  const auto file = search("--config " + config + " --out " + dir + "/file");
  EXPECT_EQ(file.status, 2);
  EXPECT_EQ(file.output, "hwnas_search: " + dir + "/file is a file, expected a run folder\n");
}

// hwnas_train --resume follows the same rules, its arch.json included in what defines the run.
TEST(TrainCli, ResumeRules) {
  const testing::TempDir temp("train_resume");
  const std::string& dir = temp.path();
  write_text_file(dir + "/arch.json", R"({"space": "nb201", "setting": "cifar10", "ops": [3,1,0,2,4,1]})");
  write_text_file(dir + "/train.yaml",
                  "name: tiny-train\nseed: 2\nthreads: 1\ndata: {dataset: synthetic, synthetic_size: 32}\n"
                  "train: {epochs: 3, batch_size: 8, log_every: 1000, stop_after_epochs: 1}\n");
  const std::string run = dir + "/run";
  const auto train = [&](const std::string& arguments) {
    return testing::run_command(kTrain + " --log-level warn " + arguments);
  };
  const auto first = train("--arch " + dir + "/arch.json --config " + dir + "/train.yaml --out " + run);
  ASSERT_EQ(first.status, 0) << first.output;
  const auto refused = [&](const std::string& arguments, const std::string& message) {
    const auto r = train(arguments);
    EXPECT_EQ(r.status, 2) << arguments;
    EXPECT_EQ(r.output, "hwnas_train: " + message + "\n") << arguments;
  };
  refused("--resume " + run + " --config " + dir + "/train.yaml",
          "--resume DIR continues the run in DIR with its own config and arch.json; "
          "--arch/--config/--out cannot be combined");
  refused("--resume " + run + " --set train.lr=1",
          "--resume: --set train.lr would make the resumed run another run; only train.epochs "
          "(raised above the epochs done), train.stop_after_epochs and distributed.* can change");
  refused("--arch " + dir + "/arch.json --config " + dir + "/train.yaml --out " + run,
          run + " already holds a run; continue it with --resume " + run +
              " or choose another --out / name");
  const std::string arch = read_text_file(run + "/arch.json");
  write_text_file(run + "/arch.json", replaced(arch, "[3,1,0,2,4,1]", "[3,1,0,2,4,2]"));
  refused("--resume " + run,
          run + "/checkpoints/last.pt belongs to another run (" + run +
              "/config.resolved.yaml or arch.json differs: arch.ops "
              "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|skip_connect~2| -> "
              "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|nor_conv_1x1~2|); "
              "undo the edit, or delete the checkpoint to restart the run from scratch");
  write_text_file(run + "/arch.json", arch);
  write_text_file(run + "/checkpoints/last.pt", "PK");
  refused("--resume " + run, run + "/checkpoints/last.pt: corrupt checkpoint (truncated, or not "
                                   "written by hwnas: no checkpoint footer); delete it to restart "
                                   "the run from scratch");
  std::filesystem::remove(run + "/checkpoints/last.pt");
  // No checkpoint left: the run starts again from epoch 1 with its own config.
  const auto again = train("--resume " + run + " --set train.stop_after_epochs=0");
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_TRUE(std::filesystem::exists(run + "/result.json"));
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
