// Checkpoints and the pieces of the training loops: a module, its optimizers and numbers come
// back exactly; the write is atomic; metrics.csv keeps the rows of completed epochs; splits and
// batch streams are reproducible.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>

#include "core/paths.h"
#include "search/training/checkpoint_file.h"
#include "search/training/resume.h"
#include "search/training/training.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::TempDir;

TEST(Checkpoint, ModuleOptimizerAndNumbersComeBackExactly) {
  const TempDir dir("checkpoint");
  torch::manual_seed(0);
  torch::nn::Linear a(4, 3);
  torch::optim::SGD sgd(a->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  for (int step = 0; step < 3; ++step) {  // momentum buffers become state worth saving
    sgd.zero_grad();
    a->forward(torch::randn({5, 4})).sum().backward();
    sgd.step();
  }
  Checkpoint saved;
  saved.numbers = {{"completed_epochs", 7}, {"multiplier", 0.125}};
  saved.save(dir / "last.pt", *a, {{"sgd", &sgd}});
  EXPECT_FALSE(std::filesystem::exists(dir / "last.pt.tmp"));

  torch::nn::Linear b(4, 3);
  torch::optim::SGD sgd_b(b->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  Checkpoint loaded;
  loaded.numbers = {{"completed_epochs", 0}, {"multiplier", 0}};
  ASSERT_TRUE(loaded.load(dir / "last.pt", *b, {{"sgd", &sgd_b}}, torch::kCPU));
  EXPECT_EQ(loaded.numbers, saved.numbers);
  EXPECT_TRUE(torch::equal(a->weight, b->weight));
  EXPECT_TRUE(torch::equal(a->bias, b->bias));
  // The same next step from both: the momentum buffers came back too.
  const auto x = torch::randn({5, 4});
  sgd.zero_grad();
  sgd_b.zero_grad();
  a->forward(x).sum().backward();
  b->forward(x).sum().backward();
  sgd.step();
  sgd_b.step();
  EXPECT_TRUE(torch::equal(a->weight, b->weight));

  Checkpoint none;
  EXPECT_FALSE(none.load(dir / "missing.pt", *b, {}, torch::kCPU));
}

TEST(TrainingPieces, MetricsCsvKeepsCompletedEpochsOnly) {
  const TempDir dir("metrics");
  const std::string path = dir / "metrics.csv";
  write_text_file(path, "epoch,x\n1,a\n2,b\n3,c\n");
  reset_metrics_csv(path, "epoch,x", 2);  // epoch 3 was killed mid-way
  EXPECT_EQ(read_text_file(path), "epoch,x\n1,a\n2,b\n");
  reset_metrics_csv(path, "epoch,x", 0);
  EXPECT_EQ(read_text_file(path), "epoch,x\n");
}

// Rows of finished epochs are history: a resumed run refuses to go on without them.
TEST(TrainingPieces, MetricsCsvMissingRowsAreAnError) {
  const TempDir dir("metrics");
  const std::string path = dir / "metrics.csv";
  write_text_file(path, "epoch,x\n1,a\n2,b\n");
  EXPECT_EQ(testing::error_of([&] { reset_metrics_csv(path, "epoch,x", 3); }),
            path + " has rows for 2 of the 3 epochs done: restore it, or delete the checkpoint to "
                   "restart the run from scratch");
  EXPECT_EQ(read_text_file(path), "epoch,x\n1,a\n2,b\n");  // left as it was
  std::filesystem::remove(path);
  EXPECT_EQ(testing::error_of([&] { reset_metrics_csv(path, "epoch,x", 2); }),
            path + " is missing; it held the rows of the 2 epochs done: restore it, or delete the "
                   "checkpoint to restart the run from scratch");
}

// A tiny module and optimizer whose checkpoint is saved as `epochs` epochs done.
struct Saved {
  torch::nn::Linear net;
  torch::optim::SGD sgd;
  explicit Saved(int64_t width = 4)
      : net(width, 3), sgd(net->parameters(), torch::optim::SGDOptions(0.1)) {}
  void save(const std::string& path, int epochs) {
    Checkpoint c;
    c.numbers = {{"completed_epochs", epochs}};
    c.kind = "hwnas_search";
    c.config = "seed: 1\n";
    c.save(path, *net, {{"sgd", &sgd}});
  }
  std::string load(const std::string& path) {
    Checkpoint c;
    c.numbers = {{"completed_epochs", 0}};
    return testing::error_of([&] { c.load(path, *net, {{"sgd", &sgd}}, torch::kCPU); });
  }
};

// A full disk (here: a file size limit, which fails the same write(2) calls) must not abort the
// run, leave a .tmp, or touch the previous checkpoint.
TEST(Checkpoint, AFailedWriteKeepsTheLastGoodOneAndSaysHowToGoOn) {
  const TempDir dir("checkpoint");
  const std::string run = dir / "run";
  std::filesystem::create_directories(run + "/checkpoints");
  const std::string path = run + "/checkpoints/last.pt";
  Saved small;
  small.save(path, 1);
  const std::string before = read_text_file(path);

  Saved big(/*width=*/20000);  // 240 KB of weights
  rlimit old{};
  getrlimit(RLIMIT_FSIZE, &old);
  const auto old_handler = signal(SIGXFSZ, SIG_IGN);  // write(2) then fails with EFBIG
  rlimit limited = old;
  limited.rlim_cur = 64 * 1024;
  setrlimit(RLIMIT_FSIZE, &limited);
  const std::string error = testing::error_of([&] { big.save(path, 2); });
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, old_handler);
  EXPECT_EQ(error, path + ": cannot be written (File too large); the last good checkpoint (epoch 1) "
                          "is kept; free space and run hwnas_search --resume " + run);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_EQ(read_text_file(path), before);
  EXPECT_EQ(small.load(path), "(no error)");

  // Nothing before: says so.
  EXPECT_EQ(testing::error_of([&] {
              Checkpoint c;
              c.kind = "hwnas_train";
              c.save(run + "/missing/last.pt", *small.net, {});
            }),
            run + "/missing/last.pt: cannot be written (No such file or directory); no checkpoint "
                  "was written before; free space and run hwnas_train --resume " + run);
}

// Damaged files are named, with why and what to do, never a LibTorch trace; a flipped bit is
// caught by the checksum instead of resuming a different run.
TEST(Checkpoint, CorruptFilesAreRefusedWithOneLine) {
  const TempDir dir("checkpoint");
  const std::string path = dir / "last.pt";
  Saved saved;
  saved.save(path, 3);
  const std::string good = read_text_file(path);
  const auto corrupt = [&](const std::string& why) {
    return path + ": corrupt checkpoint (" + why + "); delete it to restart the run from scratch";
  };
  write_text_file(path, "");
  EXPECT_EQ(saved.load(path), corrupt("empty file"));
  write_text_file(path, good.substr(0, good.size() / 2));
  EXPECT_EQ(saved.load(path), corrupt("truncated, or not written by hwnas: no checkpoint footer"));
  write_text_file(path, std::string(5000, '\x5a'));
  EXPECT_EQ(saved.load(path), corrupt("truncated, or not written by hwnas: no checkpoint footer"));
  std::string flipped = good;
  flipped[flipped.size() / 3] ^= 0x10;
  write_text_file(path, flipped);
  EXPECT_EQ(saved.load(path), corrupt("checksum mismatch: changed or damaged after it was written"));
  write_text_file(path, "x" + good);
  EXPECT_EQ(saved.load(path), corrupt(std::to_string(good.size() + 1) + " bytes, not the " +
                                      std::to_string(good.size()) + " its footer gives"));

  // The record says who wrote it.
  write_text_file(path, good);
  const auto file = read_checkpoint_file(path);
  EXPECT_EQ(file.meta.kind, "hwnas_search");
  EXPECT_EQ(file.meta.config, "seed: 1\n");
  EXPECT_EQ(file.meta.numbers.at("completed_epochs"), 3);

  // Another model's checkpoint (other parameter names; LibTorch takes other shapes as they come).
  torch::nn::Sequential other(torch::nn::Linear(4, 3));
  Checkpoint c;
  EXPECT_NE(testing::error_of([&] { c.load(path, *other, {}, torch::kCPU); })
                .find(path + ": does not fit this run's network ("),
            std::string::npos);
}

// A checkpoint of an hwnas before checksums (a bare LibTorch archive) still loads.
TEST(Checkpoint, AnOlderBareArchiveLoadsUnverified) {
  const TempDir dir("checkpoint");
  Saved saved;
  torch::serialize::OutputArchive archive, module;
  saved.net->save(module);
  archive.write("module", module);
  torch::serialize::OutputArchive optimizer;
  saved.sgd.save(optimizer);
  archive.write("optimizer.sgd", optimizer);
  archive.write("number.completed_epochs", torch::tensor(4.0, torch::kDouble));
  archive.save_to(dir / "old.pt");
  Checkpoint c;
  c.numbers = {{"completed_epochs", 0}};
  ASSERT_TRUE(c.load(dir / "old.pt", *saved.net, {{"sgd", &saved.sgd}}, torch::kCPU));
  EXPECT_EQ(c.numbers["completed_epochs"], 4);
}

TEST(Resume, OnlyEpochsAndStopAfterMayChange) {
  EXPECT_EQ(testing::error_of([] { check_resume_overrides("hwnas_train", {"train.epochs=9", "train.stop_after_epochs=1"}); }),
            "(no error)");
  EXPECT_EQ(testing::error_of([] { check_resume_overrides("hwnas_train", {"train.epochs=9", "seed=3"}); }),
            "hwnas_train: --resume: --set seed would make the resumed run another run; only "
            "train.epochs (raised above the epochs done), train.stop_after_epochs and distributed.* can change");
  EXPECT_EQ(changed_run_keys("seed: 1\ntrain: {epochs: 3, batch_size: 4, stop_after_epochs: 1}\n"
                             "cost: {metrics: [a, b]}\n",
                             "seed: 2\ntrain: {epochs: 9, batch_size: 4}\ncost: {metrics: [a]}\n"
                             "extra: x\n"),
            (std::vector<std::string>{"cost.metrics [a, b] -> [a]", "extra (absent) -> x",
                                      "seed 1 -> 2"}));
}

TEST(TrainingPieces, SplitsAndBatchesReplayFromTheirSeed) {
  auto r1 = epoch_rng(3, 0, 1), r2 = epoch_rng(3, 0, 1), r3 = epoch_rng(3, 1, 1);
  const auto a = split_indices(10, 0.3, r1), b = split_indices(10, 0.3, r2);
  EXPECT_EQ(a.held_out, b.held_out);
  EXPECT_EQ(a.held_out.size(), 3u);
  EXPECT_EQ(a.rest.size(), 7u);
  std::vector<int64_t> all = a.held_out;
  all.insert(all.end(), a.rest.begin(), a.rest.end());
  std::sort(all.begin(), all.end());
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(all[i], i);
  EXPECT_NE(split_indices(10, 0.3, r3).held_out, a.held_out);

  auto o1 = epoch_rng(1, 2, 0), o2 = epoch_rng(1, 2, 0);
  BatchStream s1({0, 1, 2, 3, 4}, 3, o1), s2({0, 1, 2, 3, 4}, 3, o2);
  EXPECT_EQ(s1.next(), s2.next());
  EXPECT_EQ(s1.next().size(), 3u);  // wraps around the 5 indices
}

TEST(TrainingPieces, StopAfterEpochsCountsThisCallsEpochs) {
  TrainLoopOptions train;
  train.epochs = 10;
  train.stop_after_epochs = 2;
  EXPECT_FALSE(stop_requested(train, 3, 2));
  EXPECT_TRUE(stop_requested(train, 4, 2));
  EXPECT_FALSE(stop_requested(train, 10, 8));  // finished: nothing to stop
  train.stop_after_epochs = 0;
  EXPECT_FALSE(stop_requested(train, 4, 2));
}

}  // namespace
}  // namespace hwnas
