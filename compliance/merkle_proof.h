#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/result.h"

// RFC 9162 (Certificate Transparency 2.0) §2.1.3 inclusion proofs and §2.1.4
// consistency proofs over the audit chain's Merkle tree (compliance/audit_hash.h).
//
// An inclusion proof shows one entry is in a signed tree head without
// revealing the other entries (`cartrelay audit prove`); a consistency proof
// shows a later tree head extends an earlier one (append-only between two
// checkpoints). Hashes are raw 32-byte strings; leaves are given as their
// leafHash(). Indices are 0-based; sizes count leaves.
//
// The verifiers follow the RFC's algorithms step by step and never trust a
// proof's length, sizes or hash widths: anything malformed is simply "false"
// (the immudb lesson, compliance-rules.md (c): a verifier that accepts a
// forged proof is the bug that matters). A proof binds leaves to a root, not
// a size to a root: that binding is the signed checkpoint's job.
//
// All functions are pure and thread-safe.
namespace cartrelay::compliance {

// PATH(index, D[n]) for the tree of `leaf_hashes`. kInvalidArgument when
// index >= n or a hash is not 32 bytes.
core::Result<std::vector<std::string>> inclusionProof(std::span<const std::string> leaf_hashes,
                                                      std::uint64_t index);

// True when `path` proves that `leaf_hash` is leaf `index` of the tree of
// `tree_size` leaves whose head is `root`.
bool verifyInclusion(std::string_view leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                     std::span<const std::string> path, std::string_view root);

// PROOF(first, D[n]) between the first `first` leaves and all of
// `leaf_hashes`. Empty when first == n. kInvalidArgument when first is 0 or
// larger than n, or a hash is not 32 bytes.
core::Result<std::vector<std::string>> consistencyProof(std::span<const std::string> leaf_hashes,
                                                        std::uint64_t first);

// The same PROOF(first, D[n]) from what a log keeps between two tree heads:
// the compact range of the first tree (the heads of the complete subtrees
// its `first` leaves split into, largest first, as MerkleFrontier holds
// them) and the leaf hashes after it; n = first + later_leaves.size(). So a
// checkpoint can prove it extends the previous one without the old leaves.
// kInvalidArgument when first is 0, the range does not have one hash per set
// bit of `first`, or a hash is not 32 bytes.
core::Result<std::vector<std::string>> consistencyProof(
    std::span<const std::string> first_subtree_roots, std::uint64_t first,
    std::span<const std::string> later_leaves);

// True when `path` proves that the tree of `second` leaves with head
// `second_root` extends the tree of `first` leaves with head `first_root`
// (0 < first <= second; first == second needs an empty path and equal roots).
bool verifyConsistency(std::uint64_t first, std::uint64_t second, std::string_view first_root,
                       std::string_view second_root, std::span<const std::string> path);

}  // namespace cartrelay::compliance
