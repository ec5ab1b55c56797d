// The run folder: one program at a time (flock on DIR/.lock), never a silently overwritten run,
// and a log that is complete when a run fails.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.h"
#include "core/paths.h"
#include "core/run_dir.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::TempDir;

const RunDirOptions kSupernet{"supernet search", RunDirMode::kStart};

TEST(RunDir, ASecondWriterIsRefusedWithTheHoldersPid) {
  const TempDir temp("run_dir");
  const std::string dir = temp / "run";
  const auto held = open_run_dir(dir, "seed: 1\n", kSupernet);
  EXPECT_EQ(read_text_file(dir + "/config.resolved.yaml"), "seed: 1\n");
  // flock locks belong to the open file, so a second open in this process conflicts too.
  EXPECT_EQ(error_of([&] { (void)open_run_dir(dir, "seed: 2\n", kSupernet); }),
            dir + " is in use by another hwnas run (pid " + std::to_string(getpid()) +
                "); wait for it or choose another --out");
  EXPECT_EQ(error_of([&] { (void)lock_output_dir(dir, "evaluation"); }),
            dir + " is in use by another hwnas run (pid " + std::to_string(getpid()) +
                "); wait for it or choose another --out");
  EXPECT_EQ(read_text_file(dir + "/config.resolved.yaml"), "seed: 1\n");  // untouched
}

// `--out ''` was an IoError (exit 1) from the file system; it is a bad input (exit 2).
TEST(RunDir, AnEmptyPathIsABadInput) {
  EXPECT_EQ(error_of([] { (void)open_run_dir("", "seed: 1\n", kSupernet); }),
            "the run folder is an empty path (--out '' or output.dir: '')");
  try {
    (void)lock_output_dir("", "evaluation");
    FAIL() << "an empty path was accepted";
  } catch (const IoError&) {
    FAIL() << "an empty path is not an I/O failure";
  } catch (const InputError&) {
  }
}

TEST(RunDir, TheLockEndsWithTheRun) {
  const TempDir temp("run_dir");
  const std::string dir = temp / "run";
  { const auto held = open_run_dir(dir, "seed: 1\n", kSupernet); }
  const auto again = open_run_dir(dir, "seed: 1\n", kSupernet);  // no checkpoint yet: replaced
  EXPECT_EQ(again.path(), dir);
}

TEST(RunDir, AStartedRunIsNotOverwritten) {
  const TempDir temp("run_dir");
  const std::string dir = temp / "run";
  { const auto held = open_run_dir(dir, "seed: 1\n", kSupernet); }
  std::filesystem::create_directories(dir + "/checkpoints");
  write_text_file(dir + "/checkpoints/last.pt", "x");
  EXPECT_EQ(error_of([&] { (void)open_run_dir(dir, "seed: 2\n", kSupernet); }),
            dir + " already holds a run; continue it with --resume " + dir +
                " or choose another --out / name");
  EXPECT_EQ(read_text_file(dir + "/config.resolved.yaml"), "seed: 1\n");
  // A sampling search redoes its own runs but leaves other kinds alone.
  EXPECT_EQ(error_of([&] {
              (void)open_run_dir(dir, "x: 1\n", {"sampling search", RunDirMode::kRerun, true});
            }),
            dir + " already holds a supernet search run; choose another --out / name");
  const auto resumed = open_run_dir(dir, "ignored\n", {"supernet search", RunDirMode::kResume});
  EXPECT_EQ(read_text_file(dir + "/config.resolved.yaml"), "seed: 1\n");  // the caller's to rewrite
}

TEST(RunDir, Reruns) {
  const TempDir temp("run_dir");
  const std::string dir = temp / "run";
  const RunDirOptions sampling{"sampling search", RunDirMode::kRerun, /*fresh_log=*/true};
  { const auto held = open_run_dir(dir, "a: 1\n", sampling); }
  { const auto held = open_run_dir(dir, "a: 2\n", sampling); }
  EXPECT_EQ(read_text_file(dir + "/config.resolved.yaml"), "a: 2\n");
  EXPECT_EQ(error_of([&] { (void)open_run_dir(dir, "", {"retraining", RunDirMode::kStart}); }),
            dir + " already holds a sampling search run; choose another --out / name");
  EXPECT_EQ(error_of([&] { (void)open_run_dir(temp / "none", "", {"retraining", RunDirMode::kResume}); }),
            temp / "none" + " holds no run to resume (no config.resolved.yaml); start one with --config");
}

TEST(RunDir, AFileIsNoRunFolder) {
  const TempDir temp("run_dir");
  write_text_file(temp / "file", "x");
  EXPECT_EQ(error_of([&] { (void)open_run_dir(temp / "file", "", kSupernet); }),
            temp / "file" + " is a file, expected a run folder");
}

TEST(RunDir, LogLinesReachTheFileAsTheyAreLogged) {
  const TempDir temp("run_dir");
  const std::string dir = temp / "run";
  const auto held = open_run_dir(dir, "", kSupernet);
  spdlog::info("epoch 1 done");
  // No flush, no close: what a run that fails next leaves behind.
  EXPECT_NE(read_text_file(dir + "/log.txt").find("epoch 1 done"), std::string::npos);
}

}  // namespace
}  // namespace hwnas
