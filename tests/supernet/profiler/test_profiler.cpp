// The profiler with a few timed runs per block: a cifar10 LUT in about a second.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/paths.h"
#include "costmodels/cost_library.h"
#include "costmodels/fbnet_lut.h"
#include "support/error_of.h"
#include "support/run_command.h"
#include "supernet/profiler/profile_io.h"
#include "supernet/profiler/profiler.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

const CostKey kHostLatency{"host_cpu", Metric::Latency};

ProfileOptions tiny_options() {
  ProfileOptions o = ProfileOptions::quick();
  o.measure.warmup = 1;
  o.measure.repetitions = 2;
  o.validate_archs = 3;
  o.nb201_archs = 3;
  return o;
}

// Profiles into `dir`, returning the keys measured by this call in order.
std::vector<std::string> profile(const ProfileOptions& o, const std::string& dir) {
  std::vector<std::string> measured;
  ProfileObserver observer;
  observer.block_measured = [&](const FbnetBlock& b) { measured.push_back(b.key); };
  profile_fbnet_lut(o, dir, observer);
  return measured;
}

// The keys are the ones HW-NAS-Bench's LUT has: every block of the shipped table, each once.
TEST(Profiler, UniqueBlocksAreTheLutKeysOfTheSetting) {
  const auto lut = CostLibrary::load()->fbnet();
  for (FbnetSetting setting : kFbnetSettings) {
    const auto blocks = fbnet_unique_blocks(setting);
    std::set<std::string> keys;
    for (const auto& b : blocks) {
      keys.insert(b.key);
      EXPECT_NO_THROW(lut.entry({"edgegpu", Metric::Latency}, b.key)) << b.key;
    }
    EXPECT_EQ(keys.size(), blocks.size());
    EXPECT_EQ(blocks.front().key, fbnet_stem_key(fbnet_macro(setting)));
    EXPECT_EQ(blocks.back().key, fbnet_fc_key(fbnet_macro(setting)));
  }
  // 12 distinct layer shapes x 9 candidates, plus stem, head, pool and FC.
  EXPECT_EQ(fbnet_unique_blocks(FbnetSetting::Cifar10).size(), 112u);
}

TEST(Profiler, QuantileInterpolatesLikeNumpy) {
  EXPECT_EQ(quantile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.1), 2.0);
  EXPECT_DOUBLE_EQ(quantile({10, 20}, 0.9), 19.0);
  EXPECT_EQ(quantile({7}, 0.1), 7.0);
}

TEST(Profiler, QuickLutLoadsWithEveryKeyOfTheSetting) {
  const testing::TempDir temp("profile");
  const std::string dir = temp.path();
  const auto o = tiny_options();
  const auto measured = profile(o, dir);
  EXPECT_EQ(measured.size(), 112u);
  const std::string path = dir + "/host_cpu_latency.json";
  const auto lut = FbnetLut::load(path);
  ASSERT_TRUE(lut.has_setting(FbnetSetting::Cifar10));
  EXPECT_FALSE(lut.has_setting(FbnetSetting::Cifar100));  // FC_Cin1504_Cout100 not measured
  const FbnetCostTable& t = lut.table(FbnetSetting::Cifar10, kHostLatency);
  for (double v : t.layer) EXPECT_TRUE(std::isfinite(v) && v > 0) << v;
  for (double v : {t.stem, t.head, t.pool, t.fc}) EXPECT_TRUE(std::isfinite(v) && v > 0) << v;

  const auto j = nlohmann::json::parse(read_text_file(path));
  const auto& m = j.at("metadata");
  EXPECT_EQ(m.at("source"), "profiled");
  EXPECT_EQ(m.at("device"), "host_cpu");
  EXPECT_EQ(m.at("setting"), "cifar10");
  EXPECT_EQ(m.at("threads"), 1);
  EXPECT_EQ(m.at("batch_size"), 1);
  EXPECT_EQ(m.at("warmup"), 1);
  EXPECT_EQ(m.at("repetitions"), 2);
  EXPECT_EQ(m.at("complete"), true);
  EXPECT_NE(m.at("description").get<std::string>().find("LibTorch 1.13"), std::string::npos);
  EXPECT_EQ(m.at("spread").size(), 112u);
  const std::string stem = fbnet_stem_key(fbnet_macro(FbnetSetting::Cifar10));
  EXPECT_LE(m["spread"][stem][0].get<double>(), j["host_cpu_latency"][stem].get<double>());
  EXPECT_GE(m["spread"][stem][1].get<double>(), j["host_cpu_latency"][stem].get<double>());

  const auto provenance = read_lut_provenance(path);
  ASSERT_TRUE(provenance.has_value());
  EXPECT_EQ(provenance->measure.repetitions, 2);
  EXPECT_EQ(provenance->device_name, "host_cpu");
  // HW-NAS-Bench's own LUT has no metadata: nothing to reuse.
  EXPECT_FALSE(read_lut_provenance(data_path("hw-nas-bench/fbnet_lut.json")).has_value());
}

TEST(Profiler, KilledRunResumesWithOnlyTheMissingBlocks) {
  const testing::TempDir temp("profile");
  const std::string dir = temp.path();
  const auto o = tiny_options();
  int seen = 0;
  ProfileObserver killer;
  killer.block_measured = [&](const FbnetBlock&) {
    if (++seen == 40) throw std::runtime_error("killed");
  };
  EXPECT_THROW(profile_fbnet_lut(o, dir, killer), std::runtime_error);
  const std::string path = dir + "/host_cpu_latency.json";
  auto partial = nlohmann::json::parse(read_text_file(path));
  EXPECT_EQ(partial["host_cpu_latency"].size(), 40u);
  EXPECT_EQ(partial["metadata"]["complete"], false);

  // Also drop two entries by hand (an edited or older file): they are measured again too.
  const auto blocks = fbnet_unique_blocks(FbnetSetting::Cifar10);
  partial["host_cpu_latency"].erase(blocks[0].key);
  partial["host_cpu_latency"].erase(blocks[5].key);
  write_text_file(path, partial.dump(2));
  const auto kept = partial["host_cpu_latency"];

  const auto measured = profile(o, dir);
  std::vector<std::string> expected;
  for (const auto& b : blocks) {
    if (!kept.contains(b.key)) expected.push_back(b.key);
  }
  EXPECT_EQ(measured, expected);
  EXPECT_EQ(measured.size(), 112u - 38u);
  const auto done = nlohmann::json::parse(read_text_file(path));
  for (const auto& [key, value] : kept.items())
    EXPECT_EQ(done["host_cpu_latency"][key], value) << key;
  EXPECT_EQ(done["metadata"]["complete"], true);
  EXPECT_TRUE(FbnetLut::load(path).has_setting(FbnetSetting::Cifar10));
  EXPECT_TRUE(profile(o, dir).empty());  // complete: nothing left to measure
}

TEST(Profiler, ResumeWithOtherSettingsIsRefused) {
  const testing::TempDir temp("profile");
  const std::string dir = temp.path();
  auto o = tiny_options();
  int seen = 0;
  ProfileObserver killer;
  killer.block_measured = [&](const FbnetBlock&) {
    if (++seen == 3) throw std::runtime_error("killed");
  };
  EXPECT_THROW(profile_fbnet_lut(o, dir, killer), std::runtime_error);
  o.measure.repetitions = 3;
  o.measure.batch_size = 2;
  EXPECT_EQ(testing::error_of([&] { profile(o, dir); }),
            dir +
                "/host_cpu_latency.json was measured with other settings (batch_size 1 in the "
                "file, 2 now; repetitions 2 in the file, 3 now); rerun with the file's settings "
                "to resume it, or write to another --out");
  o = tiny_options();
  o.setting = FbnetSetting::Cifar100;
  EXPECT_EQ(testing::error_of([&] { profile(o, dir); }),
            dir +
                "/host_cpu_latency.json was measured with other settings (setting 'cifar10' in "
                "the file, 'cifar100' now); rerun with the file's settings to resume it, or "
                "write to another --out");
  write_text_file(dir + "/host_cpu_latency.json", R"({"host_cpu_latency": {"a": 1}})");
  EXPECT_NE(testing::error_of([&] {
              profile(tiny_options(), dir);
            }).find("host_cpu_latency.json: not a LUT written by hwnas_profile"),
            std::string::npos);
}

TEST(Profiler, OptionsAreValidated) {
  auto o = tiny_options();
  o.measure.repetitions = 0;
  EXPECT_EQ(testing::error_of([&] { o.validate(); }), "profile: repetitions 0 must be >= 1");
  o = tiny_options();
  o.measure.device = "tpu";
  EXPECT_EQ(testing::error_of([&] { o.validate(); }), "profile: device 'tpu' is not cpu or cuda");
  o = tiny_options();
  o.validate_archs = 1;
  EXPECT_EQ(testing::error_of([&] { o.validate(); }),
            "profile: validate 1 must be 0 (skip) or >= 2 (a correlation needs two points)");
  o = tiny_options();
  o.device_name = "my gpu";
  EXPECT_NE(testing::error_of([&] { o.validate(); }).find("device name 'my gpu'"),
            std::string::npos);
}

TEST(Profiler, AgreementStatsOfALineAndOfNoise) {
  const auto line = agreement_stats({1, 2, 3, 4}, {3, 5, 7, 9});  // measured = 2 x + 1
  EXPECT_EQ(line.count, 4);
  EXPECT_DOUBLE_EQ(line.slope, 2.0);
  EXPECT_DOUBLE_EQ(line.intercept, 1.0);
  EXPECT_DOUBLE_EQ(line.r2, 1.0);
  EXPECT_DOUBLE_EQ(line.pearson, 1.0);
  EXPECT_DOUBLE_EQ(line.kendall_tau, 1.0);
  EXPECT_DOUBLE_EQ(line.mean_ratio, (3.0 + 2.5 + 7.0 / 3 + 2.25) / 4);
  const auto noisy = agreement_stats({1, 2, 3, 4, 5}, {1.2, 1.9, 3.5, 3.1, 5.4});
  EXPECT_NEAR(noisy.r2, noisy.pearson * noisy.pearson, 1e-12);  // OLS with an intercept
  EXPECT_DOUBLE_EQ(noisy.kendall_tau, 0.8);                     // one discordant pair of 10
  EXPECT_EQ(testing::error_of([] { agreement_stats({1}, {2}); }),
            "agreement_stats: needs two equally long series of >= 2 values, got 1 and 1");
}

TEST(Profiler, ValidationAndNb201StagesWriteTheirReportsAndResume) {
  const testing::TempDir temp("profile");
  const std::string dir = temp.path();
  const auto o = tiny_options();
  profile(o, dir);
  int networks = 0;
  ProfileObserver counter;
  counter.network_measured = [&](const Arch&) { ++networks; };
  const auto v = validate_fbnet_lut(o, dir, counter);
  EXPECT_EQ(networks, 3);
  EXPECT_EQ(v.stats.count, 3);
  EXPECT_EQ(v.measured, 3);
  EXPECT_TRUE(std::isfinite(v.stats.pearson));
  const std::string csv = read_text_file(dir + "/validation.csv");
  EXPECT_EQ(csv.rfind("arch,lut_sum_ms,measured_ms,p10_ms,p90_ms,mflops\n", 0), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4);
  EXPECT_NE(read_text_file(dir + "/validation.md").find("| Kendall tau-b |"), std::string::npos);

  networks = 0;
  const auto again = validate_fbnet_lut(o, dir, counter);
  EXPECT_EQ(networks, 0);
  EXPECT_EQ(again.reused, 3);
  EXPECT_EQ(read_text_file(dir + "/validation.csv"), csv);

  const auto library = CostLibrary::load();
  const auto n = profile_nb201_sample(o, *library, dir, counter);
  EXPECT_EQ(networks, 3);
  EXPECT_EQ(n.sampled, 3);
  bool has_edgegpu = false, has_flops = false;
  for (const auto& c : n.columns) {
    has_edgegpu |= c.column == "edgegpu_latency";
    has_flops |= c.column == "FLOPs (nb201_complexity)";
  }
  EXPECT_TRUE(has_edgegpu && has_flops);
  EXPECT_NE(read_text_file(dir + "/nb201_correlation.md").find("| edgegpu_latency | 3 |"),
            std::string::npos);
  EXPECT_EQ(profile_nb201_sample(o, *library, dir, counter).reused, 3);
}

TEST(Profiler, CliProfilesResumesAndMeasuresAnArch) {
  const testing::TempDir temp("profile");
  const std::string dir = temp.path();
  const std::string bin = HWNAS_PROFILE_BIN;
  const std::string args = " --quick --warmup 1 --reps 2 --validate 2 --nb201 2 --out " + dir;
  const auto first = testing::run_command(bin + args);
  ASSERT_EQ(first.status, 0) << first.output;
  EXPECT_NE(first.output.find("112 blocks (112 measured, 0 from an earlier run)"),
            std::string::npos)
      << first.output;
  EXPECT_NE(first.output.find("validation: 2 archs"), std::string::npos);
  for (const char* f : {"host_cpu_latency.json", "validation.csv", "validation.md",
                        "nb201_sample.csv", "nb201_correlation.md", "log.txt"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + f)) << f;
  }
  // The stages' own resume is tested above; here the LUT's only (the costly stages skipped).
  const auto second = testing::run_command(bin + args + " --validate 0 --nb201 0");
  EXPECT_NE(second.output.find("(0 measured, 112 from an earlier run)"), std::string::npos)
      << second.output;
  const auto other = testing::run_command(bin + args + " --validate 0 --nb201 0 --threads 2");
  EXPECT_EQ(other.status, 2) << other.output;
  EXPECT_NE(other.output.find("threads 1 in the file, 2 now"), std::string::npos) << other.output;

  write_text_file(dir + "/arch.json", R"({"space": "fbnet", "setting": "cifar10", "op_idx_list": )"
                                      "[8,8,1,8,4,8,8,8,1,4,1,4,8,8,8,8,8,8,4,8,4,8]}");
  const auto one = testing::run_command(bin + " --measure-arch " + dir + "/arch.json --lut " + dir +
                                        "/host_cpu_latency.json");
  ASSERT_EQ(one.status, 0) << one.output;
  // Timed with the LUT's settings (2 repetitions).
  EXPECT_NE(one.output.find("timed in 2 rounds of 1 network(s)"), std::string::npos) << one.output;
  EXPECT_NE(one.output.find("LUT sum"), std::string::npos) << one.output;
}

}  // namespace
}  // namespace hwnas
