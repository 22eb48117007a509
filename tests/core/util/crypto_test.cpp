#include "core/util/crypto.h"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

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

TEST(Crypto, RandomBytesNeverRepeatAcrossPoolRefillsOrSizes) {
  // Many small requests cross several 4 KiB pool refills; one large request
  // bypasses the pool. No 16-byte value may ever come out twice.
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    auto r = crypto::randomBytes(16);
    ASSERT_TRUE(r.isOk());
    ASSERT_EQ(r->size(), 16u);
    EXPECT_TRUE(seen.insert(*r).second) << "repeated random value at request " << i;
  }
  auto big = crypto::randomBytes(1000);
  ASSERT_TRUE(big.isOk());
  EXPECT_EQ(big->size(), 1000u);
  EXPECT_TRUE(crypto::randomBytes(0)->empty());
}

TEST(Crypto, ForkedChildDoesNotRepeatItsParentsRandomBytes) {
  ASSERT_TRUE(crypto::randomBytes(12).isOk());  // the parent's pool holds bytes now
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto r = crypto::randomBytes(32);
    ssize_t written = r.isOk() ? ::write(fds[1], r->data(), r->size()) : -1;
    ::_exit(written == 32 ? 0 : 1);
  }
  ::close(fds[1]);
  auto mine = crypto::randomBytes(32);
  std::string theirs(32, '\0');
  ssize_t got = ::read(fds[0], theirs.data(), theirs.size());
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(got, 32);
  ASSERT_TRUE(mine.isOk());
  EXPECT_NE(*mine, theirs);
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
