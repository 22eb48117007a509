#include "compliance/audit_hash.h"

#include <utility>
#include <vector>

#include "core/util/crypto.h"

namespace cartrelay::compliance {

namespace {

constexpr char kLeafPrefix = '\x00';
constexpr char kNodePrefix = '\x01';

// Bottom-up, one level at a time, carrying an odd last node up unchanged.
// This yields exactly the RFC 9162 §2.1.1 split at the largest power of two
// below n: the left subtree of every node is always a complete power-of-two
// tree, so pairing from the left never crosses a split point. Iterative so a
// long chain cannot exhaust the stack; the tests cross-check it against the
// recursive definition.
std::string reduceLevels(std::vector<std::string> level) {
  if (level.empty()) return emptyTreeHash();
  while (level.size() > 1) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < level.size(); i += 2) {
      if (i + 1 < level.size()) {
        level[out++] = nodeHash(level[i], level[i + 1]);
      } else {
        level[out++] = std::move(level[i]);
      }
    }
    level.resize(out);
  }
  return std::move(level.front());
}

}  // namespace

std::string emptyTreeHash() { return core::crypto::sha256({}); }

std::string leafHash(std::string_view entry) {
  std::string buf;
  buf.reserve(1 + entry.size());
  buf.push_back(kLeafPrefix);
  buf.append(entry);
  return core::crypto::sha256(buf);
}

std::string nodeHash(std::string_view left, std::string_view right) {
  std::string buf;
  buf.reserve(1 + left.size() + right.size());
  buf.push_back(kNodePrefix);
  buf.append(left);
  buf.append(right);
  return core::crypto::sha256(buf);
}

core::Result<std::string> merkleTreeHeadFromLeafHashes(std::span<const std::string> leaf_hashes) {
  for (const std::string& h : leaf_hashes) {
    if (h.size() != kAuditHashBytes) {
      return core::Status::invalidArgument("audit leaf hash is not 32 bytes");
    }
  }
  return reduceLevels(std::vector<std::string>(leaf_hashes.begin(), leaf_hashes.end()));
}

std::string merkleTreeHead(std::span<const std::string> entries) {
  std::vector<std::string> level;
  level.reserve(entries.size());
  for (const std::string& e : entries) level.push_back(leafHash(e));
  return reduceLevels(std::move(level));
}

}  // namespace cartrelay::compliance
