// Checkpoints and the pieces of the training loops: a module, its optimizers and numbers come
// back exactly; the write is atomic; metrics.csv keeps the rows of completed epochs; splits and
// batch streams are reproducible.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "core/paths.h"
#include "search/training/training.h"
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
