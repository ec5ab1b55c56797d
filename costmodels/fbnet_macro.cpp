#include "costmodels/fbnet_macro.h"

#include "core/error.h"
#include "core/strings.h"

namespace hwnas {

namespace {

constexpr std::array<int, 7> kStageBlocks = {1, 4, 4, 4, 4, 4, 1};
constexpr std::array<int, 7> kStageChannels = {16, 24, 32, 64, 112, 184, 352};
constexpr std::array<int, 7> kCifarStrides = {1, 1, 2, 2, 1, 2, 1};
constexpr std::array<int, 7> kImageNetStrides = {1, 2, 2, 2, 1, 2, 1};

FbnetMacro make_macro(FbnetSetting setting) {
  const bool imagenet = setting == FbnetSetting::ImageNet;
  FbnetMacro m{};
  m.setting = setting;
  m.input_hw = imagenet ? 224 : 32;
  m.stem_channels = 16;
  m.stem_stride = imagenet ? 2 : 1;
  m.head_channels = imagenet ? 1984 : 1504;
  m.num_classes = imagenet ? 1000 : setting == FbnetSetting::Cifar10 ? 10 : 100;
  const auto& strides = imagenet ? kImageNetStrides : kCifarStrides;
  int hw = m.stem_out_hw();
  int cin = m.stem_channels;
  int layer = 0;
  for (size_t stage = 0; stage < kStageBlocks.size(); ++stage) {
    for (int block = 0; block < kStageBlocks[stage]; ++block) {
      FbnetLayerShape shape{hw, cin, kStageChannels[stage], block == 0 ? strides[stage] : 1};
      m.layers[layer++] = shape;
      hw = shape.out_hw();
      cin = shape.cout;
    }
  }
  return m;
}

std::string hw_part(int hw) {
  return "H" + std::to_string(hw) + "_W" + std::to_string(hw);
}

}  // namespace

std::string to_string(FbnetSetting setting) {
  switch (setting) {
    case FbnetSetting::Cifar100: return "cifar100";
    case FbnetSetting::Cifar10: return "cifar10";
    case FbnetSetting::ImageNet: return "ImageNet";
  }
  return "?";
}

FbnetSetting parse_fbnet_setting(std::string_view name) {
  const std::string lower = to_lower(trim(name));
  for (FbnetSetting s : kFbnetSettings) {
    if (lower == to_lower(to_string(s))) return s;
  }
  throw InputError("unknown fbnet setting '" + std::string(name) +
                   "'; known: cifar100, cifar10, ImageNet");
}

const FbnetMacro& fbnet_macro(FbnetSetting setting) {
  static const std::array<FbnetMacro, 3> macros = {make_macro(FbnetSetting::Cifar100),
                                                   make_macro(FbnetSetting::Cifar10),
                                                   make_macro(FbnetSetting::ImageNet)};
  return macros[static_cast<int>(setting)];
}

std::string fbnet_stem_key(const FbnetMacro& m) {
  return "ConvNorm_" + hw_part(m.input_hw) + "_Cin3_Cout" + std::to_string(m.stem_channels) +
         "_kernel3_stride" + std::to_string(m.stem_stride) + "_group1";
}

std::string fbnet_layer_key(const FbnetLayerShape& l, int op) {
  const FbnetCandidate& c = kFbnetCandidates.at(op);
  const std::string shape = hw_part(l.in_hw) + "_Cin" + std::to_string(l.cin) + "_Cout" +
                            std::to_string(l.cout);
  if (c.skip) return "Skip_" + shape + "_stride" + std::to_string(l.stride);
  return "ConvBlock_" + shape + "_exp" + std::to_string(c.expansion) + "_kernel" +
         std::to_string(c.kernel) + "_stride" + std::to_string(l.stride) + "_group" +
         std::to_string(c.group);
}

std::string fbnet_head_key(const FbnetMacro& m) {
  return "ConvNorm_" + hw_part(m.final_hw()) + "_Cin" + std::to_string(m.layers.back().cout) +
         "_Cout" + std::to_string(m.head_channels) + "_kernel1_stride1_group1";
}

std::string fbnet_pool_key(const FbnetMacro& m) {
  const std::string c = std::to_string(m.head_channels);
  return "AvgP_" + hw_part(m.final_hw()) + "_Cin" + c + "_Cout" + c + "_kernel" +
         std::to_string(m.final_hw()) + "_stride1";
}

std::string fbnet_fc_key(const FbnetMacro& m) {
  return "FC_Cin" + std::to_string(m.head_channels) + "_Cout" + std::to_string(m.num_classes);
}

}  // namespace hwnas
