#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "core/paths.h"
#include "costmodels/help_fbnet.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

using testing::library;

nlohmann::json test_vectors() {
  return nlohmann::json::parse(read_text_file(data_dir() + "/testvectors.json"));
}

// The HW-NAS-Bench API's published outputs: 3 archs x {cifar100, ImageNet} x 8 metrics. The
// LUT is summed in the API's order, so the values agree to the bit (the issue asks 1e-9).
TEST(FbnetLut, ReproducesEveryPublishedTestVector) {
  int checked = 0;
  const nlohmann::json vectors = test_vectors();
  for (const auto& vector : vectors["fbnet"]) {
    const Arch arch{Space::FBNet, vector["ops"].get<std::vector<int>>()};
    for (const auto& [metric, expected] : vector["metrics"].items()) {
      const auto model =
          library().model(Space::FBNet, vector["dataset"].get<std::string>(), parse_cost_key(metric));
      const double value = model->cost(arch);
      EXPECT_NEAR(value, expected.get<double>(), 1e-9 * expected.get<double>()) << metric;
      EXPECT_EQ(value, expected.get<double>()) << metric << " differs in the last bits";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 48);
}

// HELP's eyeriss/fpga/pixel3/raspi4 columns are HW-NAS-Bench LUT sums for 5,000 archs.
TEST(FbnetLut, EqualsHelpSumsForAllFiveThousandArchs) {
  const auto help = HelpFbnetMeasurements::load(data_dir() + "/help/fbnet_cifar100_latency.csv");
  ASSERT_EQ(help.archs.size(), 5000u);
  for (const std::string device : {"eyeriss", "fpga", "pixel3", "raspi4"}) {
    const auto model = library().model(Space::FBNet, "cifar100", {device, Metric::Latency});
    const auto& column = help.column(device);
    for (size_t i = 0; i < help.archs.size(); ++i) {
      ASSERT_EQ(model->cost(help.archs[i]), column.latency_ms[i]) << device << " arch " << i;
    }
  }
}

TEST(FbnetLut, EverySettingAndMetricIsComplete) {
  EXPECT_EQ(library().settings(Space::FBNet),
            (std::vector<std::string>{"cifar100", "cifar10", "ImageNet"}));
  EXPECT_EQ(library().keys(Space::FBNet).size(), 8u);
  EXPECT_EQ(library().all_models(Space::FBNet, "ImageNet").size(), 8u);
}

TEST(FbnetLut, Cifar10DiffersFromCifar100OnlyInTheClassifier) {
  const CostKey key{"edgegpu", Metric::Latency};
  const auto& c100 = library().fbnet().table(FbnetSetting::Cifar100, key);
  const auto& c10 = library().fbnet().table(FbnetSetting::Cifar10, key);
  EXPECT_EQ(c10.layer, c100.layer);
  EXPECT_EQ(c10.stem, c100.stem);
  EXPECT_EQ(c10.fc, library().fbnet().entry(key, "FC_Cin1504_Cout10"));
  EXPECT_NE(c10.fc, c100.fc);
}

TEST(FbnetLut, LayerKeysUseInputSizes) {
  const FbnetMacro& m = fbnet_macro(FbnetSetting::Cifar100);
  EXPECT_EQ(fbnet_stem_key(m), "ConvNorm_H32_W32_Cin3_Cout16_kernel3_stride1_group1");
  EXPECT_EQ(fbnet_layer_key(m.layers[5], 3),
            "ConvBlock_H32_W32_Cin24_Cout32_exp6_kernel3_stride2_group1");
  EXPECT_EQ(fbnet_layer_key(m.layers[6], 8), "Skip_H16_W16_Cin32_Cout32_stride1");
  EXPECT_EQ(fbnet_head_key(m), "ConvNorm_H4_W4_Cin352_Cout1504_kernel1_stride1_group1");
  EXPECT_EQ(fbnet_pool_key(m), "AvgP_H4_W4_Cin1504_Cout1504_kernel4_stride1");
  const FbnetMacro& imagenet = fbnet_macro(FbnetSetting::ImageNet);
  EXPECT_EQ(fbnet_layer_key(imagenet.layers[21], 8), "Skip_H7_W7_Cin184_Cout352_stride1");
  EXPECT_EQ(fbnet_fc_key(imagenet), "FC_Cin1984_Cout1000");
}

TEST(FbnetLut, BatchEqualsSingleQueries) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> choice(0, kFbnetChoices - 1);
  const size_t n = 100000;  // above the parallel threshold
  std::vector<uint8_t> choices(n * kFbnetLayers);
  for (auto& c : choices) c = static_cast<uint8_t>(choice(rng));
  const auto model = library().model(Space::FBNet, "cifar100", {"raspi4", Metric::Latency});
  std::vector<double> batch(n);
  model->costs(choices.data(), n, batch.data());
  for (size_t i = 0; i < n; i += 997) {
    const Arch arch{Space::FBNet, std::vector<int>(choices.begin() + i * kFbnetLayers,
                                                   choices.begin() + (i + 1) * kFbnetLayers)};
    ASSERT_EQ(batch[i], model->cost(arch));
  }
  choices[5] = 9;
  EXPECT_EQ(testing::error_of([&] { model->costs(choices.data(), 1, batch.data()); }),
            "fbnet batch: architecture 0 has choice 9 at layer 5, expected 0..8");
}

TEST(FbnetLut, UnknownMetricAndSettingListAlternatives) {
  EXPECT_EQ(testing::error_of(
                [] { library().model(Space::FBNet, "cifar100", {"edgetpu", Metric::Latency}); }),
            "fbnet has no metric 'edgetpu_latency' in " + library().fbnet().file() +
                "; known: edgegpu_latency, edgegpu_energy, raspi4_latency, pixel3_latency, "
                "eyeriss_latency, eyeriss_energy, fpga_latency, fpga_energy");
  EXPECT_EQ(testing::error_of(
                [] { library().model(Space::FBNet, "svhn", {"edgegpu", Metric::Latency}); }),
            "unknown fbnet setting 'svhn'; known: cifar100, cifar10, ImageNet");
}

}  // namespace
}  // namespace hwnas
