#pragma once
// The bytes of a checkpoint file, without LibTorch: the serialized archive, then a small JSON
// record of who wrote it (the run kind and its config.resolved.yaml) and its numbers, then a
// footer with both sizes and an FNV-1a checksum over everything before it. One file, replaced
// atomically, so a kill between two writes can never pair a checkpoint with another's checksum.
//
//   [archive][meta JSON][u64 archive size][u64 meta size][u64 FNV-1a 64][8 bytes "HWNASCK1"]
//
// Also the checked writes every training loop needs (whole files, appended lines): they throw
// IoError naming the file and the reason (errno), never leave a partial .tmp behind.
#include <cstdint>
#include <map>
#include <string>

namespace hwnas {

// Who wrote a checkpoint, and what it holds besides the archive.
struct CheckpointMeta {
  std::string kind;    // the program whose run wrote it: hwnas_search, hwnas_train
  std::string config;  // that run's config.resolved.yaml ("" when it had none: library use)
  std::map<std::string, double> numbers;
  // False for a checkpoint of an hwnas before checksums (a bare LibTorch archive): loaded
  // unverified, kind, config and numbers unknown.
  bool verified = true;
};

struct CheckpointFile {
  std::string archive;  // the LibTorch archive's bytes
  CheckpointMeta meta;
};

uint64_t fnv1a64(const char* data, size_t size, uint64_t hash = 0xcbf29ce484222325ull);

// Writes archive, meta and footer to path + ".tmp", syncs it and renames it over `path`. On any
// failure the .tmp is removed, `path` is left as it was, and IoError says
// "<path>: cannot be written (<reason>)" followed by `what_survives` (the caller's "; ..." text).
void write_checkpoint_file(const std::string& path, const std::string& archive,
                           const CheckpointMeta& meta, const std::string& what_survives);

// Reads and verifies a checkpoint file. DataError
// "<path>: corrupt checkpoint (<why>); delete it to restart the run from scratch" when it is
// empty, truncated, not an hwnas checkpoint or fails its checksum.
CheckpointFile read_checkpoint_file(const std::string& path);

// The DataError of a checkpoint that cannot be used: its file, why, what to do.
[[noreturn]] void throw_corrupt_checkpoint(const std::string& path, const std::string& why);

// Replaces `path` by `bytes` through path + ".tmp" (synced, renamed): IoError
// "<path>: cannot be written (<reason>)<what_survives>" with the .tmp removed on failure.
void write_file_checked(const std::string& path, const std::string& bytes,
                        const std::string& what_survives = "");

// Appends `text` to `path` (created when absent); IoError naming the file and the reason.
void append_file_checked(const std::string& path, const std::string& text,
                         const std::string& what_survives = "");

}  // namespace hwnas
