#include "core/util/text.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

TEST(TextTest, TrimTakesOnlyAsciiWhitespaceFromTheEnds) {
  EXPECT_EQ(trimAsciiWhitespace(" \t a b \r\n"), "a b");
  EXPECT_EQ(trimAsciiWhitespace(" \t\r\n"), "");
  // U+00A0 (no-break space) is data, not formatting.
  EXPECT_EQ(trimAsciiWhitespace("\xC2\xA0x "), "\xC2\xA0x");
}

TEST(TextTest, AsciiCaseChangesOnlyAsciiLetters) {
  EXPECT_EQ(asciiLower("Content-TYPE/1"), "content-type/1");
  EXPECT_EQ(asciiUpper("orders/paid_2"), "ORDERS/PAID_2");
  // The UTF-8 letters (İ, Ç, Ğ, ş) keep their bytes; only the ASCII ones
  // change. Turkish casing is the opt-out keyword matcher's, not this.
  EXPECT_EQ(asciiLower("İSTANBUL ÇIĞ"), "İstanbul ÇiĞ");
  EXPECT_EQ(asciiUpper("şişli"), "şIşLI");
}

TEST(TextTest, EqualsIgnoringAsciiCaseComparesWholeStrings) {
  EXPECT_TRUE(equalsIgnoringAsciiCase("Content-Length", "content-LENGTH"));
  EXPECT_TRUE(equalsIgnoringAsciiCase("", ""));
  EXPECT_FALSE(equalsIgnoringAsciiCase("Content-Length", "Content-Lengt"));
  EXPECT_FALSE(equalsIgnoringAsciiCase("a", "b"));
  EXPECT_FALSE(equalsIgnoringAsciiCase("Ç", "ç"));
  // '@' (0x40) and '`' (0x60) sit next to the letters: no folding there.
  EXPECT_FALSE(equalsIgnoringAsciiCase("@", "`"));
}

TEST(TextTest, HexDigitsAndJoin) {
  EXPECT_EQ(hexDigitValue('0'), 0);
  EXPECT_EQ(hexDigitValue('f'), 15);
  EXPECT_EQ(hexDigitValue('F'), 15);
  EXPECT_EQ(hexDigitValue('g'), -1);
  EXPECT_EQ(joinStrings({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(joinStrings({}, ", "), "");
}

}  // namespace
}  // namespace cartrelay::core
