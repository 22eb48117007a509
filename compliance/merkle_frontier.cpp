#include "compliance/merkle_frontier.h"

#include <utility>

#include "compliance/audit_hash.h"

namespace cartrelay::compliance {

core::Status MerkleFrontier::append(std::string_view leaf_hash) {
  // Checked before anything is touched, so a rejected leaf leaves no trace.
  if (leaf_hash.size() != kAuditHashBytes) {
    return core::Status::invalidArgument("audit leaf hash is not 32 bytes");
  }
  // Adding a leaf is binary increment: the new leaf is a subtree of size 1,
  // and every trailing 1 bit of the old size is a subtree of the same size
  // directly to its left, which it merges with (a carry). The merged node is
  // exactly the RFC 9162 interior node over those two complete subtrees.
  std::string carry(leaf_hash);
  for (std::uint64_t bits = size_; (bits & 1u) != 0; bits >>= 1) {
    carry = nodeHash(subtree_roots_.back(), carry);
    subtree_roots_.pop_back();
  }
  subtree_roots_.push_back(std::move(carry));
  ++size_;
  return core::Status::ok();
}

std::string MerkleFrontier::root() const {
  if (subtree_roots_.empty()) return emptyTreeHash();
  // RFC 9162 splits n leaves at the largest power of two below n, which is
  // the leftmost complete subtree; the remainder splits the same way. So the
  // head folds the subtree roots from the right: the smallest pair first.
  std::string head = subtree_roots_.back();
  for (auto it = subtree_roots_.rbegin() + 1; it != subtree_roots_.rend(); ++it) {
    head = nodeHash(*it, head);
  }
  return head;
}

}  // namespace cartrelay::compliance
