#include "core/run_header.h"

#include <algorithm>
#include <thread>

#include "core/config.h"

namespace hwnas {

int max_threads() { return 4 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

void check_thread_count(int threads) {
  if (threads < 0 || threads > max_threads()) {
    throw InvalidOption("threads", "must be in 0.." + std::to_string(max_threads()) +
                                       " (0 = every core; at most 4x this machine's cores)");
  }
}

void check_run_name(const std::string& name) {
  const bool control = std::any_of(name.begin(), name.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      control || name.size() > 200) {
    throw InvalidOption("name", "must be one folder name (not empty, '.' or '..'; no '/' or control "
                                "characters; at most 200 characters)");
  }
}

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
    check_run_name(h.name);
    if (h.seed < 0) throw InvalidOption("seed", "must be >= 0");
    check_thread_count(h.threads);
  });
  return h;
}

}  // namespace hwnas
