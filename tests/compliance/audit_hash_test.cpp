#include "compliance/audit_hash.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/util/crypto.h"
#include "tests/compliance/test_vectors.h"

namespace cartrelay::compliance {
namespace {

using core::crypto::hexEncode;
using core::crypto::sha256;

std::string hexOf(const std::string& raw) { return hexEncode(raw); }

// RFC 9162 §2.1.1 written as the recursion it is, independent of the
// implementation's level-by-level reduction.
std::string referenceMth(const std::vector<std::string>& entries, std::size_t begin,
                         std::size_t end) {
  const std::size_t n = end - begin;
  if (n == 0) return sha256("");
  if (n == 1) return sha256(std::string(1, '\x00') + entries[begin]);
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;  // largest power of two smaller than n
  return sha256(std::string(1, '\x01') + referenceMth(entries, begin, begin + k) +
                referenceMth(entries, begin + k, end));
}

std::vector<std::string> numberedEntries(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back("audit record " + std::to_string(i));
  return out;
}

TEST(AuditHash, EmptyTreeIsSha256OfEmptyString) {
  EXPECT_EQ(hexOf(emptyTreeHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(merkleTreeHead({}), emptyTreeHash());
  auto from_hashes = merkleTreeHeadFromLeafHashes({});
  ASSERT_TRUE(from_hashes.isOk());
  EXPECT_EQ(*from_hashes, emptyTreeHash());
}

TEST(AuditHash, PrimitivesUseDomainSeparationPrefixes) {
  EXPECT_EQ(leafHash("abc"), sha256(std::string("\x00"
                                                "abc",
                                                4)));
  const std::string l(32, 'L');
  const std::string r(32, 'R');
  EXPECT_EQ(nodeHash(l, r), sha256("\x01" + l + r));
  EXPECT_NE(nodeHash(l, r), nodeHash(r, l));
  // A leaf whose content looks like two child hashes still hashes differently
  // from the node: the second-preimage attack RFC 9162 §2.1.1 guards against.
  EXPECT_NE(leafHash(l + r), nodeHash(l, r));
}

TEST(AuditHash, SingleLeaf) {
  const std::vector<std::string> one = {"only record"};
  EXPECT_EQ(merkleTreeHead(one), sha256(std::string(1, '\x00') + "only record"));
  EXPECT_EQ(merkleTreeHead(one), leafHash("only record"));
  // RFC 6962 reference vector: the empty entry's leaf hash.
  EXPECT_EQ(hexOf(merkleTreeHead(std::vector<std::string>{""})),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(AuditHash, ThreeLeavesSplitTwoOne) {
  const auto d = numberedEntries(3);
  const std::string expected = nodeHash(nodeHash(leafHash(d[0]), leafHash(d[1])), leafHash(d[2]));
  EXPECT_EQ(merkleTreeHead(d), expected);
}

TEST(AuditHash, FiveLeavesSplitFourOne) {
  const auto d = numberedEntries(5);
  const std::string four =
      nodeHash(nodeHash(leafHash(d[0]), leafHash(d[1])), nodeHash(leafHash(d[2]), leafHash(d[3])));
  EXPECT_EQ(merkleTreeHead(d), nodeHash(four, leafHash(d[4])));
}

TEST(AuditHash, SevenLeavesSplitFourThree) {
  const auto d = numberedEntries(7);
  const std::string left =
      nodeHash(nodeHash(leafHash(d[0]), leafHash(d[1])), nodeHash(leafHash(d[2]), leafHash(d[3])));
  const std::string right = nodeHash(nodeHash(leafHash(d[4]), leafHash(d[5])), leafHash(d[6]));
  EXPECT_EQ(merkleTreeHead(d), nodeHash(left, right));
}

TEST(AuditHash, MatchesRecursiveDefinitionForManySizes) {
  const auto all = numberedEntries(70);
  for (std::size_t n = 0; n <= all.size(); ++n) {
    const std::vector<std::string> d(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n));
    const std::string expected = referenceMth(d, 0, n);
    EXPECT_EQ(merkleTreeHead(d), expected) << "n=" << n;

    std::vector<std::string> leaves;
    for (const auto& e : d) leaves.push_back(leafHash(e));
    auto from_hashes = merkleTreeHeadFromLeafHashes(leaves);
    ASSERT_TRUE(from_hashes.isOk());
    EXPECT_EQ(*from_hashes, expected) << "n=" << n;
  }
}

// The RFC 6962 reference tree heads for sizes 1..8 (test_vectors.h).
TEST(AuditHash, Rfc6962ReferenceVectors) {
  const auto& all = testing::referenceEntries();
  for (std::size_t n = 1; n <= all.size(); ++n) {
    const std::vector<std::string> entries(all.begin(), all.begin() + static_cast<long>(n));
    EXPECT_EQ(hexOf(merkleTreeHead(entries)), testing::referenceRoots()[n - 1]) << "size " << n;
  }
}

TEST(AuditHash, ChangingAnyLeafChangesTheHead) {
  const auto d = numberedEntries(7);
  const std::string head = merkleTreeHead(d);
  for (std::size_t i = 0; i < d.size(); ++i) {
    auto tampered = d;
    tampered[i].back() ^= 0x01;
    EXPECT_NE(merkleTreeHead(tampered), head) << "leaf " << i;
  }
}

TEST(AuditHash, RejectsLeafHashesOfWrongSize) {
  const std::vector<std::string> bad = {leafHash("a"), std::string(31, 'x')};
  auto head = merkleTreeHeadFromLeafHashes(bad);
  ASSERT_FALSE(head.isOk());
  EXPECT_EQ(head.status().code(), core::Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cartrelay::compliance
