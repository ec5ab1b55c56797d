#pragma once
// Which images a training run reads (the `data:` section of supernet searches and retraining).
#include <cstdint>
#include <string>

namespace hwnas {

class ConfigSection;

struct ImageDataOptions {
  std::string dataset = "cifar10";              // cifar10 | cifar100 | synthetic
  std::string path = "../shared/data/cifar10";  // folder of the binary files (relative to the cwd)
  int64_t train_limit = 0;  // use the first N training images (0 = all)
  int64_t test_limit = 0;   // evaluate on the first N test images (0 = all)
  bool augment = true;      // pad-4 random crop + horizontal flip
  int cutout = 0;           // with augment: side of a zeroed square (Cutout; 16 for CIFAR), 0 = off
  int synthetic_size = 256;    // synthetic: number of training images (test gets a quarter)
  int synthetic_classes = 10;  // synthetic: 10 or 100

  static ImageDataOptions read(const ConfigSection& section);
  // The keys `section` gives, the others at `defaults`.
  static ImageDataOptions read(const ConfigSection& section, const ImageDataOptions& defaults);
  void validate() const;
};

}  // namespace hwnas
