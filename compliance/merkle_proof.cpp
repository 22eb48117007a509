#include "compliance/merkle_proof.h"

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

// RFC 9162 §2.1.4.1, SUBPROOF(m, D[n], b).
void subproof(Leaves d, std::uint64_t m, bool b, std::vector<std::string>& out) {
  const std::uint64_t n = d.size();
  if (m == n) {
    if (!b) out.push_back(head(d));
    return;
  }
  const std::uint64_t k = splitPoint(n);
  if (m <= k) {
    subproof(d.first(k), m, b, out);
    out.push_back(head(d.subspan(k)));
  } else {
    subproof(d.subspan(k), m - k, false, out);
    out.push_back(head(d.first(k)));
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
  if (first < leaf_hashes.size()) subproof(leaf_hashes, first, true, out);
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
