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

TEST(PercentEncodeTest, KeepsUnreservedBytesAndEncodesTheRest) {
  EXPECT_EQ(percentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percentEncode("a b&c=d/e"), "a%20b%26c%3Dd%2Fe");
  EXPECT_EQ(percentEncode("a/b c", /*keep_slash=*/true), "a/b%20c");
  EXPECT_EQ(percentEncode("ş"), "%C5%9F");
  EXPECT_EQ(percentDecode(percentEncode("QVFIU+/=x y"), false), "QVFIU+/=x y");
}

}  // namespace
}  // namespace cartrelay::core
