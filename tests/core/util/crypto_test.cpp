#include "core/util/crypto.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/util/base64.h"
#include "core/util/keyed_hash.h"

namespace cartrelay::core {
namespace {

TEST(Crypto, Sha256KnownAnswer) {
  EXPECT_EQ(crypto::hexEncode(crypto::sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// RFC 4231 test case 2.
TEST(Crypto, HmacSha256Rfc4231) {
  EXPECT_EQ(crypto::hexEncode(crypto::hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, ConstantTimeEquals) {
  EXPECT_TRUE(crypto::constantTimeEquals("abc", "abc"));
  EXPECT_FALSE(crypto::constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(crypto::constantTimeEquals("abc", "abcd"));
  EXPECT_TRUE(crypto::constantTimeEquals("", ""));
}

TEST(Crypto, HexRoundTripAndErrors) {
  auto raw = crypto::hexDecode("00ff10AB");
  ASSERT_TRUE(raw.isOk());
  EXPECT_EQ(crypto::hexEncode(*raw), "00ff10ab");
  EXPECT_FALSE(crypto::hexDecode("abc").isOk());
  EXPECT_FALSE(crypto::hexDecode("zz").isOk());
}

TEST(Crypto, MatchHmacSha256AgainstSecretList) {
  const std::string body = R"({"id":1})";
  const std::string mac = crypto::hmacSha256("current", body);
  const std::vector<std::string> rotating = {"current", "previous"};
  EXPECT_EQ(crypto::matchHmacSha256(mac, body, rotating), crypto::MacMatch::kMatch);
  const std::vector<std::string> old_first = {"other", "current"};
  EXPECT_EQ(crypto::matchHmacSha256(mac, body, old_first), crypto::MacMatch::kMatch);
  const std::vector<std::string> wrong = {"other"};
  EXPECT_EQ(crypto::matchHmacSha256(mac, body, wrong), crypto::MacMatch::kMismatch);
  EXPECT_EQ(crypto::matchHmacSha256(mac, body + " ", rotating), crypto::MacMatch::kMismatch);
  // An empty key is one anybody can sign with: never usable.
  const std::vector<std::string> empty = {""};
  EXPECT_EQ(crypto::matchHmacSha256(crypto::hmacSha256("", body), body, empty),
            crypto::MacMatch::kNoUsableSecret);
  EXPECT_EQ(crypto::matchHmacSha256(mac, body, {}), crypto::MacMatch::kNoUsableSecret);
}

TEST(Crypto, RandomBytesDiffer) {
  auto a = crypto::randomBytes(32);
  auto b = crypto::randomBytes(32);
  ASSERT_TRUE(a.isOk());
  ASSERT_TRUE(b.isOk());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
}

TEST(KeyedHasher, DependsOnKeyDomainAndValue) {
  auto h1 = KeyedHasher::create(std::string(32, 'a'));
  auto h2 = KeyedHasher::create(std::string(32, 'b'));
  ASSERT_TRUE(h1.isOk());
  ASSERT_TRUE(h2.isOk());
  std::string phone = h1->hash("phone", "+905321234567");
  EXPECT_EQ(phone.size(), 64u);
  EXPECT_EQ(phone, h1->hash("phone", "+905321234567"));
  EXPECT_NE(phone, h2->hash("phone", "+905321234567"));
  EXPECT_NE(phone, h1->hash("email", "+905321234567"));
  EXPECT_NE(phone, h1->hash("phone", "+905321234568"));
  // The hash is not a plain digest of the value.
  EXPECT_NE(phone, crypto::hexEncode(crypto::sha256("+905321234567")));
  EXPECT_FALSE(KeyedHasher::create("short").isOk());
}

}  // namespace
}  // namespace cartrelay::core
