#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "core/error.h"
#include "core/gnuplot.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

namespace fs = std::filesystem;

TEST(Gnuplot, QuotesSingleQuotes) { EXPECT_EQ(gnuplot_quote("Pi's 4"), "'Pi''s 4'"); }

TEST(Gnuplot, DataFileFormat) {
  const testing::TempDir temp("data");
  const fs::path dir = temp.path();
  write_data_file((dir / "d.dat").string(), {"x", "y"}, {{1, 0.5}, {2, std::nan("")}, {}});
  EXPECT_EQ(read_text_file((dir / "d.dat").string()), "# x y\n1 0.5\n2 NaN\n\n");
}

TEST(Gnuplot, DrawsAPng) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed (Debian: gnuplot-nox)";
  const testing::TempDir temp("png");
  const fs::path dir = temp.path();
  write_data_file((dir / "p.dat").string(), {"x", "y"}, {{1, 1}, {2, 4}, {3, 9}});
  write_text_file((dir / "p.gp").string(), png_terminal(320, 240) +
                                               "set output 'p.png'\nplot 'p.dat' using 1:2 with linespoints title 'a_b'\n");
  run_gnuplot((dir / "p.gp").string());
  ASSERT_TRUE(fs::exists(dir / "p.png"));
  EXPECT_GT(fs::file_size(dir / "p.png"), 100u);
}

TEST(Gnuplot, FailureCarriesGnuplotsMessage) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed (Debian: gnuplot-nox)";
  const testing::TempDir temp("bad");
  const fs::path dir = temp.path();
  write_text_file((dir / "bad.gp").string(), "plot 'no_such_file.dat'\n");
  try {
    run_gnuplot((dir / "bad.gp").string());
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("bad.gp"), std::string::npos) << what;
    EXPECT_NE(what.find("no_such_file.dat"), std::string::npos) << what;
  }
}

TEST(Gnuplot, MissingProgramNamesThePackage) {
  const char* old = std::getenv("HWNAS_GNUPLOT");
  const std::string saved = old ? old : "";
  setenv("HWNAS_GNUPLOT", "/nonexistent/gnuplot", 1);
  try {
    run_gnuplot("/tmp/x.gp");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("gnuplot-nox"), std::string::npos) << e.what();
  }
  if (old) {
    setenv("HWNAS_GNUPLOT", saved.c_str(), 1);
  } else {
    unsetenv("HWNAS_GNUPLOT");
  }
}

}  // namespace
}  // namespace hwnas
