// arch.json as hwnas_train, hwnas_profile --measure-arch and the analyses read it: every form is
// parsed strictly and the forms a file gives must agree.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/paths.h"
#include "costmodels/arch_report.h"
#include "support/library_fixture.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::library;

class ArchJson : public ::testing::Test {
 protected:
  // Writes `json` as arch.json and returns the error of reading it ("(no error)" when it reads).
  std::string error(const std::string& json) {
    write_text_file(path_, json);
    return error_of([&] { ArchFile::read(path_, library()); });
  }
  ArchFile read(const std::string& json) {
    write_text_file(path_, json);
    return ArchFile::read(path_, library());
  }
  // 22 fbnet entries: `first` then 21 times 8.
  static std::string ops(const std::string& first) {
    std::string out = "[" + first;
    for (int i = 1; i < 22; ++i) out += ",8";
    return out + "]";
  }

  const testing::TempDir temp_{"arch_json"};
  const std::string path_ = temp_ / "arch.json";
};

constexpr const char* kFbnet = R"({"space": "fbnet", "setting": "cifar10", )";
constexpr const char* kNb201 = R"({"space": "nb201", "setting": "cifar10", )";
constexpr const char* kNb201Index0 =
    "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|"
    "skip_connect~2|";

// nlohmann's get<int> truncated 1.5 to 1 and turned 1e30 into -2147483648.
TEST_F(ArchJson, OpIndicesAreIntegersInRange) {
  EXPECT_EQ(read(std::string(kFbnet) + R"("op_idx_list": )" + ops("3") + "}").arch.ops[0], 3);
  for (const std::string bad : {"1.5", "1e30", "-1", "9", "\"3\"", "true", "18446744073709551615"}) {
    const std::string shown = nlohmann::json::parse(bad).dump();
    EXPECT_EQ(error(std::string(kFbnet) + R"("op_idx_list": )" + ops(bad) + "}"),
              path_ + ": 'op_idx_list' entry 0 is " + shown + ", expected an integer 0..8")
        << bad;
  }
  EXPECT_EQ(error(std::string(kFbnet) + R"("op_idx_list": [1,2]})"),
            path_ + ": 'op_idx_list' has 2 entries, expected a list of 22 integers 0..8");
  EXPECT_EQ(error(std::string(kNb201) + R"("ops": [3,1,0,2,4,2.0]})"),
            path_ + ": 'ops' entry 5 is 2.0, expected an integer 0..4");
}

TEST_F(ArchJson, FbnetArchStrMustAgreeWithOpIdxList) {
  std::string names = "[\"k3_e6\"";
  for (int i = 1; i < 22; ++i) names += ",\"skip\"";
  names += "]";
  const ArchFile both =
      read(std::string(kFbnet) + R"("op_idx_list": )" + ops("3") + R"(, "arch_str": )" + names + "}");
  EXPECT_EQ(both.arch.ops[0], 3);
  EXPECT_EQ(read(std::string(kFbnet) + R"("arch_str": )" + names + "}").arch, both.arch);
  EXPECT_EQ(error(std::string(kFbnet) + R"("op_idx_list": )" + ops("2") + R"(, "arch_str": )" +
                  names + "}"),
            path_ + ": 'arch_str' (3,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8) and 'op_idx_list' "
                    "(2,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8,8) are different architectures; "
                    "give one form, or the same arch in each");
  EXPECT_EQ(error(std::string(kFbnet) + R"("arch_str": ["k3_e6", 3]})"),
            path_ + ": 'arch_str' has 2 entries, expected a list of 22 names of k3_e1, k3_e1_g2, "
                    "k3_e3, k3_e6, k5_e1, k5_e1_g2, k5_e3, k5_e6, skip");
}

TEST_F(ArchJson, Nb201IndexAndArchStrAreCheckedAndMustAgree) {
  const ArchFile by_index = read(std::string(kNb201) + R"("index": 0})");
  EXPECT_EQ(nb201_string(by_index.arch), kNb201Index0);
  EXPECT_EQ(read(std::string(kNb201) + R"("arch_str": ")" + kNb201Index0 + R"("})").arch,
            by_index.arch);
  EXPECT_EQ(error(std::string(kNb201) + R"("index": 999999})"),
            path_ + ": 'index' is 999999, expected an integer 0..15624");
  EXPECT_EQ(error(std::string(kNb201) + R"("index": 12.5})"),
            path_ + ": 'index' is 12.5, expected an integer 0..15624");
  EXPECT_EQ(error(std::string(kNb201) + R"("arch_str": "|foo~0|"})"),
            path_ + ": 'arch_str': nb201 architecture '|foo~0|': 1 node groups, expected 3; "
                    "expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with op one of none, "
                    "skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3");
  EXPECT_EQ(error(std::string(kNb201) + R"("ops": [3,1,0,2,4,1], "index": 0})"),
            path_ + ": 'index' (" + kNb201Index0 + ") and 'ops' (|nor_conv_3x3~0|+|skip_connect~0|"
                    "none~1|+|nor_conv_1x1~0|avg_pool_3x3~1|skip_connect~2|) are different "
                    "architectures; give one form, or the same arch in each");
}

TEST_F(ArchJson, WhatASearchWritesReadsBack) {
  for (const Arch& arch : {library().nb201().arch_at(123), testing::fbnet(std::vector<int>(22, 5))}) {
    const std::string json = make_arch_report(library(), arch, "cifar10").to_json();
    EXPECT_EQ(read(json).arch, arch) << json;
  }
}

TEST_F(ArchJson, MissingKeysAndFilesAreNamed) {
  EXPECT_EQ(error(R"({"space": "fbnet"})"),
            path_ + ": no key 'setting'; expected space, setting and the arch as op_idx_list or "
                    "arch_str (fbnet), ops, index or arch_str (nb201)");
  EXPECT_EQ(error(std::string(kFbnet) + R"("ops": [1]})"),
            path_ + ": no architecture; expected space, setting and the arch as op_idx_list or "
                    "arch_str (fbnet), ops, index or arch_str (nb201)");
  EXPECT_EQ(error(R"({"space": "fbnet", "setting": "cifar1000", "op_idx_list": []})"),
            path_ + ": unknown fbnet setting 'cifar1000'; known: cifar100, cifar10, ImageNet");
  EXPECT_EQ(error_of([&] { ArchFile::read(temp_ / "absent.json", library()); }),
            temp_ / "absent.json" + ": no such file");
}

}  // namespace
}  // namespace hwnas
