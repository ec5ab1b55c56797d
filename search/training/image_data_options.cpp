#include "search/training/image_data_options.h"

#include "core/config.h"

namespace hwnas {

ImageDataOptions ImageDataOptions::read(const ConfigSection& s) { return read(s, ImageDataOptions()); }

ImageDataOptions ImageDataOptions::read(const ConfigSection& s, const ImageDataOptions& defaults) {
  ImageDataOptions o = defaults;
  o.dataset = s.get_choice("dataset", o.dataset, {"cifar10", "cifar100", "synthetic"});
  o.path = s.get_string("path", o.path);
  o.train_limit = s.get_int("train_limit", static_cast<int>(o.train_limit));
  o.test_limit = s.get_int("test_limit", static_cast<int>(o.test_limit));
  o.augment = s.get_bool("augment", o.augment);
  o.cutout = s.get_int("cutout", o.cutout);
  o.synthetic_size = s.get_int("synthetic_size", o.synthetic_size);
  o.synthetic_classes = s.get_int("synthetic_classes", o.synthetic_classes);
  s.validate([&] { o.validate(); });
  return o;
}

void ImageDataOptions::validate() const {
  if (train_limit < 0) throw InvalidOption("train_limit", "must be >= 0 (0 = all)");
  if (test_limit < 0) throw InvalidOption("test_limit", "must be >= 0 (0 = all)");
  if (cutout < 0) throw InvalidOption("cutout", "must be >= 0 (side in pixels; 0 = off)");
  if (cutout > 0 && !augment) throw InvalidOption("cutout", "needs augment: true");
  if (synthetic_size < 8) throw InvalidOption("synthetic_size", "must be >= 8");
  if (synthetic_classes != 10 && synthetic_classes != 100) {
    throw InvalidOption("synthetic_classes", "must be 10 or 100 (the FBNet cost settings)");
  }
}

}  // namespace hwnas
