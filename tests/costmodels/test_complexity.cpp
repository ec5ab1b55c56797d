#include <gtest/gtest.h>

#include "core/strings.h"
#include "costmodels/complexity.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

Arch nb201_ops(const std::string& ops_with_bars) {
  Arch arch{Space::NB201, {}};
  for (std::string_view op : split(ops_with_bars, '|')) {
    for (int i = 0; i < kNb201Ops; ++i) {
      if (op == kNb201OpNames[i]) arch.ops.push_back(i);
    }
  }
  return arch;
}

// Published NAS-Bench-201 cifar10 FLOPs (the 'flop' column of HW-NAS-Visualization's
// results/alldata.csv, NinaHerrmann/HW-NAS-Visualization; all 12,554 rows agree with
// nb201_complexity, these six are pinned). Ops in edge order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2.
TEST(Complexity, Nb201FlopsMatchPublishedValues) {
  const std::vector<std::pair<std::string, double>> published = {
      {"avg_pool_3x3|none|none|skip_connect|nor_conv_1x1|avg_pool_3x3", 11.71521},
      {"skip_connect|none|nor_conv_3x3|nor_conv_3x3|none|none", 78.56193},
      {"nor_conv_1x1|none|skip_connect|none|none|avg_pool_3x3", 11.71521},
      {"skip_connect|nor_conv_3x3|nor_conv_3x3|nor_conv_1x1|nor_conv_1x1|nor_conv_1x1", 90.35841},
      {"nor_conv_1x1|skip_connect|skip_connect|avg_pool_3x3|nor_conv_1x1|avg_pool_3x3", 15.64737},
      {"skip_connect|nor_conv_1x1|avg_pool_3x3|nor_conv_3x3|avg_pool_3x3|none", 47.10465},
  };
  for (const auto& [ops, mflops] : published) {
    const Arch arch = nb201_ops(ops);
    ASSERT_EQ(arch.ops.size(), 6u) << ops;
    EXPECT_NEAR(nb201_complexity(arch).mflops, mflops, 1e-9) << ops;
  }
}

// NAS-Bench-201's parameter range on CIFAR-10: 0.07 MB (all none) to 1.53 MB (all 3x3 convs).
TEST(Complexity, Nb201ParamsAtTheEndsOfTheSpace) {
  EXPECT_NEAR(nb201_complexity(Arch{Space::NB201, std::vector<int>(6, kNone)}).mparams, 0.073306,
              1e-12);
  EXPECT_NEAR(nb201_complexity(Arch{Space::NB201, std::vector<int>(6, kNorConv3x3)}).mparams,
              1.531546, 1e-12);
}

// Values from an independent PyTorch build of the HW-NAS-Bench FBNet blocks (Debian
// python3-torch 1.13): FLOPs by forward hooks on Conv2d/Linear, params by numel.
TEST(Complexity, FbnetMatchesPyTorchCount) {
  const Arch all_k3_e1{Space::FBNet, std::vector<int>(22, 0)};
  const Arch all_skip{Space::FBNet, std::vector<int>(22, kFbnetSkip)};
  const Arch help0{Space::FBNet, {7, 8, 1, 8, 4, 8, 8, 8, 7, 4, 1, 4, 7, 3, 2, 7, 3, 2, 4, 2, 4, 5}};
  struct Case {
    const Arch& arch;
    FbnetSetting setting;
    double mflops, mparams;
  };
  for (const Case& c : std::vector<Case>{
           {all_k3_e1, FbnetSetting::Cifar100, 31.32234, 1.170676},
           {all_k3_e1, FbnetSetting::ImageNet, 118.372152, 3.175096},
           {all_k3_e1, FbnetSetting::Cifar10, 31.18689, 1.035226},
           {all_skip, FbnetSetting::Cifar100, 11.60906, 0.78066},
           {all_skip, FbnetSetting::ImageNet, 49.420136, 2.78508},
           {help0, FbnetSetting::Cifar100, 67.605476, 1.7905},
           {help0, FbnetSetting::ImageNet, 272.389736, 3.79492},
           {help0, FbnetSetting::Cifar10, 67.470026, 1.65505},
       }) {
    const Complexity got = fbnet_complexity(c.arch, c.setting);
    EXPECT_NEAR(got.mflops, c.mflops, 1e-9) << to_string(c.setting);
    EXPECT_NEAR(got.mparams, c.mparams, 1e-12) << to_string(c.setting);
  }
}

}  // namespace
}  // namespace hwnas
