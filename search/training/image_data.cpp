#include "search/training/image_data.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/paths.h"

namespace hwnas {

namespace {

constexpr int64_t kPixels = 3 * 32 * 32;

// Per-channel mean and std of the training sets (the values every CIFAR recipe uses).
constexpr std::array<float, 3> kCifar10Mean = {0.4914f, 0.4822f, 0.4465f};
constexpr std::array<float, 3> kCifar10Std = {0.2470f, 0.2435f, 0.2616f};
constexpr std::array<float, 3> kCifar100Mean = {0.5071f, 0.4865f, 0.4409f};
constexpr std::array<float, 3> kCifar100Std = {0.2673f, 0.2564f, 0.2762f};

void read_records(const std::string& path, int label_bytes, int label_offset,
                  std::vector<uint8_t>& pixels, std::vector<int64_t>& labels, int64_t limit) {
  const std::string why = unreadable_reason(path, kMaxDataFileBytes);
  std::ifstream in;
  if (why.empty()) in.open(path, std::ios::binary | std::ios::ate);
  if (!in.is_open() || !in) {
    // data.path is relative to the working directory (as every path a run is given): say where
    // that put it.
    const bool relative = !path.empty() && path[0] != '/';
    throw DataError("cannot open '" + path + "': " + (why.empty() ? std::strerror(errno) : why) +
                    (relative ? " (= " + std::filesystem::absolute(path).lexically_normal().string() +
                                    "; a relative data.path resolves against the working directory)"
                              : "") +
                    " (CIFAR binary layout expected there)");
  }
  const int64_t bytes = in.tellg();
  const int64_t record = label_bytes + kPixels;
  if (bytes == 0 || bytes % record != 0) {
    throw DataError(path + ": " + std::to_string(bytes) + " bytes is not a whole number of " +
                    std::to_string(record) + "-byte records (label + 3x32x32 pixels)");
  }
  in.seekg(0);
  std::vector<uint8_t> buffer(record);
  for (int64_t r = 0; r < bytes / record; ++r) {
    if (limit > 0 && static_cast<int64_t>(labels.size()) >= limit) return;
    in.read(reinterpret_cast<char*>(buffer.data()), record);
    labels.push_back(buffer[label_offset]);
    pixels.insert(pixels.end(), buffer.begin() + label_bytes, buffer.end());
  }
}

}  // namespace

int64_t ImageSet::size() const { return labels.defined() ? labels.size(0) : 0; }

ImageSet load_cifar(const std::string& dir, const std::string& dataset, bool train,
                    int64_t limit) {
  ImageSet set;
  set.name = dataset;
  std::vector<uint8_t> pixels;
  std::vector<int64_t> labels;
  if (dataset == "cifar10") {
    set.num_classes = 10;
    std::vector<std::string> files;
    if (train) {
      for (int i = 1; i <= 5; ++i) files.push_back(dir + "/data_batch_" + std::to_string(i) + ".bin");
    } else {
      files.push_back(dir + "/test_batch.bin");
    }
    for (const auto& f : files) read_records(f, 1, 0, pixels, labels, limit);
  } else if (dataset == "cifar100") {
    set.num_classes = 100;
    read_records(dir + (train ? "/train.bin" : "/test.bin"), 2, 1, pixels, labels, limit);
  } else {
    throw InputError("unknown image dataset '" + dataset + "'; known: cifar10, cifar100, synthetic");
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= set.num_classes) {
      throw DataError(dir + ": " + dataset + " record " + std::to_string(i) + " has label " +
                      std::to_string(labels[i]) + ", expected 0.." +
                      std::to_string(set.num_classes - 1));
    }
  }
  const auto n = static_cast<int64_t>(labels.size());
  set.images = at::from_blob(pixels.data(), {n, 3, 32, 32}, at::kByte).clone();
  set.labels = at::from_blob(labels.data(), {n}, at::kLong).clone();
  return set;
}

TrainTestSets load_image_sets(const ImageDataOptions& o, int seed) {
  if (o.dataset == "synthetic") {
    return {make_synthetic_images(o.synthetic_size, o.synthetic_classes, 32, seed + 1),
            make_synthetic_images(std::max(o.synthetic_size / 4, 8), o.synthetic_classes, 32,
                                  seed + 2)};
  }
  return {load_cifar(o.path, o.dataset, /*train=*/true, o.train_limit),
          load_cifar(o.path, o.dataset, /*train=*/false, o.test_limit)};
}

ImageSet make_synthetic_images(int64_t count, int num_classes, int image_size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> noise(-40, 40);
  ImageSet set;
  set.name = "synthetic";
  set.num_classes = num_classes;
  set.images = at::empty({count, 3, image_size, image_size}, at::kByte);
  set.labels = at::empty({count}, at::kLong);
  auto* px = set.images.data_ptr<uint8_t>();
  auto* lb = set.labels.data_ptr<int64_t>();
  for (int64_t i = 0; i < count; ++i) {
    const int label = static_cast<int>(i % num_classes);
    lb[i] = label;
    for (int c = 0; c < 3; ++c) {
      const int base = 40 + (label * 53 + c * 97) % 170;  // class colour
      for (int y = 0; y < image_size; ++y) {
        for (int x = 0; x < image_size; ++x) {
          const bool stripe = ((x + y * (label % 3)) / (1 + label % 4)) % 2 == 0;  // class pattern
          const int v = base + (stripe ? 40 : -40) + noise(rng);
          *px++ = static_cast<uint8_t>(std::clamp(v, 0, 255));
        }
      }
    }
  }
  return set;
}

namespace {

// Cutout (DeVries & Taylor 2017): zero a side x side square centred anywhere in the image, clipped
// at the borders, so the square may cover less than side^2 pixels. Zero is the mean after
// normalisation, as in the reference implementation which cuts after normalising.
at::Tensor cut_out(at::Tensor image, int side, std::mt19937_64& rng) {
  const int64_t h = image.size(1), w = image.size(2);
  std::uniform_int_distribution<int64_t> cy(0, h - 1), cx(0, w - 1);
  const int64_t y = cy(rng), x = cx(rng);
  const int64_t y0 = std::max<int64_t>(0, y - side / 2), y1 = std::min<int64_t>(h, y + (side + 1) / 2);
  const int64_t x0 = std::max<int64_t>(0, x - side / 2), x1 = std::min<int64_t>(w, x + (side + 1) / 2);
  image = image.clone();
  image.narrow(1, y0, y1 - y0).narrow(2, x0, x1 - x0).zero_();
  return image;
}

}  // namespace

at::Tensor make_image_batch(const ImageSet& set, const std::vector<int64_t>& indices, bool augment,
                            std::mt19937_64& rng, int cutout) {
  const auto index = at::from_blob(const_cast<int64_t*>(indices.data()),
                                    {static_cast<int64_t>(indices.size())}, at::kLong);
  at::Tensor x = set.images.index_select(0, index).to(at::kFloat).div_(255.0);
  const auto& mean = set.name == "cifar100" ? kCifar100Mean : kCifar10Mean;
  const auto& std = set.name == "cifar100" ? kCifar100Std : kCifar10Std;
  x = (x - at::tensor({mean[0], mean[1], mean[2]}).view({1, 3, 1, 1})) /
      at::tensor({std[0], std[1], std[2]}).view({1, 3, 1, 1});
  if (!augment) return x;
  const int64_t h = x.size(2), w = x.size(3);
  // Pad with zeros after normalising (the usual torchvision order pads raw pixels with 0,
  // i.e. black; the difference is immaterial for search and keeps this one tensor op).
  const at::Tensor padded = at::constant_pad_nd(x, {4, 4, 4, 4}, 0.0);
  std::uniform_int_distribution<int> offset(0, 8);
  std::bernoulli_distribution flip(0.5);
  std::vector<at::Tensor> crops;
  crops.reserve(indices.size());
  for (int64_t i = 0; i < x.size(0); ++i) {
    const int dy = offset(rng), dx = offset(rng);
    at::Tensor crop = padded[i].narrow(1, dy, h).narrow(2, dx, w);
    if (flip(rng)) crop = crop.flip({2});
    if (cutout > 0) crop = cut_out(crop, cutout, rng);
    crops.push_back(crop);
  }
  return at::stack(crops);
}

at::Tensor batch_labels(const ImageSet& set, const std::vector<int64_t>& indices) {
  const auto index = at::from_blob(const_cast<int64_t*>(indices.data()),
                                   {static_cast<int64_t>(indices.size())}, at::kLong);
  return set.labels.index_select(0, index);
}

}  // namespace hwnas
