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

TEST(IsWebLinkTest, AbsoluteHttpAndHttpsWithAPlainHost) {
  for (const char* good :
       {"https://shop.example.com/cart/recover?token=abc&x=1", "http://shop.example.com",
        "HTTPS://Shop.Example.com:8443/a#frag", "https://localhost?x", "https://a-b.c/%C3%A7"}) {
    EXPECT_TRUE(isWebLink(good, false)) << good;
  }
  EXPECT_TRUE(isWebLink("https://cdn.example.com/a.png", true));
  EXPECT_FALSE(isWebLink("http://cdn.example.com/a.png", true));
  for (const char* bad :
       {"", "https://", "shop.example.com/cart", "//shop.example.com/x", "ftp://shop.example.com",
        "javascript:alert(1)", "https://user:pw@shop.example.com/", "https://shop.example.com/a b",
        "https://shop.example.com/\r\nSet-Cookie:x", "https://shop.example.com/ç",
        "https://.example.com", "https://-x.example.com", "https://example.com.",
        "https://example.com:/x", "https://example.com:123456", "https://[::1]/x",
        "https:///path"}) {
    EXPECT_FALSE(isWebLink(bad, false)) << bad;
  }
}

}  // namespace
}  // namespace cartrelay::core
