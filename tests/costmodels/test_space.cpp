#include <gtest/gtest.h>

#include "costmodels/arch_report.h"
#include "costmodels/space.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

using testing::error_of;

const char* kHelpArch0Names =
    "k5_e6,skip,k3_e1_g2,skip,k5_e1,skip,skip,skip,k5_e6,k5_e1,k3_e1_g2,k5_e1,k5_e6,k3_e6,k3_e3,"
    "k5_e6,k3_e6,k3_e3,k5_e1,k3_e3,k5_e1,k5_e1_g2";

TEST(Space, FbnetNamesAndIndicesRoundTrip) {
  const Arch arch = parse_fbnet_arch(kHelpArch0Names);
  EXPECT_EQ(arch.ops, (std::vector<int>{7, 8, 1, 8, 4, 8, 8, 8, 7, 4, 1, 4, 7, 3, 2, 7, 3, 2, 4, 2,
                                        4, 5}));
  EXPECT_EQ(fbnet_arch_names(arch), kHelpArch0Names);
  EXPECT_EQ(parse_fbnet_arch(fbnet_arch_indices(arch)), arch);
  // A pasted Python list (HW-NAS-Bench op_idx_list / arch_str) parses too.
  EXPECT_EQ(parse_fbnet_arch("[7, 8, 1, 8, 4, 8, 8, 8, 7, 4, 1, 4, 7, 3, 2, 7, 3, 2, 4, 2, 4, 5]"),
            arch);
  EXPECT_EQ(parse_fbnet_arch("['k5_e6', 'skip', 'k3_e1_g2', 'skip', 'k5_e1', 'skip', 'skip', "
                             "'skip', 'k5_e6', 'k5_e1', 'k3_e1_g2', 'k5_e1', 'k5_e6', 'k3_e6', "
                             "'k3_e3', 'k5_e6', 'k3_e6', 'k3_e3', 'k5_e1', 'k3_e3', 'k5_e1', "
                             "'k5_e1_g2']"),
            arch);
}

TEST(Space, FbnetErrorsNameTheInput) {
  EXPECT_EQ(error_of([] { parse_fbnet_arch("0,1,2"); }),
            "fbnet architecture '0,1,2' has 3 entries, expected 22 (one per layer)");
  EXPECT_EQ(error_of([] { parse_fbnet_arch("0,k7_e1"); }),
            "fbnet architecture '0,k7_e1': entry 1 is 'k7_e1', expected an index 0..8 or one of "
            "k3_e1, k3_e1_g2, k3_e3, k3_e6, k5_e1, k5_e1_g2, k5_e3, k5_e6, skip");
  EXPECT_EQ(error_of([] { parse_fbnet_arch("9"); }),
            "fbnet architecture '9': entry 0 is '9', expected an index 0..8 or one of k3_e1, "
            "k3_e1_g2, k3_e3, k3_e6, k5_e1, k5_e1_g2, k5_e3, k5_e6, skip");
  EXPECT_EQ(error_of([] { validate(Arch{Space::FBNet, std::vector<int>(22, -1)}); }),
            "fbnet architecture: choice 0 is -1, expected 0..8");
}

// "-1,-1,..." used to be read as 22 times "1": '-' was a separator anywhere. Every entry is now a
// whole name or a whole digits-only index; the separators are one kind per string.
TEST(Space, FbnetEntriesAreWholeTokens) {
  const auto repeat = [](const std::string& entry, const std::string& separator, int n = 22) {
    std::string out;
    for (int i = 0; i < n; ++i) out += (i ? separator : "") + entry;
    return out;
  };
  const auto entry_error = [](const std::string& text, int entry, const std::string& shown) {
    return "fbnet architecture '" + text + "': entry " + std::to_string(entry) + " is " + shown +
           ", expected an index 0..8 or one of k3_e1, k3_e1_g2, k3_e3, k3_e6, k5_e1, k5_e1_g2, "
           "k5_e3, k5_e6, skip";
  };
  for (const std::string bad : {"-1", "+1", "1e30", "99999999999", "1.0", "0x1", "k3_e1x", "'1"}) {
    const std::string text = repeat(bad, ",");
    EXPECT_EQ(error_of([&] { parse_fbnet_arch(text); }), entry_error(text, 0, "'" + bad + "'"));
  }
  const std::string dashes = repeat("-1", "");  // "-1-1-1...": '-' separated, the first empty
  EXPECT_EQ(error_of([&] { parse_fbnet_arch(dashes); }), entry_error(dashes, 0, "empty"));
  const std::string trailing = repeat("1", ",") + ",";
  EXPECT_EQ(error_of([&] { parse_fbnet_arch(trailing); }), entry_error(trailing, 22, "empty"));
  const std::string doubled = "1,," + repeat("1", ",", 21);
  EXPECT_EQ(error_of([&] { parse_fbnet_arch(doubled); }), entry_error(doubled, 1, "empty"));
  const std::string mixed = "1, 2 3," + repeat("1", ",", 20);  // commas rule: "2 3" is one entry
  EXPECT_EQ(error_of([&] { parse_fbnet_arch(mixed); }), entry_error(mixed, 1, "'2 3'"));

  // The forms that do parse: commas, whitespace (HELP), '-' between names (the profiler's CSV).
  const Arch skips{Space::FBNet, std::vector<int>(22, kFbnetSkip)};
  EXPECT_EQ(parse_fbnet_arch(repeat("8", " , ")), skips);
  EXPECT_EQ(parse_fbnet_arch(repeat("8", " ")), skips);
  EXPECT_EQ(parse_fbnet_arch(repeat("skip", "-")), skips);
  EXPECT_EQ(parse_fbnet_arch("[" + repeat("\"skip\"", ", ") + "]"), skips);
}

TEST(Space, Nb201InputNodeIsExact) {
  // "~+0" splits the node groups first ('+' joins them) and fails there.
  EXPECT_NE(error_of([] { parse_nb201_string("|none~+0|+|none~0|none~1|+|none~0|none~1|none~2|"); }),
            "(no error)");
  for (const std::string from : {" 0", "00", "0 ", "-0"}) {
    const std::string text = "|none~" + from + "|+|none~0|none~1|+|none~0|none~1|none~2|";
    EXPECT_NE(error_of([&] { parse_nb201_string(text); })
                  .find("edge 'none~" + from + "' should read op~0"),
              std::string::npos)
        << text;
  }
}

// hwnas_query --arch: the NB201 index is digits only, the text shown as given.
TEST(Space, Nb201IndexArgumentIsStrict) {
  EXPECT_EQ(parse_arch_argument(testing::library(), Space::NB201, "0"),
            testing::library().nb201().arch_at(0));
  for (const std::string big : {"15625", "99999999999"}) {
    EXPECT_EQ(error_of([&] { parse_arch_argument(testing::library(), Space::NB201, big); }),
              "nb201 index " + big + " is out of range 0..15624");
  }
  for (const std::string bad : {"-1", "+12", "1e30", "12abc", "1.0", ""}) {
    EXPECT_EQ(error_of([&] { parse_arch_argument(testing::library(), Space::NB201, bad); }),
              "nb201 architecture '" + bad +
                  "': expected an index 0..15624 (digits only) or a string "
                  "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|");
  }
}

TEST(Space, Nb201StringRoundTrip) {
  const std::string text =
      "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|"
      "skip_connect~2|";
  const Arch arch = parse_nb201_string(text);
  EXPECT_EQ(arch.ops, (std::vector<int>{4, 2, 1, 2, 1, 1}));
  EXPECT_EQ(nb201_string(arch), text);
  for (int code = 0; code < kNb201Archs; ++code) {
    const Arch a = nb201_from_code(code);
    ASSERT_EQ(nb201_code(a), code);
    ASSERT_EQ(parse_nb201_string(nb201_string(a)), a);
  }
}

TEST(Space, Nb201MalformedStrings) {
  EXPECT_EQ(error_of([] { parse_nb201_string("|none~0|+|none~0|none~1|"); }),
            "nb201 architecture '|none~0|+|none~0|none~1|': 2 node groups, expected 3; expected "
            "|op~0|+|op~0|op~1|+|op~0|op~1|op~2| with op one of none, skip_connect, nor_conv_1x1, "
            "nor_conv_3x3, avg_pool_3x3");
  EXPECT_NE(error_of([] { parse_nb201_string("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"); })
                .find("unknown op 'conv'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_nb201_string("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|"); })
                .find("edge 'none~1' should read op~0"),
            std::string::npos);
}

TEST(Space, Nb201IndexFollowsTheTablesNotBase5) {
  const Nb201Tables& t = testing::library().nb201();
  EXPECT_EQ(t.index_of(parse_nb201_string(
                "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|"
                "skip_connect~2|")),
            0);
  bool some_differs = false;
  for (int index = 0; index < kNb201Archs; ++index) {
    const Arch arch = t.arch_at(index);
    ASSERT_EQ(t.index_of(arch), index);
    some_differs |= nb201_code(arch) != index;
  }
  EXPECT_TRUE(some_differs);
  EXPECT_EQ(error_of([&] { t.arch_at(15625); }), "nb201 index 15625 is out of range 0..15624");
}

TEST(CostKey, ParseAndPrint) {
  EXPECT_EQ(parse_cost_key("eyeriss_arithmetic_intensity").device, "eyeriss");
  EXPECT_EQ(parse_cost_key("eyeriss_arithmetic_intensity").metric, Metric::ArithmeticIntensity);
  EXPECT_EQ(parse_cost_key("titan_rtx_32_latency").device, "titan_rtx_32");
  EXPECT_EQ(parse_cost_key("fpga_energy").to_string(), "fpga_energy");
  EXPECT_EQ(error_of([] { parse_cost_key("edgegpu"); }),
            "'edgegpu' is not a device metric; expected DEVICE_METRIC with METRIC one of latency, "
            "energy, arithmetic_intensity (e.g. edgegpu_latency; --list shows them all)");
}

}  // namespace
}  // namespace hwnas
