#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "core/paths.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::error_of;

// A file the user named is the user's: its error says what is wrong with it, not where the
// bundled tables are.
TEST(Paths, MissingUserFileSaysNoSuchFile) {
  const testing::TempDir dir("paths");
  EXPECT_EQ(error_of([&] { read_text_file(dir / "absent.json"); }),
            dir / "absent.json" + ": no such file");
}

TEST(Paths, DirectoryIsNotAFile) {
  const testing::TempDir dir("paths");
  EXPECT_EQ(error_of([&] { read_text_file(dir.path()); }),
            dir.path() + ": is a directory, expected a file");
}

TEST(Paths, MissingBundledTableSaysWhereToLook) {
  const testing::TempDir dir("paths");
  EXPECT_EQ(error_of([&] { data_path("hw-nas-bench/fbnet_lut.json", dir.path()); }),
            dir / "hw-nas-bench/fbnet_lut.json" +
                ": no such file (set HWNAS_DATA_DIR to the folder holding the hwnas tables)");
  write_text_file(dir / "t.csv", "a\n");
  EXPECT_EQ(data_path("t.csv", dir.path()), dir / "t.csv");
}

}  // namespace
}  // namespace hwnas
