// The collectives of a data-parallel run on loopback Gloo, two ranks as two threads of this
// process (each with its own TCPStore client and process group, as two processes would have):
// the summed gradient of the ranks' rows equals the one-process gradient of the whole batch, the
// identity check catches a rank that differs, and a rank that disappears fails the other's
// collective with one line instead of a hang.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <functional>
#include <thread>

#include "core/error.h"
#include "search/distributed/rank_group.h"
#include "supernet/supernet.h"
#include "support/error_of.h"
#include "support/free_port.h"

namespace hwnas {
namespace {

// Runs `body(rank, group)` on ranks 0 and 1 of a fresh two-rank Gloo group, one thread each;
// rethrows the first exception a rank threw.
void on_two_ranks(const std::function<void(int, RankGroup&)>& body, double timeout_s = 30) {
  const int port = testing::free_port();
  std::exception_ptr errors[2];
  const auto rank_main = [&](int rank) {
    try {
      LaunchEnvironment env;
      env.rank = env.local_rank = rank;
      env.world_size = env.local_world_size = 2;
      env.master_addr = "127.0.0.1";
      env.master_port = port;
      DistributedOptions options;
      options.backend = "gloo";
      options.timeout_s = timeout_s;
      auto group = RankGroup::join(env, options, "cpu");
      body(rank, *group);
    } catch (...) {
      errors[rank] = std::current_exception();
    }
  };
  std::thread first(rank_main, 0), second(rank_main, 1);
  first.join();
  second.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

double max_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, (a[i] - b[i]).abs().max().item<double>());
  return worst;
}

std::vector<torch::Tensor> gradients_of(torch::nn::Module& module) {
  std::vector<torch::Tensor> out;
  for (const auto& p : module.parameters()) out.push_back(p.grad().clone());
  return out;
}

TEST(BatchShard, RanksSplitEveryBatchIntoContiguousRows) {
  for (int global : {1, 2, 7, 64}) {
    for (int world = 1; world <= std::min(global, 5); ++world) {
      int64_t next = 0;
      double shares = 0;
      for (int rank = 0; rank < world; ++rank) {
        const BatchShard s = BatchShard::of(global, rank, world);
        EXPECT_EQ(s.begin, next);
        EXPECT_GE(s.size(), global / world);
        EXPECT_LE(s.size(), global / world + 1);
        next = s.end;
        shares += s.share();
      }
      EXPECT_EQ(next, global);
      EXPECT_NEAR(shares, 1.0, 1e-12);
    }
  }
  EXPECT_TRUE(BatchShard::all(8).whole());
  EXPECT_EQ(single_process().shard(8, "train.batch_size").size(), 8);
}

TEST(LaunchEnvironment, ReadsTheTorchrunVariablesAndNamesABadOne) {
  const auto with = [](std::vector<std::pair<const char*, const char*>> vars) {
    for (const char* name : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR",
                             "MASTER_PORT"}) {
      unsetenv(name);
    }
    for (const auto& [name, value] : vars) setenv(name, value, 1);
  };
  with({});
  EXPECT_FALSE(LaunchEnvironment::read().distributed());
  with({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "2"},
        {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "29512"}});
  const auto env = LaunchEnvironment::read();
  EXPECT_EQ(env.rank, 1);
  EXPECT_EQ(env.world_size, 2);
  EXPECT_EQ(env.master_port, 29512);
  EXPECT_EQ(env.describe(), "rank 1 of 2");
  with({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}});
  EXPECT_EQ(testing::error_of([] { LaunchEnvironment::read(); }),
            "environment: RANK=2: expected a whole number 0..1 (WORLD_SIZE=2)");
  with({{"RANK", "0"}, {"WORLD_SIZE", "two"}});
  EXPECT_EQ(testing::error_of([] { LaunchEnvironment::read(); }),
            "environment: WORLD_SIZE=two: expected a whole number of processes >= 1");
  with({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}});
  EXPECT_EQ(testing::error_of([] { LaunchEnvironment::read(); }),
            "environment: WORLD_SIZE=2 but MASTER_PORT is not set: a free TCP port on rank 0's "
            "machine");
  with({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}});
  EXPECT_EQ(testing::error_of([] { LaunchEnvironment::read(); }),
            "environment: MASTER_PORT=70000: expected a TCP port 1..65535");
  with({});
}

TEST(RankGroup, MoreRanksThanImagesPerBatchIsAnError) {
  on_two_ranks([](int, RankGroup& group) {
    EXPECT_EQ(testing::error_of([&] { group.shard(1, "train.batch_size"); }),
              "WORLD_SIZE 2 is more ranks than train.batch_size 1 allows: every rank needs at least "
              "one image of each batch");
  });
}

// Plain layers (no batch statistics): the summed gradient of the rows equals the whole batch's.
TEST(RankGroup, SummedGradientsOfTheRowsEqualTheWholeBatchsGradient) {
  torch::set_num_threads(1);
  const auto make_net = [] {
    torch::manual_seed(11);
    return torch::nn::Sequential(torch::nn::Linear(6, 16), torch::nn::Tanh(), torch::nn::Linear(16, 3));
  };
  torch::manual_seed(5);
  const auto x = torch::randn({7, 6});  // 7 rows: shards of 4 and 3, unequal shares
  const auto y = torch::randint(0, 3, {7}, torch::kLong);
  auto whole = make_net();
  torch::nn::functional::cross_entropy(whole->forward(x), y).backward();
  const auto expected = gradients_of(*whole);
  // Built here, not in the rank threads: they would share LibTorch's global generator.
  torch::nn::Sequential nets[2] = {make_net(), make_net()};
  std::vector<torch::Tensor> summed[2];
  on_two_ranks([&](int rank, RankGroup& group) {
    auto& net = nets[rank];
    const BatchShard rows = group.shard(7, "batch");
    torch::nn::functional::cross_entropy(net->forward(x.narrow(0, rows.begin, rows.size())),
                                         y.narrow(0, rows.begin, rows.size()))
        .backward();
    group.reduce_gradients(net->parameters(), rows.share());
    summed[rank] = gradients_of(*net);
    EXPECT_EQ(group.gradient_traffic().calls, 1);
    EXPECT_EQ(group.gradient_traffic().bytes, (6 * 16 + 16 + 16 * 3 + 3) * 4);
  });
  EXPECT_LT(max_difference(summed[0], expected), 1e-5);
  EXPECT_EQ(max_difference(summed[0], summed[1]), 0.0);
}

// The project's own supernet on one path, BatchNorm in eval mode (running statistics: no
// dependence on the batch), through the same calls as the training loop.
TEST(RankGroup, SupernetGradientsOfTheRowsEqualTheWholeBatchsGradient) {
  torch::set_num_threads(1);
  const auto make_net = [] {
    torch::manual_seed(3);
    SupernetOptions options;
    options.space = Space::NB201;
    options.nb201_channels = 4;
    options.nb201_cells_per_stage = 1;
    Supernet net(options);
    net->select_single({1, 2, 3, 1, 2, 3});
    net->eval();
    return net;
  };
  torch::manual_seed(8);
  const auto x = torch::randn({6, 3, 32, 32});
  const auto y = torch::randint(0, 10, {6}, torch::kLong);
  auto whole = make_net();
  torch::nn::functional::cross_entropy(whole->forward(x), y).backward();
  std::vector<torch::Tensor> expected;
  for (const auto& p : whole->weight_parameters()) expected.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  Supernet nets[2] = {make_net(), make_net()};  // not in the rank threads: one global generator
  std::vector<torch::Tensor> summed;
  on_two_ranks([&](int rank, RankGroup& group) {
    auto& net = nets[rank];
    const BatchShard rows = group.shard(6, "batch");
    torch::nn::functional::cross_entropy(net->forward(x.narrow(0, rows.begin, rows.size())),
                                         y.narrow(0, rows.begin, rows.size()))
        .backward();
    auto weights = net->weight_parameters();
    group.reduce_gradients(weights, rows.share());
    if (rank != 0) return;
    for (const auto& p : weights) summed.push_back(p.grad().defined() ? p.grad().clone() : torch::zeros_like(p));
  });
  ASSERT_EQ(summed.size(), expected.size());
  EXPECT_LT(max_difference(summed, expected), 1e-5);
}

TEST(RankGroup, SumsAveragesBroadcastsAndComparesAcrossRanks) {
  on_two_ranks([](int rank, RankGroup& group) {
    EXPECT_EQ(group.sum({1.0 + rank, 10.0}, "test sum"), (std::vector<double>{3.0, 20.0}));
    auto mean = torch::full({3}, rank == 0 ? 1.0f : 3.0f);
    auto count = torch::full({1}, 5 + rank, torch::kLong);  // a counter: rank 0's
    group.average({mean, count}, "test average");
    EXPECT_TRUE(torch::equal(mean, torch::full({3}, 2.0f)));
    EXPECT_EQ(count.item<int64_t>(), 5);
    auto weights = torch::full({2, 2}, static_cast<float>(rank));
    group.broadcast({weights}, "test broadcast");
    EXPECT_TRUE(torch::equal(weights, torch::zeros({2, 2})));
    EXPECT_EQ(group.check_identical({weights}, "the weights"),  // equal: no error
              single_process().check_identical({weights}, "the weights"));
    auto own = torch::full({2}, static_cast<float>(rank));
    EXPECT_EQ(testing::error_of([&] { group.check_identical({own}, "the alphas"); }),
              "ranks diverged: the alphas differ between the 2 ranks (rank " + std::to_string(rank) +
                  "); a rank trained other images or paths, or the ranks run different builds of "
                  "hwnas");
  });
}

// The other rank's group is gone (its process died): the collective fails at once with one line
// naming the rank, what failed and the recovery hint; it does not wait for the timeout.
TEST(RankGroup, APeerThatDisappearsFailsTheCollectiveWithOneLine) {
  const auto started = std::chrono::steady_clock::now();
  std::string message;
  on_two_ranks(
      [&](int rank, RankGroup& group) {
        group.set_recovery_hint("; resume with --resume DIR");
        group.sum({1.0}, "the first sum");  // both ranks are up
        if (rank == 1) return;              // rank 1's group is destroyed on return
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        message = testing::error_of([&] { group.sum({1.0}, "the epoch's sum"); });
      },
      /*timeout_s=*/60);
  EXPECT_EQ(message.rfind("rank 0 of 2: the epoch's sum failed: ", 0), 0u) << message;
  EXPECT_NE(message.find("(another rank stopped, or did not answer within distributed.timeout_s 60 s)"
                         "; resume with --resume DIR"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
}

TEST(RankGroup, OneProcessNeedsNoProcessGroup) {
  RankGroup& group = single_process();
  EXPECT_FALSE(group.distributed());
  EXPECT_EQ(group.describe(), "one process");
  auto t = torch::ones({2});
  t.mutable_grad() = torch::full({2}, 3.0f);
  group.reduce_gradients({t}, 0.5);  // one process: the gradient stays as it is
  EXPECT_TRUE(torch::equal(t.grad(), torch::full({2}, 3.0f)));
  EXPECT_EQ(group.sum({4.0}, "sum"), std::vector<double>{4.0});
}

TEST(DistributedOptions, BackendFollowsTheDevice) {
  DistributedOptions options;
  EXPECT_EQ(options.backend_for("cpu"), "gloo");
  EXPECT_EQ(options.backend_for("cuda"), "nccl");
  options.backend = "nccl";
  EXPECT_EQ(testing::error_of([&] { options.backend_for("cpu"); }),
            "distributed.backend: nccl needs device: cuda (this run's device is cpu); use gloo or auto");
}

}  // namespace
}  // namespace hwnas
