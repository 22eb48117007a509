#include "app/config/values.h"

#include <gtest/gtest.h>

#include "app/config/schema.h"

namespace cartrelay::app::config {
namespace {

TEST(ConfigValues, Durations) {
  EXPECT_EQ(*parseDurationMillis("250ms"), 250);
  EXPECT_EQ(*parseDurationMillis("90s"), 90'000);
  EXPECT_EQ(*parseDurationMillis("5m"), 300'000);
  EXPECT_EQ(*parseDurationMillis("3d"), 259'200'000);
  for (const char* bad : {"", "5", "m", "-1s", "1.5h", "1w", "99999999999999999d"}) {
    EXPECT_FALSE(parseDurationMillis(bad).isOk()) << bad;
  }
}

TEST(ConfigValues, Sizes) {
  EXPECT_EQ(*parseSizeBytes("1048576"), 1048576);
  EXPECT_EQ(*parseSizeBytes("512KiB"), 512 * 1024);
  EXPECT_EQ(*parseSizeBytes("1MiB"), 1024 * 1024);
  EXPECT_FALSE(parseSizeBytes("1MB").isOk());
  EXPECT_FALSE(parseSizeBytes("lots").isOk());
}

TEST(ConfigValues, ListenAddresses) {
  auto v4 = parseListen("0.0.0.0:8080");
  ASSERT_TRUE(v4.isOk());
  EXPECT_EQ(v4->host, "0.0.0.0");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = parseListen("[::1]:0");
  ASSERT_TRUE(v6.isOk());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  for (const char* bad : {"8080", ":8080", "host:", "h:70000", "::1:80", "[::1]80"}) {
    EXPECT_FALSE(parseListen(bad).isOk()) << bad;
  }
}

TEST(ConfigValues, TimeWindowsAndLists) {
  auto w = parseTimeWindow("22:30-07:15");
  ASSERT_TRUE(w.isOk());
  EXPECT_EQ(w->start_minute, 22 * 60 + 30);
  EXPECT_EQ(w->end_minute, 7 * 60 + 15);
  EXPECT_FALSE(parseTimeWindow("24:00-08:00").isOk());
  EXPECT_FALSE(parseTimeWindow("08:00-08:00").isOk());
  EXPECT_EQ(parseList(" a, b ,,c "), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ConfigValues, TimeZonesMustBeZoneFilesOfTheSystemDatabase) {
  const KeySpec spec{"daemon", "timezone", ValueType::kTimezone, "Europe/Istanbul", false, 0, 0,
                     "",       ""};
  for (const char* ok :
       {"Europe/Istanbul", "Europe/Berlin", "UTC", "America/Argentina/Buenos_Aires"}) {
    EXPECT_TRUE(validateValue(spec, ok).isOk()) << ok;
  }
  // Unknown, outside the database, or a directory rather than a zone file.
  for (const char* bad :
       {"", "Europe/Atlantis", "../../etc/passwd", "/etc/localtime", "Europe", "europe istanbul"}) {
    auto status = validateValue(spec, bad);
    EXPECT_EQ(status.code(), core::Status::Code::kInvalidArgument) << bad;
    EXPECT_NE(status.message().find("Europe/Istanbul"), std::string::npos) << status.message();
  }
}

}  // namespace
}  // namespace cartrelay::app::config
