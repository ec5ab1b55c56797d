#include "core/run_header.h"

#include "core/config.h"

namespace hwnas {

RunHeader RunHeader::read(const ConfigSection& root, const RunHeader& defaults, Keys keys) {
  RunHeader h = defaults;
  h.name = root.get_string("name", h.name);
  h.seed = root.get_int("seed", h.seed);
  if (keys == Keys::WithTorch) {
    h.device = root.get_choice("device", h.device, {"cpu", "cuda"});
    h.threads = root.get_int("threads", h.threads);
  }
  h.output_dir = root.child("output").get_string("dir", h.output_dir);
  root.validate([&] {
    if (h.name.empty() || h.name.find('/') != std::string::npos) {
      throw InvalidOption("name", "must be a non-empty folder name without '/'");
    }
    if (h.seed < 0) throw InvalidOption("seed", "must be >= 0");
    if (h.threads < 0) throw InvalidOption("threads", "must be >= 0 (0 = every core)");
  });
  return h;
}

}  // namespace hwnas
