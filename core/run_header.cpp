#include "core/run_header.h"

#include <algorithm>
#include <cstdint>
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

namespace {

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF): what the JSON files that carry a run's name (supernet.json, arch.json) can hold.
bool valid_utf8(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const int extra = (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : 0;
    if (extra == 0 || i + static_cast<size_t>(extra) >= text.size()) return false;
    uint32_t code = c & (0x7f >> (extra + 1));
    for (int k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((d & 0xc0) != 0x80) return false;
      code = (code << 6) | (d & 0x3f);
    }
    static constexpr uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

}  // namespace

void check_run_name(const std::string& name) {
  const bool control = std::any_of(name.begin(), name.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      control || name.size() > 200) {
    throw InvalidOption("name", "must be one folder name (not empty, '.' or '..'; no '/' or control "
                                "characters; at most 200 characters)");
  }
  if (!valid_utf8(name)) throw InvalidOption("name", "must be valid UTF-8 (it goes into the run's JSON files)");
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
