#include "compliance/merkle_proof.h"

#include <bit>
#include <utility>

#include "compliance/audit_hash.h"

namespace cartrelay::compliance {
namespace {

using Leaves = std::span<const std::string>;

// Largest power of two strictly smaller than n (n >= 2).
std::uint64_t splitPoint(std::uint64_t n) {
  std::uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// Sizes were checked by the callers, so the head cannot fail here.
std::string head(Leaves leaves) { return *merkleTreeHeadFromLeafHashes(leaves); }

bool allHashes(Leaves hashes) {
  for (const std::string& h : hashes) {
    if (h.size() != kAuditHashBytes) return false;
  }
  return true;
}

// RFC 9162 §2.1.3.1, PATH(m, D[n]); the recursion depth is log2(n).
void path(Leaves d, std::uint64_t m, std::vector<std::string>& out) {
  if (d.size() <= 1) return;
  const std::uint64_t k = splitPoint(d.size());
  if (m < k) {
    path(d.first(k), m, out);
    out.push_back(head(d.subspan(k)));
  } else {
    path(d.subspan(k), m - k, out);
    out.push_back(head(d.first(k)));
  }
}

// RFC 9162 §2.1.4.1, SUBPROOF(m, D[n], b), over the absolute leaf range
// [lo, hi) with m absolute too; subtree(lo, hi) supplies MTH(D[lo:hi]). Every
// range it asks for lies entirely below m (then it is one of the complete
// subtrees the first m leaves split into) or entirely at or above m, which
// is what lets the compact-range form below work without the old leaves.
template <typename SubtreeHead>
void subproof(std::uint64_t lo, std::uint64_t hi, std::uint64_t m, bool b,
              const SubtreeHead& subtree, std::vector<std::string>& out) {
  const std::uint64_t n = hi - lo;
  if (m - lo == n) {
    if (!b) out.push_back(subtree(lo, hi));
    return;
  }
  const std::uint64_t k = splitPoint(n);
  if (m - lo <= k) {
    subproof(lo, lo + k, m, b, subtree, out);
    out.push_back(subtree(lo + k, hi));
  } else {
    subproof(lo + k, hi, m, false, subtree, out);
    out.push_back(subtree(lo, lo + k));
  }
}

bool lsb(std::uint64_t x) { return (x & 1) != 0; }

}  // namespace

core::Result<std::vector<std::string>> inclusionProof(Leaves leaf_hashes, std::uint64_t index) {
  if (index >= leaf_hashes.size()) {
    return core::Status::invalidArgument("inclusion proof: leaf index outside the tree");
  }
  if (!allHashes(leaf_hashes))
    return core::Status::invalidArgument("audit leaf hash is not 32 bytes");
  std::vector<std::string> out;
  path(leaf_hashes, index, out);
  return out;
}

bool verifyInclusion(std::string_view leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                     Leaves path, std::string_view root) {
  // RFC 9162 §2.1.3.2, steps 1-5.
  if (index >= tree_size) return false;
  if (leaf_hash.size() != kAuditHashBytes || root.size() != kAuditHashBytes) return false;
  if (!allHashes(path)) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  for (const std::string& p : path) {
    if (sn == 0) return false;
    if (lsb(fn) || fn == sn) {
      r = nodeHash(p, r);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

core::Result<std::vector<std::string>> consistencyProof(Leaves leaf_hashes, std::uint64_t first) {
  if (first == 0 || first > leaf_hashes.size()) {
    return core::Status::invalidArgument("consistency proof: first size must be 1..tree size");
  }
  if (!allHashes(leaf_hashes))
    return core::Status::invalidArgument("audit leaf hash is not 32 bytes");
  std::vector<std::string> out;
  auto subtree = [&](std::uint64_t lo, std::uint64_t hi) {
    return head(leaf_hashes.subspan(lo, hi - lo));
  };
  if (first < leaf_hashes.size()) subproof(0, leaf_hashes.size(), first, true, subtree, out);
  return out;
}

core::Result<std::vector<std::string>> consistencyProof(Leaves first_subtree_roots,
                                                        std::uint64_t first, Leaves later_leaves) {
  if (first == 0)
    return core::Status::invalidArgument("consistency proof: first size must be >= 1");
  if (static_cast<std::size_t>(std::popcount(first)) != first_subtree_roots.size() ||
      !allHashes(first_subtree_roots) || !allHashes(later_leaves)) {
    return core::Status::invalidArgument(
        "consistency proof: the compact range does not describe the first tree");
  }
  // Offsets of the first tree's complete subtrees, largest first.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  std::uint64_t offset = 0;
  for (int bit = 63; bit >= 0; --bit) {
    const std::uint64_t width = std::uint64_t{1} << bit;
    if ((first & width) == 0) continue;
    ranges.emplace_back(offset, offset + width);
    offset += width;
  }
  bool unexpected = false;
  auto subtree = [&](std::uint64_t lo, std::uint64_t hi) -> std::string {
    if (lo >= first) return head(later_leaves.subspan(lo - first, hi - lo));
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      if (ranges[i].first == lo && ranges[i].second == hi) return first_subtree_roots[i];
    }
    unexpected = true;  // cannot happen for a well-formed compact range (see subproof)
    return std::string(kAuditHashBytes, '\0');
  };
  std::vector<std::string> out;
  const std::uint64_t second = first + later_leaves.size();
  if (first < second) subproof(0, second, first, true, subtree, out);
  if (unexpected)
    return core::Status::internal("consistency proof: range outside the compact range");
  return out;
}

bool verifyConsistency(std::uint64_t first, std::uint64_t second, std::string_view first_root,
                       std::string_view second_root, Leaves path) {
  if (first == 0 || first > second) return false;
  if (first_root.size() != kAuditHashBytes || second_root.size() != kAuditHashBytes) return false;
  if (!allHashes(path)) return false;
  if (first == second) return path.empty() && first_root == second_root;
  if (path.empty()) return false;

  // RFC 9162 §2.1.4.2. Step 1: a first tree that is a complete power of two
  // is itself the first node of the path.
  std::vector<std::string> c;
  const bool power_of_two = (first & (first - 1)) == 0;
  if (power_of_two) c.emplace_back(first_root);
  c.insert(c.end(), path.begin(), path.end());

  std::uint64_t fn = first - 1;
  std::uint64_t sn = second - 1;
  while (lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr = c[0];
  std::string sr = c[0];
  for (std::size_t i = 1; i < c.size(); ++i) {
    if (sn == 0) return false;
    if (lsb(fn) || fn == sn) {
      fr = nodeHash(c[i], fr);
      sr = nodeHash(c[i], sr);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = nodeHash(sr, c[i]);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

}  // namespace cartrelay::compliance
