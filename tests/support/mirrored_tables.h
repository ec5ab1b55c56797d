#pragma once
// Searches that must not read the accuracy table (one-shot, zero-cost) are checked against a copy
// of the tables whose CIFAR-10 column is mirrored: the same archs must be found.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/paths.h"
#include "core/strings.h"
#include "support/temp_dir.h"

namespace hwnas::testing {

// A copy of the tables whose CIFAR-10 accuracy column is mirrored (a -> 100 - a), so that an arch
// ranked high by the real table ranks low by this one.
inline std::string tables_with_mirrored_accuracy(const TempDir& dir) {
  const std::string copy = dir / "tables";
  std::filesystem::copy(data_dir(), copy, std::filesystem::copy_options::recursive);
  const std::string path = copy + "/nas-bench-201/nb201_accuracy.csv";
  const std::string text = read_text_file(path);
  std::string out;
  size_t start = 0;
  for (int line = 0; start < text.size(); ++line) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string row = text.substr(start, end - start);
    std::vector<std::string> fields;
    for (auto field : split(row, ',')) fields.emplace_back(field);
    if (line > 0 && fields.size() > 2) {
      fields[2] = format_double(100.0 - std::stod(fields[2]));  // cifar10_test
    }
    for (size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + fields[i];
    out += "\n";
    start = end + 1;
  }
  write_text_file(path, out);
  return copy;
}

}  // namespace hwnas::testing
