#include "core/util/phone.h"

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

TEST(NormalisePhone, TurkishFormsBecomeOneE164Number) {
  for (const char* raw : {"0532 123 45 67", "+90 (532) 123 45 67", "0090 532 123 45 67",
                          "00905321234567", "5321234567", "+905321234567", " 0532-123-45-67 "}) {
    NormalisedPhone p = normalisePhone(raw, "TR");
    EXPECT_TRUE(p.valid) << raw;
    EXPECT_EQ(p.value, "+905321234567") << raw;
  }
}

TEST(NormalisePhone, ExplicitCountryCodeWinsOverTheDefaultRegion) {
  NormalisedPhone p = normalisePhone("+49 30 901820", "TR");
  EXPECT_TRUE(p.valid);
  EXPECT_EQ(p.value, "+4930901820");
}

TEST(NormalisePhone, InvalidOrAmbiguousInputIsKeptButNeverValid) {
  NormalisedPhone fake = normalisePhone("555-555-SHIP", "US");
  EXPECT_FALSE(fake.valid);
  EXPECT_EQ(fake.value, "555-555-SHIP");
  // A national number without a region is ambiguous: not guessed.
  EXPECT_FALSE(normalisePhone("0532 123 45 67", "").valid);
  EXPECT_FALSE(normalisePhone("not a phone", "TR").valid);
  NormalisedPhone empty = normalisePhone("   ", "TR");
  EXPECT_FALSE(empty.valid);
  EXPECT_EQ(empty.value, "");
}

}  // namespace
}  // namespace cartrelay::core

namespace cartrelay::core {
namespace {

TEST(Phone, AValidNumberKnowsItsRegion) {
  EXPECT_EQ(normalisePhone("0532 123 45 67", "TR").region, "TR");
  EXPECT_EQ(normalisePhone("+49 30 901820", "TR").region, "DE");
  EXPECT_EQ(normalisePhone("12", "TR").region, "");
}

}  // namespace
}  // namespace cartrelay::core
