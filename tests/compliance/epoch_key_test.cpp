#include "compliance/epoch_key.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/util/crypto.h"
#include "tests/compliance/test_vectors.h"

namespace cartrelay::compliance {
namespace {

using core::crypto::hexEncode;

using testing::unhex;

// RFC 8032 section 7.1, TEST 1: the published seed, public key and the
// signature of the empty message.
TEST(EpochKey, Rfc8032Test1) {
  auto key = EpochKey::fromSeed(
      0, unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(key.isOk()) << key.status().toString();
  EXPECT_EQ(hexEncode(key->publicKey()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto signature = key->sign("");
  ASSERT_TRUE(signature.isOk());
  EXPECT_EQ(
      hexEncode(*signature),
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
      "1cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(verifyEd25519(key->publicKey(), "", *signature));
}

TEST(EpochKey, SignaturesVerifyOnlyForTheirMessageAndKey) {
  auto key = EpochKey::generate();
  ASSERT_TRUE(key.isOk());
  auto other = EpochKey::generate();
  ASSERT_TRUE(other.isOk());
  auto signature = key->sign("checkpoint 7");
  ASSERT_TRUE(signature.isOk());
  EXPECT_TRUE(verifyEd25519(key->publicKey(), "checkpoint 7", *signature));
  EXPECT_FALSE(verifyEd25519(key->publicKey(), "checkpoint 8", *signature));
  EXPECT_FALSE(verifyEd25519(other->publicKey(), "checkpoint 7", *signature));
  std::string flipped = *signature;
  flipped[10] ^= 0x01;
  EXPECT_FALSE(verifyEd25519(key->publicKey(), "checkpoint 7", flipped));
  EXPECT_FALSE(verifyEd25519(key->publicKey(), "checkpoint 7", signature->substr(0, 63)));
  EXPECT_FALSE(verifyEd25519("short", "checkpoint 7", *signature));
}

TEST(EpochKey, EvolutionIsDeterministicAndEveryEpochHasItsOwnKey) {
  const std::string seed =
      unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  auto a = EpochKey::fromSeed(0, seed);
  auto b = EpochKey::fromSeed(0, seed);
  ASSERT_TRUE(a.isOk() && b.isOk());
  std::set<std::string> public_keys{a->publicKey()};
  EpochKey ka = std::move(a).value();
  EpochKey kb = std::move(b).value();
  for (int e = 1; e <= 50; ++e) {
    auto na = ka.next();
    auto nb = kb.next();
    ASSERT_TRUE(na.isOk() && nb.isOk());
    ka = std::move(na).value();
    kb = std::move(nb).value();
    EXPECT_EQ(ka.epoch(), e);
    EXPECT_EQ(ka.publicKey(), kb.publicKey()) << "epoch " << e;  // same seed, same chain
    EXPECT_TRUE(public_keys.insert(ka.publicKey()).second) << "epoch " << e << " repeats a key";
  }
  // A key file restored at epoch 50 continues the same chain.
  auto restored = EpochKey::fromSeed(50, ka.seed());
  ASSERT_TRUE(restored.isOk());
  EXPECT_EQ(restored->next()->publicKey(), ka.next()->publicKey());
}

TEST(EpochKey, ALaterKeyCannotSignForAnEarlierEpoch) {
  auto first = EpochKey::generate();
  ASSERT_TRUE(first.isOk());
  const std::string epoch0_public = first->publicKey();
  auto later = first->next();
  ASSERT_TRUE(later.isOk());
  auto forged = later->sign("checkpoint of epoch 0");
  ASSERT_TRUE(forged.isOk());
  EXPECT_FALSE(verifyEd25519(epoch0_public, "checkpoint of epoch 0", *forged));
}

TEST(EpochKey, RefusesMalformedSeeds) {
  EXPECT_EQ(EpochKey::fromSeed(0, "short").status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_EQ(EpochKey::fromSeed(-1, std::string(32, 'k')).status().code(),
            core::Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cartrelay::compliance
