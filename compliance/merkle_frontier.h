#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/status.h"

namespace cartrelay::compliance {

// The head of an append-only RFC 9162 Merkle tree, kept incrementally.
//
// Instead of all leaves it holds the tree's "compact range": the roots of the
// complete (power-of-two) subtrees the leaves split into, one 32-byte hash per
// set bit of size(), largest (leftmost) first. That is enough to compute the
// tree head and to extend it, so the audit chain can checkpoint a log of any
// length without reading it back: memory is O(log n), append() is O(log n)
// hashes in the worst case and O(1) amortised, root() is O(log n).
//
// root() is byte-for-byte merkleTreeHeadFromLeafHashes() (audit_hash.h) over
// every leaf appended so far, and emptyTreeHash() before the first.
//
// Thread-safety: none of its own. Const methods may be called concurrently;
// append() needs exclusive access. A value type: copy it to snapshot a head.
class MerkleFrontier {
 public:
  MerkleFrontier() = default;

  // Adds the next leaf. `leaf_hash` is the leaf already hashed with
  // leafHash(), not the raw entry. kInvalidArgument if it is not exactly
  // kAuditHashBytes long; the frontier is then left unchanged.
  core::Status append(std::string_view leaf_hash);

  // Number of leaves appended.
  std::uint64_t size() const { return size_; }

  // The Merkle tree head (MTH) over all leaves appended, raw 32 bytes.
  std::string root() const;

  // The compact range itself: the heads of the complete subtrees the leaves
  // split into, largest (leftmost) first, one per set bit of size(); empty
  // when size() is 0. This is the `first_subtree_roots` that
  // consistencyProof() (merkle_proof.h) takes, so a checkpoint can prove it
  // extends the previous one without keeping the old leaves. The reference is
  // invalidated by the next append().
  const std::vector<std::string>& subtreeRoots() const { return subtree_roots_; }

 private:
  std::uint64_t size_ = 0;
  // subtree_roots_[i] covers 2^k leaves, k being the (i + 1)-th highest set
  // bit of size_; their leaf ranges are adjacent and in order.
  std::vector<std::string> subtree_roots_;
};

}  // namespace cartrelay::compliance
