#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "core/util/result.h"

// RFC 9162 (Certificate Transparency 2.0) §2.1.1 hashing with SHA-256, the
// primitives the tamper-evident audit chain builds on (compliance-rules.md (c),
// rule 43). Hashes are raw 32-byte strings; hex-encode them for display.
// The 0x00 / 0x01 domain-separation prefixes keep a leaf from ever being
// passed off as an interior node (second-preimage resistance).
//
// All functions are pure and thread-safe.
namespace cartrelay::compliance {

inline constexpr std::size_t kAuditHashBytes = 32;

// SHA-256 of the empty string: the head of a tree with no leaves (MTH({})).
std::string emptyTreeHash();

// SHA-256(0x00 || entry): the hash of one leaf (MTH({d0})).
std::string leafHash(std::string_view entry);

// SHA-256(0x01 || left || right): an interior node. left and right are
// expected to be 32-byte hashes; this is not checked here.
std::string nodeHash(std::string_view left, std::string_view right);

// The Merkle tree head over leaves that are already hashed with leafHash(), in
// order: MTH(D[n]) = nodeHash(MTH(D[0:k]), MTH(D[k:n])) with k the largest
// power of two smaller than n. An empty span gives emptyTreeHash().
// kInvalidArgument if any leaf hash is not exactly 32 bytes.
core::Result<std::string> merkleTreeHeadFromLeafHashes(std::span<const std::string> leaf_hashes);

// Convenience: the Merkle tree head over raw entries (each hashed with leafHash()).
std::string merkleTreeHead(std::span<const std::string> entries);

}  // namespace cartrelay::compliance
