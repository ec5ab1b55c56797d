#include "core/paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace hwnas {

std::string data_dir() {
  if (const char* from_env = std::getenv("HWNAS_DATA_DIR"); from_env && *from_env) return from_env;
  return HWNAS_DEFAULT_DATA_DIR;
}

std::string data_path(const std::string& name, const std::string& override_dir) {
  const std::string path = (override_dir.empty() ? data_dir() : override_dir) + "/" + name;
  // The one place the hint belongs: the file was not named by the user but looked up in the
  // data folder, so the folder is what is likely wrong.
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    throw DataError(path + ": no such file (set HWNAS_DATA_DIR to the folder holding the hwnas "
                           "tables)");
  }
  return path;
}

std::string unreadable_reason(const std::string& path, long long max_bytes) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    return errno == ENOENT ? std::string("no such file") : std::string(std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) return "is a directory, expected a file";
  if (!S_ISREG(info.st_mode)) return "is not a regular file (a pipe or device?), expected a file";
  if (info.st_size > max_bytes) {
    return "has " + std::to_string(info.st_size) + " bytes, more than the " +
           std::to_string(max_bytes) + " expected (is this the right file?)";
  }
  if (access(path.c_str(), R_OK) != 0) return std::strerror(errno);
  return "";
}

std::string read_text_file(const std::string& path, long long max_bytes) {
  if (const std::string why = unreadable_reason(path, max_bytes); !why.empty()) {
    throw DataError(path + ": " + why);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw DataError(path + ": read failed: " + std::strerror(errno));
  return text.str();
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (!out) throw IoError("cannot write '" + path + "': " + std::strerror(errno));
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp";
  std::error_code error;
  try {
    write_text_file(temp, text);
  } catch (const IoError&) {
    std::filesystem::remove(temp, error);  // a half-written temporary helps nobody
    throw;
  }
  std::filesystem::rename(temp, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw IoError("cannot replace '" + path + "' by '" + temp + "': " + error.message());
  }
}

}  // namespace hwnas
