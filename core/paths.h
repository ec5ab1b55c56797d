#pragma once
// Files and folders: where the tables are, and whole-file reads and (atomic) writes that name
// the file when they fail.
#include <string>

namespace hwnas {

// The folder holding the benchmark tables: $HWNAS_DATA_DIR when set, else the repository's data/
// compiled in at build time, so a fresh clone runs without configuration.
std::string data_dir();

// `name` inside data_dir(), or inside `override_dir` when that is not empty (config files use it).
// DataError when it does not exist, with the hint to set HWNAS_DATA_DIR: a bundled table.
std::string data_path(const std::string& name, const std::string& override_dir = "");

// Why `path` cannot be read as a whole file of at most `max_bytes`, or "" when it can: "no such
// file", "is a directory, expected a file", "is not a regular file (a pipe or device?), expected
// a file" (a FIFO would block the reader forever, /dev/zero never ends), "has N bytes, more than
// the M expected", or the errno text. Every whole-file reader asks this first.
std::string unreadable_reason(const std::string& path, long long max_bytes);

// Tables, LUTs and arch files are far below this; a bigger file is a wrong path.
constexpr long long kMaxDataFileBytes = 1LL << 30;

// Whole file as a string; DataError "<path>: <unreadable_reason>" when it cannot be read.
std::string read_text_file(const std::string& path, long long max_bytes = kMaxDataFileBytes);

// Writes (replaces) a whole file; IoError naming the file when it cannot be written.
void write_text_file(const std::string& path, const std::string& text);
// Writes `path` through a temporary file and a rename, so an interrupted run leaves either the
// old or the new content, never half a file (a failed write removes its temporary file). IoError
// naming the file on failure.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace hwnas
