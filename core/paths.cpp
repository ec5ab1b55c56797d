#include "core/paths.h"

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

std::string read_text_file(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw DataError(path + ": is a directory, expected a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DataError(path + ": " +
                    (errno == ENOENT ? std::string("no such file") : std::strerror(errno)));
  }
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
  write_text_file(temp, text);
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) throw IoError("cannot replace '" + path + "' by '" + temp + "': " + error.message());
}

}  // namespace hwnas
