// Corrupt data files give DataErrors that name the file and the place.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"
#include "support/library_fixture.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::error_of;

// A scratch copy of the data folder in which one file can be damaged.
class DamagedData : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* sub : {"hw-nas-bench", "help", "nas-bench-201"}) {
      std::filesystem::create_directories(dir_ + "/" + sub);
    }
    for (const char* file : {"hw-nas-bench/fbnet_lut.json", "hw-nas-bench/nb201_cifar10.csv",
                             "help/nb201_cifar10_latency.csv", "nas-bench-201/nb201_accuracy.csv"}) {
      write(file, read_text_file(data_dir() + "/" + file));
    }
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << text;
  }
  std::string read(const std::string& name) { return read_text_file(dir_ + "/" + name); }
  std::string load_error() {
    return error_of([&] { CostLibrary::load(dir_); });
  }

  const testing::TempDir temp_{"bad_data"};
  const std::string dir_ = temp_.path();
};

TEST_F(DamagedData, IntactCopyLoads) { EXPECT_EQ(load_error(), "(no error)"); }

TEST_F(DamagedData, TruncatedCsvNamesTheLine) {
  const std::string text = read("hw-nas-bench/nb201_cifar10.csv");
  write("hw-nas-bench/nb201_cifar10.csv", text.substr(0, text.size() / 2));
  const std::string error = load_error();
  EXPECT_NE(error.find(dir_ + "/hw-nas-bench/nb201_cifar10.csv:"), std::string::npos) << error;
  EXPECT_NE(error.find("truncated file?"), std::string::npos) << error;
}

TEST_F(DamagedData, MissingRowsAreCounted) {
  const std::string text = read("nas-bench-201/nb201_accuracy.csv");
  write("nas-bench-201/nb201_accuracy.csv", text.substr(0, text.rfind('\n', text.size() - 2) + 1));
  EXPECT_EQ(load_error(),
            dir_ + "/nas-bench-201/nb201_accuracy.csv: 15624 data rows, expected 15625");
}

TEST_F(DamagedData, NanInCsvIsRejected) {
  std::string text = read("help/nb201_cifar10_latency.csv");
  const size_t line2 = text.find('\n') + 1;
  const size_t comma = text.find(',', text.find(',', line2) + 1);  // after index and arch
  text.replace(comma + 1, text.find(',', comma + 1) - comma - 1, "nan");
  write("help/nb201_cifar10_latency.csv", text);
  EXPECT_EQ(load_error(), dir_ + "/help/nb201_cifar10_latency.csv:2: column '1080ti_1' holds "
                                 "'nan', expected a finite number or an empty cell");
}

TEST_F(DamagedData, DisagreeingArchColumnIsRejected) {
  std::string text = read("nas-bench-201/nb201_accuracy.csv");
  const size_t at = text.find("avg_pool_3x3~0");
  text.replace(at, 14, "nor_conv_3x3~0");
  write("nas-bench-201/nb201_accuracy.csv", text);
  EXPECT_NE(load_error().find("disagrees with the HW-NAS-Bench table's index/arch columns"),
            std::string::npos);
}

// Removes `key`'s entry from every metric of the LUT text (or the first one only).
std::string without_lut_key(std::string text, const std::string& key, bool first_only = false) {
  const std::string quoted = "\"" + key + "\": ";
  for (size_t at = text.find(quoted); at != std::string::npos; at = text.find(quoted)) {
    const size_t end = text.find_first_of(",}", at);
    if (text[end] == ',') {
      text.erase(at, end + 1 - at);
    } else {  // the last entry of its object: drop the comma before it instead
      const size_t comma = text.rfind(',', at);
      text.erase(comma, end - comma);
    }
    if (first_only) break;
  }
  return text;
}

// One missing key used to drop the setting from the whole library: hwnas_query printed an empty
// metric table and hwnas_train wrote "costs": {}. It is the file's error, at load.
TEST_F(DamagedData, OneMissingLutKeyIsAnErrorAtLoad) {
  const std::string key = "ConvBlock_H32_W32_Cin16_Cout16_exp1_kernel3_stride1_group1";
  write("hw-nas-bench/fbnet_lut.json",
        without_lut_key(read("hw-nas-bench/fbnet_lut.json"), key, /*first_only=*/true));
  EXPECT_EQ(load_error(), dir_ + "/hw-nas-bench/fbnet_lut.json: the fbnet cifar100 setting is "
                                 "incomplete: edgegpu_latency has no entry '" + key +
                                 "' (layer 0 k3_e1) (every metric needs every entry of the "
                                 "settings the file covers)");
}

TEST_F(DamagedData, MissingClassifierOfOneSettingIsAnErrorAtLoad) {
  // The ImageNet layers are there, its classifier is not: an incomplete setting, not an absent one.
  write("hw-nas-bench/fbnet_lut.json",
        without_lut_key(read("hw-nas-bench/fbnet_lut.json"), "FC_Cin1984_Cout1000"));
  EXPECT_EQ(load_error(), dir_ + "/hw-nas-bench/fbnet_lut.json: the fbnet ImageNet setting is "
                                 "incomplete: edgegpu_latency has no entry 'FC_Cin1984_Cout1000' "
                                 "(classifier) (every metric needs every entry of the settings the "
                                 "file covers)");
}

TEST_F(DamagedData, ASettingTheFileDoesNotCoverIsNamedWhenAskedFor) {
  // No metric has the cifar10 classifier: the file is a cifar100 + ImageNet table.
  write("hw-nas-bench/fbnet_lut.json",
        without_lut_key(read("hw-nas-bench/fbnet_lut.json"), "FC_Cin1504_Cout10"));
  const auto library = CostLibrary::load(dir_);
  EXPECT_EQ(library->settings(Space::FBNet), (std::vector<std::string>{"cifar100", "ImageNet"}));
  const std::string why = "no fbnet cost table covers the cifar10 setting (" + dir_ +
                          "/hw-nas-bench/fbnet_lut.json); settings: cifar100, ImageNet";
  EXPECT_EQ(error_of([&] { library->keys(Space::FBNet, "cifar10"); }), why);
  EXPECT_EQ(error_of([&] { make_arch_report(*library, testing::fbnet(std::vector<int>(22, 3)),
                                            "cifar10"); }),
            why);
  EXPECT_EQ(error_of([&] {
              library->model(Space::FBNet, "cifar10", parse_cost_key("edgegpu_latency"));
            }),
            dir_ + "/hw-nas-bench/fbnet_lut.json has no fbnet cifar10 costs (no metric has its "
                   "entry 'FC_Cin1504_Cout10' (classifier)); it covers cifar100, ImageNet");
}

TEST_F(DamagedData, NanInLutIsNotJson) {
  std::string text = read("hw-nas-bench/fbnet_lut.json");
  const size_t colon = text.find(": ", text.find("ConvBlock_H112"));
  text.replace(colon + 2, text.find(',', colon) - colon - 2, "NaN");
  write("hw-nas-bench/fbnet_lut.json", text);
  EXPECT_NE(load_error().find(dir_ + "/hw-nas-bench/fbnet_lut.json: not valid JSON"),
            std::string::npos);
}

TEST_F(DamagedData, NegativeLutValueNamesTheEntry) {
  std::string text = read("hw-nas-bench/fbnet_lut.json");
  const size_t at = text.find("\"ConvBlock_H112_W112_Cin16_Cout16_exp1_kernel3_stride1_group1\"");
  const size_t colon = text.find(": ", at);
  text.replace(colon + 2, text.find(',', colon) - colon - 2, "-1.5");
  write("hw-nas-bench/fbnet_lut.json", text);
  EXPECT_EQ(load_error(), dir_ + "/hw-nas-bench/fbnet_lut.json: edgegpu_latency['ConvBlock_H112_"
                                 "W112_Cin16_Cout16_exp1_kernel3_stride1_group1'] is -1.5, "
                                 "expected a finite cost >= 0");
}

TEST_F(DamagedData, MissingFileSaysWhereToLook) {
  std::filesystem::remove(dir_ + "/hw-nas-bench/fbnet_lut.json");
  EXPECT_EQ(load_error(), dir_ + "/hw-nas-bench/fbnet_lut.json: no such file (set HWNAS_DATA_DIR "
                                 "to the folder holding the hwnas tables)");
  std::filesystem::remove(dir_ + "/nas-bench-201/nb201_accuracy.csv");
  write("hw-nas-bench/fbnet_lut.json", read_text_file(data_dir() + "/hw-nas-bench/fbnet_lut.json"));
  EXPECT_EQ(load_error(), dir_ + "/nas-bench-201/nb201_accuracy.csv: no such file (set "
                                 "HWNAS_DATA_DIR to the folder holding the hwnas tables)");
}

TEST_F(DamagedData, TableThatIsADirectorySaysSo) {
  std::filesystem::remove(dir_ + "/hw-nas-bench/fbnet_lut.json");
  std::filesystem::create_directory(dir_ + "/hw-nas-bench/fbnet_lut.json");
  EXPECT_EQ(load_error(), dir_ + "/hw-nas-bench/fbnet_lut.json: is a directory, expected a file");
}

// A file the user names is not a bundled table: no HWNAS_DATA_DIR hint for it.
TEST_F(DamagedData, MissingOrDirectoryExtraTableIsNamedWithoutTheDataHint) {
  EXPECT_EQ(error_of([&] { CostLibrary::load(dir_, {dir_ + "/mine.json"}); }),
            dir_ + "/mine.json: no such file");
  EXPECT_EQ(error_of([&] { CostLibrary::load(dir_, {dir_ + "/help"}); }),
            dir_ + "/help: is a directory, expected a file");
}

TEST_F(DamagedData, CsvWithAByteOrderMarkLoads) {
  write("hw-nas-bench/nb201_cifar10.csv", "\xEF\xBB\xBF" + read("hw-nas-bench/nb201_cifar10.csv"));
  EXPECT_EQ(load_error(), "(no error)");
}

}  // namespace
}  // namespace hwnas
