#include "compliance/merkle_frontier.h"

#include <bit>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/audit_hash.h"
#include "core/util/crypto.h"
#include "tests/compliance/test_vectors.h"

namespace cartrelay::compliance {
namespace {

using core::crypto::hexEncode;

TEST(MerkleFrontier, EmptyFrontierHasTheEmptyTreeHash) {
  MerkleFrontier frontier;
  EXPECT_EQ(frontier.size(), 0u);
  EXPECT_EQ(frontier.root(), emptyTreeHash());
}

// Every size from 0 to 300 covers each shape of compact range up to nine
// subtrees, including the exact powers of two where they all collapse into one.
TEST(MerkleFrontier, MatchesTheTreeHeadForEverySizeUpTo300) {
  std::mt19937_64 rng(20240917);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<std::size_t> length(0, 64);
  std::vector<std::string> leaves;
  MerkleFrontier frontier;
  for (std::size_t n = 0; n <= 300; ++n) {
    if (n > 0) {
      std::string entry(length(rng), '\0');
      for (char& c : entry) c = static_cast<char>(byte(rng));
      leaves.push_back(leafHash(entry));
      ASSERT_TRUE(frontier.append(leaves.back()).isOk());
    }
    auto expected = merkleTreeHeadFromLeafHashes(std::span<const std::string>(leaves));
    ASSERT_TRUE(expected.isOk());
    ASSERT_EQ(frontier.size(), n);
    ASSERT_EQ(hexEncode(frontier.root()), hexEncode(*expected)) << "size " << n;
  }
}

TEST(MerkleFrontier, ReproducesTheRfc6962ReferenceRoots) {
  const auto& entries = testing::referenceEntries();
  const auto& roots = testing::referenceRoots();
  ASSERT_EQ(entries.size(), roots.size());
  MerkleFrontier frontier;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ASSERT_TRUE(frontier.append(leafHash(entries[i])).isOk());
    EXPECT_EQ(hexEncode(frontier.root()), roots[i]) << "size " << i + 1;
  }
}

TEST(MerkleFrontier, RejectsALeafHashOfTheWrongSizeAndKeepsItsState) {
  MerkleFrontier frontier;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(frontier.append(leafHash(std::to_string(i))).isOk());
  const std::string root_before = frontier.root();

  for (const std::string& bad :
       {std::string(), std::string(31, 'x'), std::string(33, 'x'), std::string("entry")}) {
    core::Status status = frontier.append(bad);
    EXPECT_EQ(status.code(), core::Status::Code::kInvalidArgument) << bad.size();
    EXPECT_EQ(frontier.size(), 3u);
    EXPECT_EQ(frontier.root(), root_before);
  }

  // It carries on exactly as if the bad leaves had never been offered.
  ASSERT_TRUE(frontier.append(leafHash("3")).isOk());
  std::vector<std::string> leaves;
  for (int i = 0; i < 4; ++i) leaves.push_back(leafHash(std::to_string(i)));
  auto expected = merkleTreeHeadFromLeafHashes(std::span<const std::string>(leaves));
  ASSERT_TRUE(expected.isOk());
  EXPECT_EQ(frontier.root(), *expected);
}

// One subtree head per set bit of the size, largest first, each the head of
// its own slice of leaves: the compact range consistencyProof() works from.
TEST(MerkleFrontier, SubtreeRootsAreTheCompactRange) {
  std::vector<std::string> leaves;
  for (int i = 0; i < 70; ++i) leaves.push_back(leafHash("entry " + std::to_string(i)));
  MerkleFrontier frontier;
  EXPECT_TRUE(frontier.subtreeRoots().empty());
  for (std::size_t first = 1; first < leaves.size(); ++first) {
    ASSERT_TRUE(frontier.append(leaves[first - 1]).isOk());
    const std::vector<std::string> range = frontier.subtreeRoots();
    ASSERT_EQ(range.size(), static_cast<std::size_t>(std::popcount(first))) << first;

    std::size_t begin = 0;
    std::size_t i = 0;
    for (int bit = 63; bit >= 0; --bit) {
      const std::size_t width = std::size_t{1} << bit;
      if ((first & width) == 0) continue;
      auto head =
          merkleTreeHeadFromLeafHashes(std::span<const std::string>(leaves).subspan(begin, width));
      ASSERT_TRUE(head.isOk());
      EXPECT_EQ(range[i++], *head) << "size " << first << ", subtree of " << width;
      begin += width;
    }
  }
}

TEST(MerkleFrontier, ACopyIsAnIndependentSnapshot) {
  MerkleFrontier frontier;
  ASSERT_TRUE(frontier.append(leafHash("a")).isOk());
  MerkleFrontier snapshot = frontier;
  ASSERT_TRUE(frontier.append(leafHash("b")).isOk());
  EXPECT_EQ(snapshot.size(), 1u);
  EXPECT_EQ(snapshot.root(), leafHash("a"));
  EXPECT_EQ(frontier.root(), nodeHash(leafHash("a"), leafHash("b")));
}

}  // namespace
}  // namespace cartrelay::compliance
