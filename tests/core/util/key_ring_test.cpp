#include "core/util/key_ring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util/secret_file.h"
#include "tests/support/temp_dir.h"

namespace cartrelay::core {
namespace {

unsigned modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST(KeyRing, GenerateThenLoad) {
  testing::TempDir dir;
  std::string keys = dir.file("keys");
  auto created = KeyRing::generateMissing(keys, 0600, -1);
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_EQ(created->size(), 2u);
  EXPECT_EQ(modeOf(keys + "/master.key"), 0600u);
  EXPECT_EQ(modeOf(keys + "/lookup.key"), 0600u);
  EXPECT_EQ(modeOf(keys), 0700u);

  auto ring = KeyRing::load(keys);
  ASSERT_TRUE(ring.isOk()) << ring.status().toString();
  auto dk = ring->cipher().newDataKey();
  EXPECT_TRUE(dk.isOk());

  // A second run keeps the existing keys: the same hash comes out after reload.
  std::string before = ring->hasher().hash("phone", "+905321234567");
  auto again = KeyRing::generateMissing(keys, 0600, -1);
  ASSERT_TRUE(again.isOk());
  EXPECT_TRUE(again->empty());
  auto reloaded = KeyRing::load(keys);
  ASSERT_TRUE(reloaded.isOk());
  EXPECT_EQ(reloaded->hasher().hash("phone", "+905321234567"), before);
}

TEST(KeyRing, GroupReadableKeyForOwnGroupIsAccepted) {
  testing::TempDir dir;
  std::string keys = dir.file("keys");
  ASSERT_TRUE(KeyRing::generateMissing(keys, 0640, static_cast<long>(::getegid())).isOk());
  EXPECT_EQ(modeOf(keys + "/master.key"), 0640u);
  // The group must be able to enter the directory it shares.
  EXPECT_EQ(modeOf(keys), 0750u);
  EXPECT_TRUE(KeyRing::load(keys).isOk());
}

TEST(KeyRing, MissingOrUnsafeKeysRefuseToLoad) {
  testing::TempDir dir;
  std::string keys = dir.file("keys");
  auto missing = KeyRing::load(keys);
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("cartrelay keygen"), std::string::npos);

  ASSERT_TRUE(KeyRing::generateMissing(keys, 0600, -1).isOk());
  ASSERT_EQ(::chmod((keys + "/master.key").c_str(), 0604), 0);
  auto unsafe = KeyRing::load(keys);
  EXPECT_EQ(unsafe.status().code(), Status::Code::kPermanent);
  EXPECT_NE(unsafe.status().message().find("0604"), std::string::npos);
}

TEST(SecretFile, ModeRules) {
  testing::TempDir dir;
  EXPECT_TRUE(checkSecretFileMode(dir.writeFile("ok", "s", 0600)).isOk());
  EXPECT_TRUE(checkSecretFileMode(dir.writeFile("ro", "s", 0400)).isOk());
  EXPECT_FALSE(checkSecretFileMode(dir.writeFile("world", "s", 0644)).isOk());
  EXPECT_FALSE(checkSecretFileMode(dir.writeFile("gw", "s", 0620)).isOk());
  EXPECT_EQ(checkSecretFileMode(dir.file("absent")).code(), Status::Code::kNotFound);

  auto content = readSecretFile(dir.writeFile("nl", "token-value\n", 0600));
  ASSERT_TRUE(content.isOk());
  EXPECT_EQ(*content, "token-value");
  EXPECT_EQ(readSecretFile(dir.writeFile("empty", "\n", 0600)).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(writeSecretFile(dir.file("ok"), "x", 0600).code(), Status::Code::kDuplicate);
}

}  // namespace
}  // namespace cartrelay::core
