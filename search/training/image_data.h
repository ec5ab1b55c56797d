#pragma once
// Image classification data for supernet search and retraining: the official CIFAR-10/100
// binary layouts, a small generated set for tests, and batches with the standard CIFAR
// augmentation (pad 4 + random crop, horizontal flip) and per-channel normalisation.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "search/training/image_data_options.h"

namespace hwnas {

struct ImageSet {
  std::string name;     // "cifar10", "cifar100", "synthetic"
  at::Tensor images;    // uint8 [N, 3, H, W]
  at::Tensor labels;    // int64 [N]
  int num_classes = 0;
  int64_t size() const;
};

// `dir` holds data_batch_{1..5}.bin + test_batch.bin (cifar10) or train.bin + test.bin
// (cifar100, fine labels). DataError naming the file when missing or not a whole number of
// records; `limit` > 0 keeps only the first `limit` images.
ImageSet load_cifar(const std::string& dir, const std::string& dataset, bool train,
                    int64_t limit = 0);

// The training and test sets `options` name (generated ones seeded from `seed`).
struct TrainTestSets {
  ImageSet train;
  ImageSet test;
};
TrainTestSets load_image_sets(const ImageDataOptions& options, int seed);

// A learnable generated set: each class has its own colour and stripe pattern, plus noise.
ImageSet make_synthetic_images(int64_t count, int num_classes, int image_size, uint64_t seed);

// Normalised float batch [B, 3, H, W] of `indices`, augmented when `augment` (the crop offsets,
// flips and cutout squares come from `rng`, so a saved rng state replays the same batches).
// `cutout` > 0 also zeroes a cutout x cutout square per image (augmented batches only).
at::Tensor make_image_batch(const ImageSet& set, const std::vector<int64_t>& indices,
                            bool augment, std::mt19937_64& rng, int cutout = 0);
at::Tensor batch_labels(const ImageSet& set, const std::vector<int64_t>& indices);

}  // namespace hwnas
