#include "core/util/clock.h"

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

TEST(ParseIso8601, ThePlatformsFormats) {
  EXPECT_EQ(*parseIso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*parseIso8601("2026-11-22T15:04:05Z"), 1795359845000);
  EXPECT_EQ(*parseIso8601("2026-11-22T15:04:05.123Z"), 1795359845123);
  EXPECT_EQ(*parseIso8601("2025-07-10T16:15:47.000000Z"), *parseIso8601("2025-07-10T16:15:47Z"));
  // Offsets: Shopify's "-04:00" and "+0300".
  EXPECT_EQ(*parseIso8601("2004-06-13T11:57:11-04:00"), *parseIso8601("2004-06-13T15:57:11Z"));
  EXPECT_EQ(*parseIso8601("2026-11-22T18:04:05+0300"), 1795359845000);
  // WooCommerce *_gmt fields have no zone and are UTC.
  EXPECT_EQ(*parseIso8601("2017-03-22T16:28:08"), *parseIso8601("2017-03-22T16:28:08Z"));
  EXPECT_EQ(*parseIso8601("2017-03-22 16:28:08"), *parseIso8601("2017-03-22T16:28:08Z"));
  EXPECT_EQ(*parseIso8601("2024-02-29T00:00:00Z"), 1709164800000);
  EXPECT_EQ(formatIso8601(*parseIso8601("2026-11-22T15:04:05.123Z")), "2026-11-22T15:04:05.123Z");
}

TEST(ParseIso8601, RefusesAnythingElse) {
  for (const char* bad : {"", "2026-11-22", "2026-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                          "2026-11-22T24:00:00Z", "2026-11-22T10:00:00X", "22/11/2026 10:00",
                          "2026-11-22T10:00:00+3", "2026-11-22T10:00:00Zjunk"}) {
    EXPECT_FALSE(parseIso8601(bad).isOk()) << bad;
  }
}

}  // namespace
}  // namespace cartrelay::core
