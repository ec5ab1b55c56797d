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

// Whole file as a string; DataError "<path>: no such file" (or the errno text, or "is a
// directory, expected a file") when it cannot be read.
std::string read_text_file(const std::string& path);

// Writes (replaces) a whole file; DataError naming the file when it cannot be written.
void write_text_file(const std::string& path, const std::string& text);
// Writes `path` through a temporary file and a rename, so an interrupted run leaves either the
// old or the new content, never half a file. DataError naming the file on failure.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace hwnas
