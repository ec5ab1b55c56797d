#pragma once
// Scores architectures with training-free proxies (proxies.h): builds each arch's network at
// initialisation (NB201: the real 5-cell C=16 TinyNetwork; FBNet: the child net of the setting)
// and runs the proxies on a fixed set of training images. The images, the weight init and hence
// the scores depend only on the options and the arch: the same arch gets the same score whenever
// and on whichever thread it is asked for (up to the floating-point order of the thread count).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "costmodels/space.h"
#include "search/training/image_data_options.h"
#include "search/zero_cost/proxy_kind.h"

namespace hwnas {

class ConfigSection;

struct ZeroCostInputs {
  int batch_size = 64;
  int batches = 2;               // zico uses every batch; the other proxies the first
  int seed = 0;                  // picks the images and seeds each arch's initial weights
  std::string init = "default";  // default (LibTorch's = PyTorch's) | kaiming_normal
  // contiguous: scores agree across thread counts to 1e-3 (relative). channels_last scored
  // naswot 1.5x faster here, but its convolutions round differently per thread count (zico and
  // grad_norm moved by up to 1.5 % between 1 and 2 threads): for one-thread table runs.
  std::string memory_format = "contiguous";
  std::string device = "cpu";
  int threads = 0;                         // 0 = every core
  ImageDataOptions data = default_data();  // the training images (no augmentation)

  static ImageDataOptions default_data();
  // The keys above from `section` (data: a nested map as in a supernet run).
  static ZeroCostInputs read(const ConfigSection& section);
  void validate() const;
  // One line naming every input, for describe() and a score table's provenance.
  std::string describe() const;
};

// `count` archs to score: NB201 distinct archs from a seeded shuffle of the space, FBNet uniform
// random archs (random_fbnet_archs). hwnas_score's samples and the evaluator's reference archs.
std::vector<Arch> sample_archs(Space space, int count, uint64_t seed);

class ZeroCostScorer {
 public:
  // `setting`: the FBNet LUT setting (fixes the input size and classes); NB201: cifar10.
  ZeroCostScorer(ZeroCostInputs inputs, Space space, std::string setting,
                 std::vector<Proxy> proxies);
  ~ZeroCostScorer();

  const std::vector<Proxy>& proxies() const { return proxies_; }
  const ZeroCostInputs& inputs() const { return inputs_; }
  // One score per proxy (NaN where it cannot be computed). Thread-safe: calls are serialised,
  // each uses the intra-op threads.
  std::vector<double> score(const Arch& arch) const;

 private:
  struct Impl;  // the LibTorch side
  ZeroCostInputs inputs_;
  Space space_;
  std::string setting_;
  std::vector<Proxy> proxies_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hwnas
