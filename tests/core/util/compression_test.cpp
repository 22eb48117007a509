#include "core/util/compression.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/fixtures.h"

namespace cartrelay::core {
namespace {

TEST(Compression, EveryPlatformFixtureRoundTripsByteExactAndShrinks) {
  int files = 0;
  for (const char* dir : {"shopify", "woocommerce", "whatsapp"}) {
    for (const auto& entry : std::filesystem::directory_iterator(testing::fixturePath(dir))) {
      if (entry.path().extension() != ".json") continue;
      const std::string body =
          testing::readFixture(std::string(dir) + "/" + entry.path().filename().string());
      auto frame = compress(body);
      ASSERT_TRUE(frame.isOk()) << entry.path();
      auto back = decompress(*frame, body.size());
      ASSERT_TRUE(back.isOk()) << entry.path() << ": " << back.status().toString();
      EXPECT_EQ(*back, body) << entry.path();
      // What the inbox relies on: kilobyte JSON bodies get much smaller.
      if (body.size() > 4096) {
        EXPECT_LT(frame->size() * 2, body.size()) << entry.path();
      }
      ++files;
    }
  }
  EXPECT_GT(files, 20);
}

TEST(Compression, EmptyAndBinaryInputRoundTrip) {
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>((i * 7919) & 0xff));
  for (const std::string& in : {std::string(), std::string("Ayşe Yılmaz, İstanbul"), binary}) {
    auto frame = compress(in);
    ASSERT_TRUE(frame.isOk());
    auto back = decompress(*frame, in.size());
    ASSERT_TRUE(back.isOk()) << back.status().toString();
    EXPECT_EQ(*back, in);
  }
}

TEST(Compression, RefusesFramesLargerThanTheLimitBeforeAllocating) {
  auto frame = compress(std::string(100000, 'a'));
  ASSERT_TRUE(frame.isOk());
  EXPECT_LT(frame->size(), 1000u);
  EXPECT_EQ(decompress(*frame, 99999).status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(decompress(*frame, 100000).isOk());
}

TEST(Compression, RefusesGarbageAndTruncatedFrames) {
  EXPECT_EQ(decompress("", 100).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(decompress("abc", 100).status().code(), Status::Code::kInvalidArgument);
  // A plausible size header followed by bytes that are no LZ4 block.
  EXPECT_EQ(decompress(std::string("\x08\0\0\0", 4) + "\xff\xff\xff\xff", 100).status().code(),
            Status::Code::kInvalidArgument);
  auto frame = compress(std::string(5000, 'x') + "tail");
  ASSERT_TRUE(frame.isOk());
  std::string truncated = frame->substr(0, frame->size() - 3);
  EXPECT_EQ(decompress(truncated, 10000).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cartrelay::core
