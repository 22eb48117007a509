#include "core/util/base64.h"

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

// RFC 4648 §10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {{"", ""},
                                                          {"f", "Zg=="},
                                                          {"fo", "Zm8="},
                                                          {"foo", "Zm9v"},
                                                          {"foob", "Zm9vYg=="},
                                                          {"fooba", "Zm9vYmE="},
                                                          {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : kVectors) {
    EXPECT_EQ(base64Encode(plain), encoded);
    auto decoded = base64Decode(encoded);
    ASSERT_TRUE(decoded.isOk()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  auto back = base64Decode(base64Encode(all));
  ASSERT_TRUE(back.isOk());
  EXPECT_EQ(*back, all);
}

// RFC 4648 §5: '-' and '_' for '+' and '/', and no padding.
TEST(Base64, UrlAlphabetWithoutPadding) {
  EXPECT_EQ(base64UrlEncode(""), "");
  EXPECT_EQ(base64UrlEncode("f"), "Zg");
  EXPECT_EQ(base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(base64UrlEncode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(base64Encode("\xfb\xff\xbf"), "+/+/");
  EXPECT_EQ(base64UrlEncode(std::string(16, '\xff')).size(), 22u);
}

TEST(Base64, RejectsMalformedInput) {
  for (const char* bad : {"Zg=", "Zm9v!", "Z===", "=Zm9", "Zg==Zg==", "Zm 9v", "Zm9v\n"}) {
    EXPECT_EQ(base64Decode(bad).status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace cartrelay::core
