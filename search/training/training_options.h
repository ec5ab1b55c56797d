#pragma once
// The options every training loop reads from its `train:` section (supernet search adds its
// warm-up and step count; retraining uses them as they are).
#include <string>

namespace hwnas {

class ConfigSection;

// A bound far above any useful batch of 32x32 images (ImageNet-scale searches use 1-4 K) that
// keeps a typo like 1000000 from ending in an allocator failure.
constexpr int kMaxBatchSize = 65536;

struct TrainLoopOptions {
  int epochs = 300;
  int batch_size = 128;
  double lr = 0.05;  // SGD, cosine to 0 over all steps
  double momentum = 0.9;
  bool nesterov = true;
  double weight_decay = 4e-5;
  double label_smoothing = 0.1;
  double grad_clip = 5.0;     // 0 = off
  int eval_batches = 0;       // test batches per evaluation (0 = the whole test set)
  int log_every = 50;         // progress line every N steps
  int stop_after_epochs = 0;  // > 0: stop (resumable) once this many epochs are done this call
  // channels_last: NHWC weights and images (oneDNN's fast layout on CPUs, 1.5-1.8x a step here);
  // contiguous: NCHW. The same values, another floating-point order.
  std::string memory_format = "channels_last";

  // Keys the section does not give keep the values of `defaults`.
  static TrainLoopOptions read(const ConfigSection& section, const TrainLoopOptions& defaults);
  void validate() const;
};

}  // namespace hwnas
