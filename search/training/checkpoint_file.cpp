#include "search/training/checkpoint_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"
#include "core/paths.h"

namespace hwnas {

namespace {

constexpr char kMagic[] = "HWNASCK1";  // 8 characters, the file's last bytes
constexpr size_t kFooterSize = 4 * 8;

void put_u64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint64_t get_u64(const char* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return value;
}

// A bare LibTorch archive (an hwnas before checksums) is a zip file: it ends with the 22-byte
// end-of-central-directory record (no comment). A truncated new-format file does not.
bool is_bare_zip(const std::string& bytes) {
  return bytes.size() >= 22 && bytes.compare(bytes.size() - 22, 4, "PK\x05\x06") == 0;
}

// Writes `bytes` to `path` with open/write/fsync/close so that every failure has its errno
// (a full disk often shows only at fsync or close). Returns "" or the reason.
std::string write_all(const std::string& path, const std::string& bytes, int flags) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
  if (fd < 0) return std::strerror(errno);
  std::string reason;
  for (size_t done = 0; done < bytes.size() && reason.empty();) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) reason = std::strerror(n < 0 ? errno : ENOSPC);
    else done += static_cast<size_t>(n);
  }
  if (reason.empty() && (flags & O_TRUNC) && ::fsync(fd) != 0) reason = std::strerror(errno);
  if (::close(fd) != 0 && reason.empty()) reason = std::strerror(errno);
  return reason;
}

}  // namespace

uint64_t fnv1a64(const char* data, size_t size, uint64_t hash) {
  for (size_t i = 0; i < size; ++i) {
    hash ^= static_cast<unsigned char>(data[i]);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

void write_file_checked(const std::string& path, const std::string& bytes,
                        const std::string& what_survives) {
  const std::string temp = path + ".tmp";
  std::string reason = write_all(temp, bytes, O_TRUNC);
  if (reason.empty() && std::rename(temp.c_str(), path.c_str()) != 0) reason = std::strerror(errno);
  if (!reason.empty()) {
    ::unlink(temp.c_str());  // never leave a partial file taking the space that was missing
    throw IoError(path + ": cannot be written (" + reason + ")" + what_survives);
  }
}

void append_file_checked(const std::string& path, const std::string& text,
                         const std::string& what_survives) {
  const std::string reason = write_all(path, text, O_APPEND);
  if (!reason.empty()) throw IoError(path + ": cannot be written (" + reason + ")" + what_survives);
}

void write_checkpoint_file(const std::string& path, const std::string& archive,
                           const CheckpointMeta& meta, const std::string& what_survives) {
  nlohmann::ordered_json j;
  j["kind"] = meta.kind;
  j["config"] = meta.config;
  j["numbers"] = meta.numbers;
  const std::string meta_text = j.dump();
  std::string bytes;
  bytes.reserve(archive.size() + meta_text.size() + kFooterSize);
  bytes += archive;
  bytes += meta_text;
  put_u64(bytes, archive.size());
  put_u64(bytes, meta_text.size());
  put_u64(bytes, fnv1a64(bytes.data(), archive.size() + meta_text.size()));
  bytes.append(kMagic, 8);
  write_file_checked(path, bytes, what_survives);
}

void throw_corrupt_checkpoint(const std::string& path, const std::string& why) {
  throw DataError(path + ": corrupt checkpoint (" + why +
                  "); delete it to restart the run from scratch");
}

CheckpointFile read_checkpoint_file(const std::string& path) {
  std::string bytes = read_text_file(path);
  CheckpointFile file;
  if (bytes.empty()) throw_corrupt_checkpoint(path, "empty file");
  if (bytes.size() < kFooterSize || bytes.compare(bytes.size() - 8, 8, kMagic, 8) != 0) {
    if (!is_bare_zip(bytes)) throw_corrupt_checkpoint(path, "truncated, or not written by hwnas: no checkpoint footer");
    file.archive = std::move(bytes);
    file.meta.verified = false;
    return file;
  }
  const char* footer = bytes.data() + bytes.size() - kFooterSize;
  const uint64_t archive_size = get_u64(footer), meta_size = get_u64(footer + 8);
  const uint64_t body = bytes.size() - kFooterSize;
  if (archive_size > body || meta_size != body - archive_size) {
    throw_corrupt_checkpoint(path, std::to_string(bytes.size()) + " bytes, not the " +
                                       std::to_string(archive_size + meta_size + kFooterSize) +
                                       " its footer gives");
  }
  if (fnv1a64(bytes.data(), body) != get_u64(footer + 16)) {
    throw_corrupt_checkpoint(path, "checksum mismatch: changed or damaged after it was written");
  }
  try {
    const auto j = nlohmann::json::parse(bytes.begin() + static_cast<std::ptrdiff_t>(archive_size),
                                         bytes.begin() + static_cast<std::ptrdiff_t>(body));
    file.meta.kind = j.at("kind").get<std::string>();
    file.meta.config = j.at("config").get<std::string>();
    file.meta.numbers = j.at("numbers").get<std::map<std::string, double>>();
  } catch (const nlohmann::json::exception& e) {
    throw_corrupt_checkpoint(path, std::string("unreadable record: ") + e.what());
  }
  bytes.resize(archive_size);
  file.archive = std::move(bytes);
  return file;
}

}  // namespace hwnas
