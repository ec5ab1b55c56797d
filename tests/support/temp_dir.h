#pragma once
// A fresh, empty folder for one test (/tmp/hwnas_<name>_XXXXXX), removed with its contents when
// the TempDir goes out of scope (keep_temp_dirs() keeps them for debugging: HWNAS_KEEP_TEST_DIRS=1).
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace hwnas::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& name = "test") {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("hwnas_" + name + "_XXXXXX")).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!mkdtemp(buffer.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = buffer.data();
  }
  ~TempDir() {
    if (std::getenv("HWNAS_KEEP_TEST_DIRS")) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace hwnas::testing
