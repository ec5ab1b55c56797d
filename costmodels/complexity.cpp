#include "costmodels/complexity.h"

#include "core/error.h"

namespace hwnas {

namespace {

// Accumulates in exact integers; converted to millions once at the end.
struct Counter {
  long long flops = 0;
  long long params = 0;

  void conv(int cin, int cout, int kernel, int groups, int out_hw) {
    const long long weights = static_cast<long long>(kernel) * kernel * cin / groups * cout;
    flops += weights * out_hw * out_hw;
    params += weights;
  }
  void batch_norm(int channels) { params += 2LL * channels; }
  void linear(int in, int out) {
    flops += static_cast<long long>(in) * out + out;
    params += static_cast<long long>(in) * out + out;
  }
  Complexity millions() const { return {flops / 1e6, params / 1e6}; }
};

}  // namespace

Complexity fbnet_complexity(const Arch& arch, FbnetSetting setting) {
  if (arch.space != Space::FBNet) throw InputError("fbnet_complexity: not an fbnet architecture");
  validate(arch);
  const FbnetMacro& m = fbnet_macro(setting);
  Counter c;
  c.conv(3, m.stem_channels, 3, 1, m.stem_out_hw());
  c.batch_norm(m.stem_channels);
  for (int l = 0; l < kFbnetLayers; ++l) {
    const FbnetLayerShape& s = m.layers[l];
    const FbnetCandidate& op = kFbnetCandidates[arch.ops[l]];
    if (op.skip) {
      if (s.stride != 1 || s.cin != s.cout) {  // 1x1 conv + BN when the shape changes
        c.conv(s.cin, s.cout, 1, 1, s.out_hw());
        c.batch_norm(s.cout);
      }
      continue;
    }
    const int mid = s.cin * op.expansion;
    c.conv(s.cin, mid, 1, op.group, s.in_hw);
    c.batch_norm(mid);
    c.conv(mid, mid, op.kernel, /*groups=*/mid, s.out_hw());  // depthwise
    c.batch_norm(mid);
    c.conv(mid, s.cout, 1, op.group, s.out_hw());
    c.batch_norm(s.cout);
  }
  c.conv(m.layers.back().cout, m.head_channels, 1, 1, m.final_hw());
  c.batch_norm(m.head_channels);
  c.linear(m.head_channels, m.num_classes);
  return c.millions();
}

Complexity nb201_complexity(const Arch& arch, int num_classes) {
  if (arch.space != Space::NB201) throw InputError("nb201_complexity: not an nb201 architecture");
  validate(arch);
  Counter c;
  int channels = 16;
  int hw = 32;
  c.conv(3, channels, 3, 1, hw);  // stem
  c.batch_norm(channels);
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {  // ResNet reduction block: two 3x3 ReLU-Conv-BN, avg-pool + 1x1 shortcut
      const int cin = channels;
      channels *= 2;
      hw /= 2;
      c.conv(cin, channels, 3, 1, hw);
      c.batch_norm(channels);
      c.conv(channels, channels, 3, 1, hw);
      c.batch_norm(channels);
      c.conv(cin, channels, 1, 1, hw);
    }
    for (int cell = 0; cell < 5; ++cell) {
      for (int op : arch.ops) {
        if (op == kNorConv1x1 || op == kNorConv3x3) {
          c.conv(channels, channels, op == kNorConv3x3 ? 3 : 1, 1, hw);
          c.batch_norm(channels);
        }
      }
    }
  }
  c.batch_norm(channels);  // last BN before the global pool
  c.linear(channels, num_classes);
  return c.millions();
}

}  // namespace hwnas
