#include <gtest/gtest.h>

#include "support/error_of.h"

#include <cmath>

#include "core/csv.h"
#include "core/error.h"

namespace hwnas {
namespace {

using testing::error_of;

TEST(Csv, ParsesHeaderRowsAndEmptyCells) {
  const CsvTable t = CsvTable::parse("index,a,b\n0,1.5,\n1,,2\n", "t.csv");
  EXPECT_EQ(t.num_rows(), 2u);
  EXPECT_EQ(t.column("b"), 2u);
  EXPECT_EQ(t.number(0, 1), 1.5);
  EXPECT_TRUE(std::isnan(t.number(0, 2)));  // empty = unknown, for the caller to mark
  EXPECT_EQ(t.integer(1, 0), 1);
}

TEST(Csv, ShortStringsSurviveMoves) {
  // The cells point into the table's own copy of the text; moving must not invalidate them.
  CsvTable a = CsvTable::parse("x\n7\n", "s.csv");
  CsvTable b = std::move(a);
  EXPECT_EQ(b.cell(0, 0), "7");
}

TEST(Csv, TruncatedRowNamesFileAndLine) {
  EXPECT_EQ(error_of([] { CsvTable::parse("a,b\n1,2\n3\n", "cut.csv"); }),
            "cut.csv:3: 1 fields, expected 2 (the header's); truncated file?");
}

TEST(Csv, NanTextIsRejected) {
  const CsvTable t = CsvTable::parse("a\nnan\n", "n.csv");
  EXPECT_EQ(error_of([&] { t.number(0, 0); }),
            "n.csv:2: column 'a' holds 'nan', expected a finite number or an empty cell");
}

TEST(Csv, MissingColumnListsColumns) {
  const CsvTable t = CsvTable::parse("a,b\n1,2\n", "m.csv");
  EXPECT_EQ(error_of([&] { t.column("c"); }), "m.csv: no column 'c'; columns: a,b");
}

TEST(Csv, LeadingUtf8ByteOrderMarkIsNotPartOfTheHeader) {
  const CsvTable t = CsvTable::parse("\xEF\xBB\xBFindex,arch\n0,x\n", "bom.csv");
  EXPECT_EQ(t.column("index"), 0u);
  EXPECT_EQ(t.header()[0], "index");
  EXPECT_EQ(t.integer(0, 0), 0);
  // Only at the very start: anywhere else the bytes are the file's own.
  const CsvTable inner = CsvTable::parse("a,\xEF\xBB\xBF" "b\n1,2\n", "inner.csv");
  EXPECT_EQ(inner.header()[1], "\xEF\xBB\xBF" "b");
}

TEST(Csv, RowCountIsChecked) {
  const CsvTable t = CsvTable::parse("a\n1\n", "r.csv");
  EXPECT_EQ(error_of([&] { t.expect_rows(2); }), "r.csv: 1 data rows, expected 2");
}

}  // namespace
}  // namespace hwnas
