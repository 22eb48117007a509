#include "compliance/audit_key_file.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compliance/epoch_key.h"
#include "core/util/base64.h"
#include "core/util/crypto.h"
#include "tests/support/temp_dir.h"

namespace cartrelay::compliance {
namespace {

using core::Status;

unsigned modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::string contentOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> namesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

// The third line of a key file: base64 of its seed.
std::string seedLineOf(const std::string& content) {
  std::size_t second = content.find('\n', content.find('\n') + 1);
  std::size_t third = content.find('\n', second + 1);
  return content.substr(second + 1, third - second - 1);
}

EpochKey loadOrDie(const std::string& dir) {
  auto key = AuditKeyFile::load(dir);
  EXPECT_TRUE(key.isOk()) << key.status().toString();
  return std::move(key).value();
}

TEST(AuditKeyFile, CreateThenLoadRoundTrips) {
  cartrelay::testing::TempDir dir;
  auto created = AuditKeyFile::createIfMissing(dir.path(), 0600, -1);
  ASSERT_TRUE(created.isOk()) << created.status().toString();
  EXPECT_TRUE(*created);
  const std::string path = dir.file(AuditKeyFile::kFileName);
  EXPECT_EQ(modeOf(path), 0600u);

  const std::string content = contentOf(path);
  const std::string seed_line = seedLineOf(content);
  EXPECT_EQ(content, "cartrelay-audit-key v1\nepoch 0\n" + seed_line + "\n");
  auto seed = core::base64Decode(seed_line);
  ASSERT_TRUE(seed.isOk());
  auto expected = EpochKey::fromSeed(0, *seed);
  ASSERT_TRUE(expected.isOk());

  EpochKey key = loadOrDie(dir.path());
  EXPECT_EQ(key.epoch(), 0);
  EXPECT_EQ(key.publicKey(), expected->publicKey());
  EXPECT_EQ(key.seed(), *seed);
  EXPECT_EQ(loadOrDie(dir.path()).publicKey(), key.publicKey());
}

TEST(AuditKeyFile, CreateIfMissingNeverOverwrites) {
  cartrelay::testing::TempDir dir;
  ASSERT_TRUE(AuditKeyFile::createIfMissing(dir.path(), 0600, -1).isOk());
  const std::string path = dir.file(AuditKeyFile::kFileName);
  const std::string before = contentOf(path);

  auto again = AuditKeyFile::createIfMissing(dir.path(), 0600, -1);
  ASSERT_TRUE(again.isOk()) << again.status().toString();
  EXPECT_FALSE(*again);
  EXPECT_EQ(contentOf(path), before);

  // Not even a file it cannot read is replaced: that is for a human to sort out.
  cartrelay::testing::TempDir other;
  other.writeFile(AuditKeyFile::kFileName, "not a key\n", 0644);
  auto occupied = AuditKeyFile::createIfMissing(other.path(), 0600, -1);
  ASSERT_TRUE(occupied.isOk());
  EXPECT_FALSE(*occupied);
  EXPECT_EQ(contentOf(other.file(AuditKeyFile::kFileName)), "not a key\n");
}

TEST(AuditKeyFile, StoreNextThenLoadGivesTheNextEpoch) {
  cartrelay::testing::TempDir dir;
  ASSERT_TRUE(AuditKeyFile::createIfMissing(dir.path(), 0600, -1).isOk());
  const std::string path = dir.file(AuditKeyFile::kFileName);
  const std::string old_seed_line = seedLineOf(contentOf(path));

  EpochKey first = loadOrDie(dir.path());
  auto second = first.next();
  ASSERT_TRUE(second.isOk());
  Status stored = AuditKeyFile::store(dir.path(), *second);
  ASSERT_TRUE(stored.isOk()) << stored.toString();

  EpochKey loaded = loadOrDie(dir.path());
  EXPECT_EQ(loaded.epoch(), 1);
  EXPECT_EQ(loaded.publicKey(), second->publicKey());
  EXPECT_NE(loaded.publicKey(), first.publicKey());

  const std::string content = contentOf(path);
  EXPECT_EQ(content.find(old_seed_line), std::string::npos) << "the old seed is still in the file";
  EXPECT_EQ(content.rfind("cartrelay-audit-key v1\nepoch 1\n", 0), 0u);
  EXPECT_EQ(modeOf(path), 0600u);
  // The temporary file was renamed, not left beside it.
  EXPECT_EQ(namesIn(dir.path()), std::vector<std::string>{AuditKeyFile::kFileName});

  // Many epochs later the chain still reads back.
  EpochKey current = std::move(loaded);
  for (int e = 2; e <= 10; ++e) {
    auto next = current.next();
    ASSERT_TRUE(next.isOk());
    ASSERT_TRUE(AuditKeyFile::store(dir.path(), *next).isOk());
    current = loadOrDie(dir.path());
    EXPECT_EQ(current.epoch(), e);
    EXPECT_EQ(current.publicKey(), next->publicKey());
  }
}

TEST(AuditKeyFile, StoreCreatesAnOwnerOnlyFileWhenThereIsNone) {
  cartrelay::testing::TempDir dir;
  auto key = EpochKey::generate();
  ASSERT_TRUE(key.isOk());
  ASSERT_TRUE(AuditKeyFile::store(dir.path(), *key).isOk());
  EXPECT_EQ(modeOf(dir.file(AuditKeyFile::kFileName)), 0600u);
  EXPECT_EQ(loadOrDie(dir.path()).publicKey(), key->publicKey());
}

TEST(AuditKeyFile, StoreKeepsAnExisting0640ModeAndGroup) {
  cartrelay::testing::TempDir dir;
  const long group = static_cast<long>(::getegid());
  ASSERT_TRUE(AuditKeyFile::createIfMissing(dir.path(), 0640, group).isOk());
  const std::string path = dir.file(AuditKeyFile::kFileName);
  ASSERT_EQ(modeOf(path), 0640u);

  auto next = loadOrDie(dir.path()).next();
  ASSERT_TRUE(next.isOk());
  ASSERT_TRUE(AuditKeyFile::store(dir.path(), *next).isOk());
  EXPECT_EQ(modeOf(path), 0640u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<long>(st.st_gid), group);
  EXPECT_EQ(loadOrDie(dir.path()).epoch(), 1);
}

// Only root may give a file away to a group it is not in.
TEST(AuditKeyFile, StoreKeepsAForeignGroup) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chgrp";
  cartrelay::testing::TempDir dir;
  ASSERT_TRUE(AuditKeyFile::createIfMissing(dir.path(), 0600, -1).isOk());
  const std::string path = dir.file(AuditKeyFile::kFileName);
  const gid_t foreign = ::getegid() + 4242;
  ASSERT_EQ(::chown(path.c_str(), static_cast<uid_t>(-1), foreign), 0);

  auto next = loadOrDie(dir.path()).next();
  ASSERT_TRUE(next.isOk());
  ASSERT_TRUE(AuditKeyFile::store(dir.path(), *next).isOk());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_gid, foreign);
  EXPECT_EQ(modeOf(path), 0600u);
}

TEST(AuditKeyFile, StoreNeverWidensAnUnsafeMode) {
  cartrelay::testing::TempDir dir;
  ASSERT_TRUE(AuditKeyFile::createIfMissing(dir.path(), 0600, -1).isOk());
  const std::string path = dir.file(AuditKeyFile::kFileName);
  ASSERT_EQ(::chmod(path.c_str(), 0666), 0);
  auto key = EpochKey::generate();
  ASSERT_TRUE(key.isOk());
  ASSERT_TRUE(AuditKeyFile::store(dir.path(), *key).isOk());
  EXPECT_EQ(modeOf(path), 0640u);
}

TEST(AuditKeyFile, WorldReadableFileIsPermanentError) {
  cartrelay::testing::TempDir dir;
  ASSERT_TRUE(AuditKeyFile::createIfMissing(dir.path(), 0600, -1).isOk());
  const std::string path = dir.file(AuditKeyFile::kFileName);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  auto key = AuditKeyFile::load(dir.path());
  EXPECT_EQ(key.status().code(), Status::Code::kPermanent);
  EXPECT_NE(key.status().message().find("0644"), std::string::npos);
  EXPECT_EQ(key.status().message().find(seedLineOf(contentOf(path))), std::string::npos);
}

TEST(AuditKeyFile, MalformedFilesAreInvalidArgumentAndNeverEchoTheSeed) {
  auto raw = core::crypto::randomBytes(32);
  ASSERT_TRUE(raw.isOk());
  const std::string seed = core::base64Encode(*raw);
  const std::string short_seed = core::base64Encode(raw->substr(0, 31));
  const std::string long_seed = core::base64Encode(*raw + "x");
  const std::string bad_base64 = seed.substr(0, 20) + "!" + seed.substr(21);
  const std::string header = "cartrelay-audit-key v1\n";

  struct Case {
    const char* what;
    std::string content;
    std::string secret;  // what must not appear in the message
  };
  const std::vector<Case> cases = {
      {"wrong header", "cartrelay-audit-key v2\nepoch 0\n" + seed + "\n", seed},
      {"no header", "epoch 0\n" + seed + "\n", seed},
      {"seed on line 1", seed + "\nepoch 0\n" + seed + "\n", seed},
      {"seed as the epoch", header + "epoch " + seed + "\n" + seed + "\n", seed},
      {"negative epoch", header + "epoch -1\n" + seed + "\n", seed},
      {"signed epoch", header + "epoch +1\n" + seed + "\n", seed},
      {"epoch not a number", header + "epoch one\n" + seed + "\n", seed},
      {"epoch with trailing text", header + "epoch 1x\n" + seed + "\n", seed},
      {"epoch with leading zero", header + "epoch 01\n" + seed + "\n", seed},
      {"epoch with two spaces", header + "epoch  1\n" + seed + "\n", seed},
      {"epoch overflows", header + "epoch 9223372036854775808\n" + seed + "\n", seed},
      {"no epoch digits", header + "epoch\n" + seed + "\n", seed},
      {"bad base64", header + "epoch 0\n" + bad_base64 + "\n", bad_base64},
      {"short seed", header + "epoch 0\n" + short_seed + "\n", short_seed},
      {"long seed", header + "epoch 0\n" + long_seed + "\n", long_seed},
      {"seed missing", header + "epoch 0\n", seed},
      {"extra line", header + "epoch 0\n" + seed + "\nmore\n", seed},
      {"CRLF line ends", "cartrelay-audit-key v1\r\nepoch 0\r\n" + seed + "\r\n", seed},
  };
  for (const Case& c : cases) {
    cartrelay::testing::TempDir dir;
    const std::string path = dir.writeFile(AuditKeyFile::kFileName, c.content, 0600);
    auto key = AuditKeyFile::load(dir.path());
    EXPECT_EQ(key.status().code(), Status::Code::kInvalidArgument) << c.what;
    const std::string message = key.status().message();
    EXPECT_NE(message.find(path), std::string::npos) << c.what << ": " << message;
    EXPECT_EQ(message.find(c.secret), std::string::npos) << c.what << ": " << message;
    EXPECT_EQ(message.find(seed.substr(0, 12)), std::string::npos) << c.what << ": " << message;
  }

  // The largest epoch is still a valid key file: the limit is int64, not less.
  cartrelay::testing::TempDir dir;
  dir.writeFile(AuditKeyFile::kFileName, header + "epoch 9223372036854775807\n" + seed + "\n",
                0600);
  auto max_epoch = AuditKeyFile::load(dir.path());
  ASSERT_TRUE(max_epoch.isOk()) << max_epoch.status().toString();
  EXPECT_EQ(max_epoch->epoch(), INT64_MAX);
}

TEST(AuditKeyFile, MissingDirectoryOrFileIsNotFound) {
  cartrelay::testing::TempDir dir;
  const std::string absent = dir.file("keys");

  auto created = AuditKeyFile::createIfMissing(absent, 0600, -1);
  EXPECT_EQ(created.status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(absent)) << "the key directory is KeyRing's to create";

  auto loaded = AuditKeyFile::load(absent);
  EXPECT_EQ(loaded.status().code(), Status::Code::kNotFound);
  EXPECT_NE(loaded.status().message().find("cartrelay keygen"), std::string::npos);

  auto no_file = AuditKeyFile::load(dir.path());
  EXPECT_EQ(no_file.status().code(), Status::Code::kNotFound);
  EXPECT_NE(no_file.status().message().find("cartrelay keygen"), std::string::npos);

  const std::string not_a_dir = dir.writeFile("plain", "x", 0600);
  EXPECT_EQ(AuditKeyFile::createIfMissing(not_a_dir, 0600, -1).status().code(),
            Status::Code::kPermanent);
}

TEST(AuditKeyFile, StoreRefusesAMovedFromKey) {
  cartrelay::testing::TempDir dir;
  ASSERT_TRUE(AuditKeyFile::createIfMissing(dir.path(), 0600, -1).isOk());
  const std::string path = dir.file(AuditKeyFile::kFileName);
  const std::string before = contentOf(path);
  EpochKey key = loadOrDie(dir.path());
  EpochKey taken = std::move(key);
  EXPECT_EQ(AuditKeyFile::store(dir.path(), key).code(),  // NOLINT(bugprone-use-after-move)
            Status::Code::kInvalidArgument);
  EXPECT_EQ(contentOf(path), before);
}

// A write that fails half-way (here: the file size limit, as a full disk
// would) must leave the previous key loadable and no temporary file behind.
TEST(AuditKeyFile, FailedStoreLeavesThePreviousFileIntact) {
  cartrelay::testing::TempDir dir;
  ASSERT_TRUE(AuditKeyFile::createIfMissing(dir.path(), 0600, -1).isOk());
  const std::string path = dir.file(AuditKeyFile::kFileName);
  const std::string before = contentOf(path);
  EpochKey key = loadOrDie(dir.path());
  auto next = key.next();
  ASSERT_TRUE(next.isOk());

  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit tiny = saved;
  tiny.rlim_cur = 16;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &tiny), 0);
  Status stored = AuditKeyFile::store(dir.path(), *next);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  std::signal(SIGXFSZ, previous_handler);

  EXPECT_EQ(stored.code(), Status::Code::kUnavailable) << stored.toString();
  EXPECT_NE(stored.message().find(path), std::string::npos) << stored.message();
  EXPECT_EQ(contentOf(path), before);
  EXPECT_EQ(loadOrDie(dir.path()).publicKey(), key.publicKey());
  EXPECT_EQ(namesIn(dir.path()), std::vector<std::string>{AuditKeyFile::kFileName});
}

TEST(AuditKeyFile, StoreIntoAMissingDirectoryFails) {
  cartrelay::testing::TempDir dir;
  auto key = EpochKey::generate();
  ASSERT_TRUE(key.isOk());
  Status stored = AuditKeyFile::store(dir.file("absent"), *key);
  EXPECT_EQ(stored.code(), Status::Code::kUnavailable);
  EXPECT_NE(stored.message().find(dir.file("absent")), std::string::npos);
}

}  // namespace
}  // namespace cartrelay::compliance
