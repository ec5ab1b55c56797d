#include <gtest/gtest.h>

#include "core/strings.h"

namespace hwnas {
namespace {

TEST(Strings, SplitKeepsEmptyPieces) {
  const auto pieces = split("a,,b,", ',');
  ASSERT_EQ(pieces.size(), 4u);
  EXPECT_EQ(pieces[1], "");
  EXPECT_EQ(pieces[3], "");
}

TEST(Strings, SplitAnyDropsEmptyPieces) {
  const auto pieces = split_any(" [0, 8 ,3] ", ", []");
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0], "0");
  EXPECT_EQ(pieces[2], "3");
}

TEST(Strings, StrictNumbers) {
  int i = 0;
  EXPECT_TRUE(parse_int(" 42 ", i));
  EXPECT_EQ(i, 42);
  EXPECT_FALSE(parse_int("4x", i));
  EXPECT_FALSE(parse_int("", i));
  double d = 0;
  EXPECT_TRUE(parse_double("15.804523468017578", d));
  EXPECT_EQ(d, 15.804523468017578);
  EXPECT_FALSE(parse_double("1.5.3", d));
}

TEST(Strings, IndicesAreDigitsOnly) {
  int i = -7;
  EXPECT_TRUE(parse_index("8", i));
  EXPECT_EQ(i, 8);
  EXPECT_TRUE(parse_index("15624", i));
  EXPECT_EQ(i, 15624);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1e30", "1.0", "0x1", "99999999999"}) {
    EXPECT_FALSE(parse_index(bad, i)) << "'" << bad << "'";
  }
}

TEST(Strings, FormatDoubleRoundTrips) {
  EXPECT_EQ(format_double(3.9408960000000004), "3.9408960000000004");
  EXPECT_EQ(format_double(0.1), "0.1");
}

}  // namespace
}  // namespace hwnas
