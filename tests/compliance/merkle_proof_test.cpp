#include "compliance/merkle_proof.h"

#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/audit_hash.h"
#include "core/util/crypto.h"
#include "tests/compliance/test_vectors.h"

namespace cartrelay::compliance {
namespace {

using core::crypto::hexEncode;

using testing::unhex;

std::vector<std::string> unhexAll(const std::vector<std::string>& hexes) {
  std::vector<std::string> out;
  for (const auto& h : hexes) out.push_back(unhex(h));
  return out;
}

std::vector<std::string> referenceLeaves() {
  std::vector<std::string> out;
  for (const std::string& entry : testing::referenceEntries()) out.push_back(leafHash(entry));
  return out;
}

std::string root(std::size_t size) { return unhex(testing::referenceRoots()[size - 1]); }

struct InclusionVector {
  std::uint64_t index;
  std::uint64_t size;
  std::vector<std::string> path;
};

TEST(MerkleProof, Rfc6962InclusionVectors) {
  const std::vector<InclusionVector> vectors = {
      {0, 1, {}},
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  const auto leaves = referenceLeaves();
  for (const auto& v : vectors) {
    const std::span<const std::string> tree(leaves.data(), v.size);
    auto proof = inclusionProof(tree, v.index);
    ASSERT_TRUE(proof.isOk());
    std::vector<std::string> got;
    for (const auto& h : *proof) got.push_back(hexEncode(h));
    EXPECT_EQ(got, v.path) << "leaf " << v.index << " of " << v.size;
    EXPECT_TRUE(verifyInclusion(leaves[v.index], v.index, v.size, unhexAll(v.path), root(v.size)))
        << "leaf " << v.index << " of " << v.size;
  }
}

struct ConsistencyVector {
  std::uint64_t first;
  std::uint64_t second;
  std::vector<std::string> path;
};

TEST(MerkleProof, Rfc6962ConsistencyVectors) {
  const std::vector<ConsistencyVector> vectors = {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  const auto leaves = referenceLeaves();
  for (const auto& v : vectors) {
    const std::span<const std::string> tree(leaves.data(), v.second);
    auto proof = consistencyProof(tree, v.first);
    ASSERT_TRUE(proof.isOk());
    std::vector<std::string> got;
    for (const auto& h : *proof) got.push_back(hexEncode(h));
    EXPECT_EQ(got, v.path) << v.first << " -> " << v.second;
    EXPECT_TRUE(
        verifyConsistency(v.first, v.second, root(v.first), root(v.second), unhexAll(v.path)))
        << v.first << " -> " << v.second;
  }
}

std::vector<std::string> randomLeaves(std::mt19937_64& rng, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(leafHash("entry " + std::to_string(rng())));
  return out;
}

// Every proof we generate verifies, and flipping any one bit of any path
// element, or claiming another leaf or index, makes it fail. (A proof alone
// does not bind the tree size to the root: the signed checkpoint does.)
// The heads of the complete subtrees the first `m` leaves split into, largest
// first, computed directly from the leaves.
std::vector<std::string> compactRange(const std::vector<std::string>& leaves, std::size_t m) {
  std::vector<std::string> out;
  std::size_t offset = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const std::size_t width = std::size_t{1} << bit;
    if ((m & width) == 0) continue;
    out.push_back(
        *merkleTreeHeadFromLeafHashes(std::span<const std::string>(leaves).subspan(offset, width)));
    offset += width;
  }
  return out;
}

TEST(MerkleProof, ConsistencyFromTheCompactRangeEqualsTheAllLeavesProof) {
  std::mt19937_64 rng(7);
  const auto leaves = randomLeaves(rng, 40);
  for (std::size_t n = 1; n <= leaves.size(); ++n) {
    std::vector<std::string> tree(leaves.begin(), leaves.begin() + static_cast<long>(n));
    for (std::size_t m = 1; m <= n; ++m) {
      auto expected = consistencyProof(tree, m);
      std::vector<std::string> later(tree.begin() + static_cast<long>(m), tree.end());
      auto compact = consistencyProof(compactRange(tree, m), m, later);
      ASSERT_TRUE(expected.isOk() && compact.isOk()) << m << "->" << n;
      EXPECT_EQ(*compact, *expected) << m << "->" << n;
    }
  }
  auto wrong_range = consistencyProof(compactRange(leaves, 5), 7, leaves);
  EXPECT_EQ(wrong_range.status().code(), core::Status::Code::kInvalidArgument);
}

TEST(MerkleProof, GeneratedProofsVerifyAndEveryMutationFails) {
  std::mt19937_64 rng(20261122);
  for (std::size_t n : {1u, 2u, 3u, 5u, 7u, 8u, 9u, 16u, 17u, 31u, 64u, 100u}) {
    const auto leaves = randomLeaves(rng, n);
    const std::string head = *merkleTreeHeadFromLeafHashes(leaves);
    for (std::size_t m = 0; m < n; ++m) {
      auto proof = inclusionProof(leaves, m);
      ASSERT_TRUE(proof.isOk());
      ASSERT_TRUE(verifyInclusion(leaves[m], m, n, *proof, head)) << m << "/" << n;
      if (n > 1) {
        EXPECT_FALSE(verifyInclusion(leaves[m], (m + 1) % n, n, *proof, head)) << m << "/" << n;
        EXPECT_FALSE(verifyInclusion(leaves[(m + 1) % n], m, n, *proof, head)) << m << "/" << n;
      }
      for (std::size_t i = 0; i < proof->size(); ++i) {
        auto forged = *proof;
        forged[i][rng() % forged[i].size()] ^= static_cast<char>(1 << (rng() % 8));
        EXPECT_FALSE(verifyInclusion(leaves[m], m, n, forged, head)) << m << "/" << n;
      }
    }
    for (std::size_t first = 1; first <= n; ++first) {
      const std::string first_head =
          *merkleTreeHeadFromLeafHashes(std::span<const std::string>(leaves.data(), first));
      auto proof = consistencyProof(leaves, first);
      ASSERT_TRUE(proof.isOk());
      ASSERT_TRUE(verifyConsistency(first, n, first_head, head, *proof)) << first << "->" << n;
      for (std::size_t i = 0; i < proof->size(); ++i) {
        auto forged = *proof;
        forged[i][rng() % forged[i].size()] ^= static_cast<char>(1 << (rng() % 8));
        EXPECT_FALSE(verifyConsistency(first, n, first_head, head, forged)) << first << "->" << n;
      }
      if (first < n) {
        // The new head passed off as the old one.
        EXPECT_FALSE(verifyConsistency(first, n, head, head, *proof));
      }
    }
  }
}

TEST(MerkleProof, RewrittenHistoryIsNotConsistentWithTheOldHead) {
  std::mt19937_64 rng(7);
  auto leaves = randomLeaves(rng, 20);
  const std::string old_head =
      *merkleTreeHeadFromLeafHashes(std::span<const std::string>(leaves.data(), 12));
  leaves[3] = leafHash("rewritten");  // inside the already checkpointed prefix
  const std::string new_head = *merkleTreeHeadFromLeafHashes(leaves);
  auto proof = consistencyProof(leaves, 12);
  ASSERT_TRUE(proof.isOk());
  EXPECT_FALSE(verifyConsistency(12, 20, old_head, new_head, *proof));
}

TEST(MerkleProof, MalformedInputsAreRefusedNotTrusted) {
  std::mt19937_64 rng(3);
  const auto leaves = randomLeaves(rng, 5);
  const std::string head = *merkleTreeHeadFromLeafHashes(leaves);
  EXPECT_EQ(inclusionProof(leaves, 5).status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_EQ(consistencyProof(leaves, 0).status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_EQ(consistencyProof(leaves, 6).status().code(), core::Status::Code::kInvalidArgument);
  const std::vector<std::string> short_hash = {"abc"};
  EXPECT_EQ(inclusionProof(short_hash, 0).status().code(), core::Status::Code::kInvalidArgument);

  auto proof = *inclusionProof(leaves, 2);
  EXPECT_FALSE(verifyInclusion(leaves[2], 2, 0, proof, head));
  EXPECT_FALSE(verifyInclusion(leaves[2], 2, 5, proof, head.substr(0, 31)));
  auto longer = proof;
  longer.push_back(leaves[0]);
  EXPECT_FALSE(verifyInclusion(leaves[2], 2, 5, longer, head));
  auto shorter = proof;
  shorter.pop_back();
  EXPECT_FALSE(verifyInclusion(leaves[2], 2, 5, shorter, head));
  auto truncated_hash = proof;
  truncated_hash[0].pop_back();
  EXPECT_FALSE(verifyInclusion(leaves[2], 2, 5, truncated_hash, head));

  EXPECT_FALSE(verifyConsistency(0, 5, head, head, {}));
  EXPECT_FALSE(verifyConsistency(6, 5, head, head, {}));
  EXPECT_FALSE(verifyConsistency(3, 5, head, head, {}));  // empty path for a real extension
  EXPECT_TRUE(verifyConsistency(5, 5, head, head, {}));
  EXPECT_FALSE(verifyConsistency(5, 5, head, leaves[0], {}));
}

}  // namespace
}  // namespace cartrelay::compliance
