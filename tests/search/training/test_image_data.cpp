#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/error_of.h"
#include "search/training/image_data.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::error_of;

// Writes `count` records in the official binary layout: label byte(s), then 3x32x32 pixels.
// Record i has fine label i % classes and every pixel equal to i.
void write_records(const std::string& path, int count, int label_bytes, int classes) {
  std::ofstream out(path, std::ios::binary);
  for (int i = 0; i < count; ++i) {
    if (label_bytes == 2) out.put(static_cast<char>(i % 20));  // coarse label, ignored
    out.put(static_cast<char>(i % classes));
    const std::string pixels(3 * 32 * 32, static_cast<char>(i));
    out.write(pixels.data(), pixels.size());
  }
}

class GeneratedCifar : public ::testing::Test {
 protected:
  const testing::TempDir temp_{"image_data"};
  const std::string dir_ = temp_.path();
};

TEST_F(GeneratedCifar, Cifar100UsesTheFineLabel) {
  write_records(dir_ + "/train.bin", 7, /*label_bytes=*/2, /*classes=*/100);
  write_records(dir_ + "/test.bin", 3, 2, 100);
  const ImageSet train = load_cifar(dir_, "cifar100", /*train=*/true);
  EXPECT_EQ(train.size(), 7);
  EXPECT_EQ(train.num_classes, 100);
  EXPECT_EQ(train.labels[5].item<int64_t>(), 5);
  EXPECT_EQ(train.images[6][2][31][31].item<uint8_t>(), 6);
  EXPECT_EQ(load_cifar(dir_, "cifar100", /*train=*/false).size(), 3);
  EXPECT_EQ(load_cifar(dir_, "cifar100", true, /*limit=*/4).size(), 4);
}

TEST_F(GeneratedCifar, Cifar10ReadsTheFiveBatches) {
  for (int b = 1; b <= 5; ++b) {
    write_records(dir_ + "/data_batch_" + std::to_string(b) + ".bin", 2, 1, 10);
  }
  write_records(dir_ + "/test_batch.bin", 2, 1, 10);
  const ImageSet train = load_cifar(dir_, "cifar10", true);
  EXPECT_EQ(train.size(), 10);
  EXPECT_EQ(train.labels[1].item<int64_t>(), 1);
}

TEST_F(GeneratedCifar, BrokenFilesAreNamed) {
  std::ofstream(dir_ + "/train.bin", std::ios::binary) << "short";
  EXPECT_EQ(error_of([&] { load_cifar(dir_, "cifar100", true); }),
            dir_ + "/train.bin: 5 bytes is not a whole number of 3074-byte records (label + "
                   "3x32x32 pixels)");
  EXPECT_EQ(error_of([&] { load_cifar(dir_, "cifar100", false); }),
            "cannot open '" + dir_ + "/test.bin': no such file (CIFAR binary layout expected there)");
  // A relative data.path is resolved against the working directory, and the message says where.
  const std::string absolute = (std::filesystem::current_path() / "no_such_data/test.bin").string();
  EXPECT_EQ(error_of([&] { load_cifar("no_such_data", "cifar100", false); }),
            "cannot open 'no_such_data/test.bin': no such file (= " + absolute +
                "; a relative data.path resolves against the working directory) (CIFAR binary "
                "layout expected there)");
  std::ofstream bad(dir_ + "/test_batch.bin", std::ios::binary);
  bad.put(static_cast<char>(12));  // label 12 is not CIFAR-10
  bad << std::string(3072, '\0');
  bad.close();
  EXPECT_EQ(error_of([&] { load_cifar(dir_, "cifar10", false); }),
            dir_ + ": cifar10 record 0 has label 12, expected 0..9");
}

TEST(ImageBatch, NormalisesAndAugmentsReproducibly) {
  const ImageSet set = make_synthetic_images(16, 10, 32, /*seed=*/1);
  std::mt19937_64 a(9), b(9);
  const std::vector<int64_t> idx = {0, 3, 5, 7};
  const auto x1 = make_image_batch(set, idx, /*augment=*/true, a);
  const auto x2 = make_image_batch(set, idx, /*augment=*/true, b);
  EXPECT_EQ(x1.sizes(), (std::vector<int64_t>{4, 3, 32, 32}));
  EXPECT_TRUE(torch::equal(x1, x2));
  std::mt19937_64 c(9);
  const auto plain = make_image_batch(set, idx, /*augment=*/false, c);
  EXPECT_LT(std::abs(plain.mean().item<double>()), 3.0);  // normalised
  EXPECT_EQ(batch_labels(set, idx)[1].item<int64_t>(), 3);
}

TEST(ImageBatch, CutoutZeroesOneSquareAndNothingElse) {
  const ImageSet set = make_synthetic_images(4, 10, 32, /*seed=*/2);
  for (uint64_t seed = 0; seed < 8; ++seed) {
    // One image: the crop and flip draws come first, so both batches share them.
    std::mt19937_64 a(seed), b(seed);
    const auto plain = make_image_batch(set, {1}, /*augment=*/true, a);
    const auto cut = make_image_batch(set, {1}, /*augment=*/true, b, /*cutout=*/8);
    const auto changed = plain.ne(cut);
    EXPECT_TRUE(cut.masked_select(changed).eq(0).all().item<bool>());
    const int64_t pixels = changed.any(/*dim=*/1).sum().item<int64_t>();  // over the channels
    EXPECT_GT(pixels, 0) << seed;
    EXPECT_LE(pixels, 64) << seed;  // an 8x8 square, clipped at the borders
  }
  ImageDataOptions options;
  options.cutout = -1;
  EXPECT_EQ(error_of([&] { options.validate(); }), "cutout: must be >= 0 (side in pixels; 0 = off)");
}

// The real data set, when this machine has it (../shared/data/cifar10).
TEST(RealCifar10, LoadsWhenPresent) {
  const std::string dir = std::string(HWNAS_SHARED_DIR) + "/data/cifar10";
  if (!std::filesystem::exists(dir + "/test_batch.bin")) {
    GTEST_SKIP() << dir << " is absent (the CIFAR-10 copy is not part of the repository)";
  }
  const ImageSet test = load_cifar(dir, "cifar10", false, /*limit=*/500);
  EXPECT_EQ(test.size(), 500);
  EXPECT_LE(test.labels.max().item<int64_t>(), 9);
}

}  // namespace
}  // namespace hwnas
