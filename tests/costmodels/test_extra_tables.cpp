// Profiled and fitted devices: extra LUT files (the HW-NAS-Bench format plus a metadata object)
// loaded next to the published tables, as searches load them through `cost_tables:`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/paths.h"
#include "costmodels/arch_report.h"
#include "costmodels/cost_library.h"
#include "costmodels/fbnet_macro.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

// A cifar10-only table for `metric`: every fixed part 1 ms, op o of a layer costs (l + 1) * 0.01 *
// o where l is the last layer with that key (layers of one shape share a key).
std::string write_lut(const std::string& dir, const std::string& metric,
                      const std::string& source) {
  const FbnetMacro& m = fbnet_macro(FbnetSetting::Cifar10);
  nlohmann::ordered_json ops;
  ops[fbnet_stem_key(m)] = 1.0;
  for (int l = 0; l < kFbnetLayers; ++l) {
    for (int o = 0; o < kFbnetChoices; ++o)
      ops[fbnet_layer_key(m.layers[l], o)] = (l + 1) * 0.01 * o;
  }
  ops[fbnet_head_key(m)] = ops[fbnet_pool_key(m)] = ops[fbnet_fc_key(m)] = 1.0;
  nlohmann::ordered_json root;
  root[metric] = ops;
  root["metadata"] = {{"source", source}, {"description", "test machine, 1 thread"}};
  const std::string path = dir + "/" + metric + ".json";
  write_text_file(path, root.dump());
  return path;
}

class ExtraTables : public ::testing::Test {
 protected:
  const testing::TempDir temp_{"extra_tables"};
  const std::string dir_ = temp_.path();
};

TEST_F(ExtraTables, AddDevicesWithTheirOwnCostsAndOrigin) {
  const auto library = CostLibrary::load("", {write_lut(dir_, "host_cpu_latency", "profiled"),
                                              write_lut(dir_, "gold_6226_latency", "fitted")});
  const CostKey host{"host_cpu", Metric::Latency};
  const auto keys = library->keys(Space::FBNet, "cifar10");
  EXPECT_EQ(keys.size(), 10u);  // 8 HW-NAS-Bench metrics + 2
  EXPECT_EQ(keys[8], host);
  EXPECT_EQ(library->keys(Space::FBNet, "cifar100").size(), 8u) << "the extras cover cifar10 only";

  Arch arch{Space::FBNet, std::vector<int>(kFbnetLayers, 2)};
  const auto lut =
      nlohmann::json::parse(read_text_file(dir_ + "/host_cpu_latency.json"))["host_cpu_latency"];
  const FbnetMacro& m = fbnet_macro(FbnetSetting::Cifar10);
  double expected = 1.0;
  for (int l = 0; l < kFbnetLayers; ++l)
    expected += lut[fbnet_layer_key(m.layers[l], 2)].get<double>();
  expected += 3.0;
  EXPECT_NEAR(library->model(Space::FBNet, "cifar10", host)->cost(arch), expected, 1e-12);
  EXPECT_NE(library->model(Space::FBNet, "cifar10", host)
                ->describe()
                .find(dir_ + "/host_cpu_latency.json"),
            std::string::npos);
  // Published metrics are untouched.
  EXPECT_EQ(
      library->model(Space::FBNet, "cifar10", {"fpga", Metric::Latency})->cost(arch),
      CostLibrary::load()->model(Space::FBNet, "cifar10", {"fpga", Metric::Latency})->cost(arch));

  const auto info = library->device_info("gold_6226");
  EXPECT_EQ(info.source, DeviceSource::Fitted);
  EXPECT_EQ(info.description, "test machine, 1 thread [" + dir_ + "/gold_6226_latency.json]");
  EXPECT_EQ(library->device_info("host_cpu").source, DeviceSource::Profiled);
  EXPECT_EQ(library->device_info("edgegpu").source, DeviceSource::HwNasBench);

  // Arch reports (hwnas_query, arch.json) list the extra devices of the arch's setting.
  const auto report = make_arch_report(*library, arch, "cifar10");
  EXPECT_EQ(report.costs.size(), 10u);
  EXPECT_EQ(make_arch_report(*library, arch, "cifar100").costs.size(), 8u);
}

// A profiled or fitted table with a hole is an error when it is loaded, naming the key, not a
// device that silently has no costs for the setting.
TEST_F(ExtraTables, AHoleInAnExtraTableIsAnErrorAtLoad) {
  const std::string path = write_lut(dir_, "host_cpu_latency", "profiled");
  auto root = nlohmann::ordered_json::parse(read_text_file(path));
  const std::string key = fbnet_layer_key(fbnet_macro(FbnetSetting::Cifar10).layers[5], 3);
  ASSERT_EQ(root["host_cpu_latency"].erase(key), 1u);
  write_text_file(path, root.dump());
  EXPECT_EQ(testing::error_of([&] { CostLibrary::load("", {path}); }),
            path + ": the fbnet cifar10 setting is incomplete: host_cpu_latency has no entry '" +
                key + "' (layer 5 k3_e6) (every metric needs every entry of the settings the "
                      "file covers)");
}

TEST_F(ExtraTables, ClearErrors) {
  const std::string lut = write_lut(dir_, "host_cpu_latency", "profiled");
  const auto library = CostLibrary::load("", {lut});
  EXPECT_EQ(testing::error_of([&] {
              library->model(Space::FBNet, "cifar100", {"host_cpu", Metric::Latency});
            }),
            lut + " has no fbnet cifar100 costs (no metric has its entry 'FC_Cin1504_Cout100' "
                  "(classifier)); it covers cifar10");
  const std::string clash = write_lut(dir_, "raspi4_latency", "fitted");
  EXPECT_EQ(testing::error_of([&] { CostLibrary::load("", {clash}); }),
            clash + ": metric 'raspi4_latency' is already defined by " + data_dir() +
                "/hw-nas-bench/fbnet_lut.json; give the profiled or fitted device another name");
  EXPECT_EQ(testing::error_of([&] {
              CostLibrary::load("", {lut, lut});
            }),
            lut + ": metric 'host_cpu_latency' is already defined by " + lut +
                "; give the profiled or fitted device another name");
}

}  // namespace
}  // namespace hwnas
