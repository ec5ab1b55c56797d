#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/paths.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::library;

// Within 1e-9 relative: 27 of the 30 values are bit-identical; edgetpu_latency and
// eyeriss_energy of arch 1 and fpga_energy of arch 2 differ by one ulp, because the shared table
// took them from a CSV export written with 16 significant digits.
TEST(Nb201Tables, ReproducesEveryPublishedTestVector) {
  const auto vectors = nlohmann::json::parse(read_text_file(data_dir() + "/testvectors.json"));
  int checked = 0;
  for (const auto& vector : vectors["nasbench201"]) {
    const Arch arch = library().nb201().arch_at(vector["index"].get<int>());
    for (const auto& [metric, expected] : vector["metrics"].items()) {
      const auto model = library().model(Space::NB201, "cifar10", parse_cost_key(metric));
      EXPECT_NEAR(model->cost(arch), expected.get<double>(), 1e-9 * expected.get<double>())
          << metric;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 30);
}

TEST(Nb201Tables, CoverageIsAsDocumented) {
  const Nb201Tables& t = library().nb201();
  EXPECT_EQ(t.columns().size(), 10u + 23u);
  EXPECT_EQ(t.column(parse_cost_key("edgegpu_latency")).known, 12555);
  EXPECT_EQ(t.column(parse_cost_key("edgetpu_latency")).known, 8787);
  EXPECT_EQ(t.column(parse_cost_key("eyeriss_arithmetic_intensity")).known, 12555);
  for (const char* complete : {"raspi4_latency", "pixel3_latency", "eyeriss_latency",
                               "fpga_latency", "fpga_energy", "2080ti_32_latency",
                               "samsung_s7_latency"}) {
    EXPECT_TRUE(t.column(parse_cost_key(complete)).complete()) << complete;
  }
}

TEST(Nb201Tables, MissingValueIsAnErrorNeverZero) {
  const Nb201Tables& t = library().nb201();
  const auto& column = t.column(parse_cost_key("edgegpu_latency"));
  int code = 0;
  while (!std::isnan(column.by_code[code])) ++code;
  const Arch arch = nb201_from_code(code);
  const auto model = library().model(Space::NB201, "cifar10", parse_cost_key("edgegpu_latency"));
  EXPECT_EQ(error_of([&] { model->cost(arch); }),
            "nb201 edgegpu_latency of " + nb201_string(arch) + " (index " +
                std::to_string(t.index_of(arch)) + ") is unknown: " + column.file +
                " has no value for it (3070 of 15625 archs are unknown for this metric)");
  EXPECT_THROW(t.cost(arch, parse_cost_key("edgegpu_latency")), MissingValueError);
  std::vector<uint8_t> choices(arch.ops.begin(), arch.ops.end());
  double out = 0;
  EXPECT_THROW(model->costs(choices.data(), 1, &out), MissingValueError);
}

// The masking form leaves exactly the unknown values NaN and agrees with costs() elsewhere.
TEST(Nb201Tables, CostsOrNanMasksOnlyTheUnknownValues) {
  std::vector<uint8_t> choices;
  for (int code = 0; code < kNb201Archs; ++code) {
    const Arch arch = nb201_from_code(code);
    choices.insert(choices.end(), arch.ops.begin(), arch.ops.end());
  }
  const auto model = library().model(Space::NB201, "cifar10", parse_cost_key("edgegpu_latency"));
  std::vector<double> out(kNb201Archs, 0.0);
  model->costs_or_nan(choices.data(), kNb201Archs, out.data());
  const auto& column = library().nb201().column(parse_cost_key("edgegpu_latency"));
  int unknown = 0;
  for (int code = 0; code < kNb201Archs; ++code) {
    if (std::isnan(column.by_code[code])) {
      EXPECT_TRUE(std::isnan(out[code])) << code;
      ++unknown;
    } else {
      EXPECT_EQ(out[code], column.by_code[code]) << code;
    }
  }
  EXPECT_EQ(unknown, 3070);
  const uint8_t bad[kNb201Edges] = {0, 1, 2, 3, 4, 5};
  EXPECT_THROW(model->costs_or_nan(bad, 1, out.data()), InputError);
  // A complete model (FBNet) masks nothing: the same values as costs().
  const auto fbnet = library().model(Space::FBNet, "cifar100", parse_cost_key("fpga_latency"));
  const std::vector<uint8_t> arch(kFbnetLayers, 3);
  double a = 0, b = 0;
  fbnet->costs(arch.data(), 1, &a);
  fbnet->costs_or_nan(arch.data(), 1, &b);
  EXPECT_EQ(a, b);
}

TEST(Nb201Tables, AccuraciesOfArchZero) {
  const Arch arch = library().nb201().arch_at(0);
  EXPECT_EQ(library().nb201().accuracy(arch, Nb201Dataset::Cifar10), 85.86333333333334);
  EXPECT_EQ(library().nb201().accuracy(arch, Nb201Dataset::Cifar100), 52.913333294677734);
  EXPECT_EQ(library().nb201().accuracy(arch, Nb201Dataset::ImageNet16_120), 26.6333332739936);
}

TEST(Nb201Tables, HelpDeviceValues) {
  const Arch arch = library().nb201().arch_at(1);
  EXPECT_EQ(library().nb201().cost(arch, parse_cost_key("1080ti_1_latency")), 12.900347709655762);
  EXPECT_EQ(library().nb201().cost(arch, parse_cost_key("samsung_s7_latency")), 62.0);
}

TEST(Nb201Tables, OnlyTheCifar10SettingExists) {
  EXPECT_EQ(error_of([] {
              library().model(Space::NB201, "cifar100", parse_cost_key("fpga_latency"));
            }),
            "nb201 costs exist for the cifar10 setting only, not 'cifar100' (HW-NAS-Bench's "
            "cifar100/ImageNet16-120 NB201 tables are not available)");
}

}  // namespace
}  // namespace hwnas
