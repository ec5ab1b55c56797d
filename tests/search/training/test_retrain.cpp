// Retraining a found architecture on tiny generated data: seconds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/paths.h"
#include "costmodels/cost_library.h"
#include "support/error_of.h"
#include "search/training/retrain.h"
#include "support/temp_dir.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

using testing::library;

RetrainOptions tiny_options(int stop_after = 0) {
  const Config config = Config::parse(
      "seed: 2\nthreads: 1\ndata: {dataset: synthetic, synthetic_size: 32}\n"
      "train: {epochs: 3, batch_size: 8, log_every: 1000, stop_after_epochs: " +
          std::to_string(stop_after) + "}\n",
      "<test>");
  auto options = RetrainOptions::read(config);
  config.check_unknown_keys();
  return options;
}

std::string without_throughput(const std::string& result_json) {
  auto j = nlohmann::json::parse(result_json);
  j.erase("train_images_per_s");
  return j.dump();
}

TEST(Retrain, WritesResultWithTheTablesCostsAndResumesExactly) {
  const testing::TempDir temp("retrain");
  const std::string dir = temp.path();
  write_text_file(dir + "/arch.json",
                  R"({"space": "fbnet", "setting": "cifar10", "op_idx_list": )"
                  "[8,8,1,8,4,8,8,8,1,4,1,4,8,8,8,8,8,8,4,8,4,8]}");
  const auto target = ArchFile::read(dir + "/arch.json", library());
  const auto whole = retrain(tiny_options(), target, library(), dir + "/whole", false);
  EXPECT_EQ(whole.epochs, 3);
  const auto result = nlohmann::json::parse(read_text_file(dir + "/whole/result.json"));
  EXPECT_EQ(result["top1"].get<double>(), whole.top1);
  EXPECT_EQ(result["costs"]["raspi4_latency"].get<double>(),
            library().model(Space::FBNet, "cifar10", parse_cost_key("raspi4_latency"))->cost(target.arch));
  EXPECT_TRUE(std::filesystem::exists(dir + "/whole/model.pt"));

  retrain(tiny_options(/*stop_after=*/1), target, library(), dir + "/parts", false);
  retrain(tiny_options(), target, library(), dir + "/parts", true);
  EXPECT_EQ(without_throughput(read_text_file(dir + "/parts/result.json")),
            without_throughput(read_text_file(dir + "/whole/result.json")));
}

TEST(Retrain, Nb201ChildTrains) {
  const testing::TempDir temp("retrain");
  const std::string dir = temp.path();
  write_text_file(dir + "/arch.json", R"({"space": "nb201", "setting": "cifar10", "ops": [3,1,0,2,4,1]})");
  const auto r = retrain(tiny_options(), ArchFile::read(dir + "/arch.json", library()), library(),
                         dir + "/run", false);
  EXPECT_EQ(r.epochs, 3);
  const auto result = nlohmann::json::parse(read_text_file(dir + "/run/result.json"));
  EXPECT_EQ(result["arch_str"], "|nor_conv_3x3~0|+|skip_connect~0|none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|skip_connect~2|");
}

TEST(Retrain, BadArchJsonIsNamed) {
  const testing::TempDir temp("retrain");
  const std::string dir = temp.path();
  write_text_file(dir + "/a.json", R"({"space": "fbnet", "setting": "cifar10", "op_idx_list": [1,2]})");
  EXPECT_EQ(testing::error_of([&] { ArchFile::read(dir + "/a.json", library()); }),
            dir + "/a.json: 'op_idx_list' has 2 entries, expected a list of 22 integers 0..8");
  write_text_file(dir + "/b.json", R"({"space": "fbnet"})");
  EXPECT_EQ(testing::error_of([&] { ArchFile::read(dir + "/b.json", library()); }),
            dir + "/b.json: no key 'setting'; expected space, setting and the arch as op_idx_list "
                  "or arch_str (fbnet), ops, index or arch_str (nb201)");
}

}  // namespace
}  // namespace hwnas
