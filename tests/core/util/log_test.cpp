#include "core/util/log.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setSinkForTesting([this](std::string_view line) { lines_.emplace_back(line); });
  }
  void TearDown() override {
    log::setSinkForTesting(nullptr);
    log::setMinLevel(log::Level::kInfo);
  }
  std::vector<std::string> lines_;
};

TEST_F(LogTest, OneLinePerEventWithFields) {
  log::info("http.request").kv("route", "/healthz").kv("status", 200).kv("ok", true);
  ASSERT_EQ(lines_.size(), 1u);
  const std::string& line = lines_[0];
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_NE(line.find(" INFO http.request route=/healthz status=200 ok=true"), std::string::npos)
      << line;
}

TEST_F(LogTest, ValuesCannotForgeLines) {
  log::warn("x").kv("reason", "bad\nINFO forged=1 \"q\"");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find('\n'), lines_[0].size() - 1);
  EXPECT_NE(lines_[0].find(R"(reason="bad\nINFO forged=1 \"q\"")"), std::string::npos) << lines_[0];
}

TEST_F(LogTest, LevelsFilter) {
  log::setMinLevel(log::Level::kWarn);
  log::info("dropped");
  log::error("kept").status(Status::unavailable("db down"));
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NE(lines_[0].find("ERROR kept status=UNAVAILABLE error=\"db down\""), std::string::npos)
      << lines_[0];
}

TEST(LogLevel, Parse) {
  EXPECT_EQ(*log::parseLevel("debug"), log::Level::kDebug);
  EXPECT_EQ(*log::parseLevel("error"), log::Level::kError);
  EXPECT_FALSE(log::parseLevel("verbose").isOk());
}

}  // namespace
}  // namespace cartrelay::core
