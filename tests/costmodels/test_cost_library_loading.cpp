// CostLibrary::load_on_first_use: the NB201 tables are read by their first use only, once, from
// any thread, with the same results and the same errors as load() gives at its start.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "core/paths.h"
#include "costmodels/cost_library.h"
#include "support/library_fixture.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

// A copy of the data folder without the NB201 CSVs: what is not there cannot have been read.
class WithoutNb201Tables : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::copy(data_dir(), dir_, std::filesystem::copy_options::recursive);
    std::filesystem::remove(dir_ + "/hw-nas-bench/nb201_cifar10.csv");
  }
  const testing::TempDir temp_{"library_loading"};
  const std::string dir_ = temp_ / "data";
  const std::string missing_ = dir_ + "/hw-nas-bench/nb201_cifar10.csv: no such file (set "
                               "HWNAS_DATA_DIR to the folder holding the hwnas tables)";
};

TEST_F(WithoutNb201Tables, LoadFailsAtOnceAsBefore) {
  EXPECT_EQ(testing::error_of([&] { CostLibrary::load(dir_); }), missing_);
}

TEST_F(WithoutNb201Tables, OnFirstUseServesFbnetAndFailsAtTheFirstNb201Use) {
  const auto library = CostLibrary::load_on_first_use(dir_);
  const Arch arch = testing::fbnet(std::vector<int>(22, 3));
  for (const auto& model : library->all_models(Space::FBNet, "cifar100")) {
    EXPECT_EQ(model->cost(arch),
              testing::library().model(Space::FBNet, "cifar100", model->key())->cost(arch));
  }
  EXPECT_EQ(testing::error_of([&] { library->nb201(); }), missing_);
  EXPECT_EQ(testing::error_of([&] { library->keys(Space::NB201); }), missing_);
  // A failed read is no empty table: every later use fails the same way.
  const CostKey fpga_energy = parse_cost_key("fpga_energy");
  EXPECT_EQ(testing::error_of([&] { library->model(Space::NB201, "cifar10", fpga_energy); }),
            missing_);
}

TEST(CostLibraryOnFirstUse, GivesTheSameNb201ValuesOnceToEveryThread) {
  const auto library = CostLibrary::load_on_first_use();
  std::vector<const Nb201Tables*> seen(4, nullptr);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] { seen[t] = &library->nb201(); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto* tables : seen) EXPECT_EQ(tables, seen[0]);  // read once, shared
  const auto& eager = testing::library();
  ASSERT_EQ(library->keys(Space::NB201).size(), eager.keys(Space::NB201).size());
  for (const CostKey& key : eager.keys(Space::NB201)) {
    EXPECT_EQ(library->nb201().column(key).known, eager.nb201().column(key).known)
        << key.to_string();
  }
  for (int index : {0, 1, 777, 15624}) {
    const Arch arch = eager.nb201().arch_at(index);
    EXPECT_EQ(library->nb201().arch_at(index), arch);
    EXPECT_EQ(library->nb201().accuracy(arch, Nb201Dataset::Cifar100),
              eager.nb201().accuracy(arch, Nb201Dataset::Cifar100));
    EXPECT_EQ(library->nb201().cost(arch, parse_cost_key("raspi4_latency")),
              eager.nb201().cost(arch, parse_cost_key("raspi4_latency")));
  }
}

}  // namespace
}  // namespace hwnas
