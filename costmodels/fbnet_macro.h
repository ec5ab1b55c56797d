#pragma once
// The HW-NAS-Bench FBNet macro-architecture: layer shapes per dataset setting and the LUT keys
// HW-NAS-Bench forms from them (a layer's key uses its INPUT height and width).
#include <array>
#include <string>
#include <string_view>

#include "costmodels/space.h"

namespace hwnas {

// cifar10 is the 32x32 setting with a 10-class classifier (FC_Cin1504_Cout10).
enum class FbnetSetting { Cifar100, Cifar10, ImageNet };
constexpr std::array<FbnetSetting, 3> kFbnetSettings = {FbnetSetting::Cifar100,
                                                       FbnetSetting::Cifar10,
                                                       FbnetSetting::ImageNet};

std::string to_string(FbnetSetting setting);  // "cifar100", "cifar10", "ImageNet"
FbnetSetting parse_fbnet_setting(std::string_view name);  // case-insensitive

struct FbnetLayerShape {
  int in_hw;  // input height = width
  int cin;
  int cout;
  int stride;
  int out_hw() const { return stride == 1 ? in_hw : (in_hw + 1) / 2; }
};

struct FbnetMacro {
  FbnetSetting setting;
  int input_hw;       // 32 or 224
  int stem_channels;  // 16
  int stem_stride;    // 1 or 2
  int head_channels;  // 1504 or 1984
  int num_classes;    // 100, 10 or 1000
  std::array<FbnetLayerShape, kFbnetLayers> layers;
  int stem_out_hw() const { return input_hw / stem_stride; }
  int final_hw() const { return layers.back().out_hw(); }
};

const FbnetMacro& fbnet_macro(FbnetSetting setting);

std::string fbnet_stem_key(const FbnetMacro& macro);
std::string fbnet_layer_key(const FbnetLayerShape& layer, int op);
std::string fbnet_head_key(const FbnetMacro& macro);
std::string fbnet_pool_key(const FbnetMacro& macro);
std::string fbnet_fc_key(const FbnetMacro& macro);

}  // namespace hwnas
