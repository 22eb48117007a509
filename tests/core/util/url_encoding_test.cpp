#include "core/util/url_encoding.h"

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

TEST(PercentDecodeTest, DecodesAndRejectsMalformed) {
  EXPECT_EQ(percentDecode("a%20b%2Fc", false), "a b/c");
  EXPECT_EQ(percentDecode("a+b", false), "a+b");
  EXPECT_EQ(percentDecode("a+b", true), "a b");
  EXPECT_EQ(percentDecode("%e2%82%ac", false), "\xe2\x82\xac");
  EXPECT_FALSE(percentDecode("%", false).has_value());
  EXPECT_FALSE(percentDecode("%4", false).has_value());
  EXPECT_FALSE(percentDecode("abc%zz", false).has_value());
}

TEST(SplitQueryPairsTest, KeepsEncodingAndSkipsEmptyPieces) {
  auto pairs = splitQueryPairs("a=1&b&&c=&d=x%3Dy=z");
  ASSERT_EQ(pairs.size(), 4u);
  EXPECT_EQ(pairs[0].first, "a");
  EXPECT_EQ(pairs[0].second, "1");
  EXPECT_EQ(pairs[1].first, "b");
  EXPECT_EQ(pairs[1].second, "");
  EXPECT_EQ(pairs[2].first, "c");
  EXPECT_EQ(pairs[2].second, "");
  EXPECT_EQ(pairs[3].first, "d");
  EXPECT_EQ(pairs[3].second, "x%3Dy=z");
  EXPECT_TRUE(splitQueryPairs("").empty());
}

}  // namespace
}  // namespace cartrelay::core
