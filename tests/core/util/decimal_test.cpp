#include "core/util/decimal.h"

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

TEST(ParseDecimalMinor, ExactMinorUnitsWithoutFloatingPoint) {
  EXPECT_EQ(*parseDecimalMinor("1299.90", 2), 129990);
  EXPECT_EQ(*parseDecimalMinor("1299.9", 2), 129990);
  EXPECT_EQ(*parseDecimalMinor("1299", 2), 129900);
  EXPECT_EQ(*parseDecimalMinor("0.01", 2), 1);
  EXPECT_EQ(*parseDecimalMinor("-5.00", 2), -500);
  EXPECT_EQ(*parseDecimalMinor("0.29", 2), 29);      // 0.29 is not exact in binary
  EXPECT_EQ(*parseDecimalMinor("19.990", 2), 1999);  // trailing zeros beyond precision
  EXPECT_EQ(*parseDecimalMinor("1000", 0), 1000);
  EXPECT_EQ(*parseDecimalMinor("1.234", 3), 1234);
  EXPECT_EQ(*parseDecimalMinor(" 42.00 ", 2), 4200);
  EXPECT_EQ(*parseDecimalMinor("92233720368547758.07", 2), 9223372036854775807);
}

TEST(ParseDecimalMinor, RefusesWhatIsNotAPlainDecimal) {
  for (const char* bad : {"1.299,90", "1,299.90", "1e3", "", "-", ".", "12a", "1..2", "+5", "0.001",
                          "92233720368547758.08"}) {
    auto r = parseDecimalMinor(bad, 2);
    EXPECT_FALSE(r.isOk()) << bad;
    if (!r.isOk() && bad[0] != '\0') {
      EXPECT_EQ(r.status().message().find(bad), std::string::npos) << "message quotes the input";
    }
  }
}

TEST(FormatDecimalMinor, RoundTripsWithParse) {
  EXPECT_EQ(formatDecimalMinor(129990, 2), "1299.90");
  EXPECT_EQ(formatDecimalMinor(-5, 2), "-0.05");
  EXPECT_EQ(formatDecimalMinor(1500, 0), "1500");
  EXPECT_EQ(formatDecimalMinor(1234, 3), "1.234");
  for (std::int64_t v :
       {0LL, 1LL, -1LL, 129990LL, 9223372036854775807LL, -9223372036854775807LL - 1}) {
    EXPECT_EQ(*parseDecimalMinor(formatDecimalMinor(v, 2), 2), v) << v;
  }
}

TEST(CurrencyExponent, KnowsTheExceptions) {
  EXPECT_EQ(currencyExponent("TRY"), 2);
  EXPECT_EQ(currencyExponent("EUR"), 2);
  EXPECT_EQ(currencyExponent("JPY"), 0);
  EXPECT_EQ(currencyExponent("KWD"), 3);
  EXPECT_EQ(currencyExponent(""), 2);
}

}  // namespace
}  // namespace cartrelay::core
