#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compliance/audit_hash.h"
#include "core/util/crypto.h"

// Test data shared by the compliance tests: hex decoding for published
// vectors, and the RFC 6962 reference data of the Merkle tests: the eight
// reference entries of google/certificate-transparency's merkle_tree_test
// (data, not code) and the tree heads for sizes 1..8 that every
// interoperable implementation reproduces.
namespace cartrelay::compliance::testing {

// Raw bytes of lower-case or upper-case hex; a test failure for bad hex.
inline std::string unhex(const std::string& hex) {
  auto raw = core::crypto::hexDecode(hex);
  EXPECT_TRUE(raw.isOk()) << hex;
  return raw.isOk() ? *raw : std::string();
}

inline const std::vector<std::string>& referenceEntries() {
  static const std::vector<std::string> entries = [] {
    std::vector<std::string> out;
    for (const char* hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                            "606162636465666768696a6b6c6d6e6f"}) {
      out.push_back(unhex(hex));
    }
    return out;
  }();
  return entries;
}

// referenceRoots()[n - 1] is the hex tree head of the first n entries.
inline const std::vector<std::string>& referenceRoots() {
  static const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  return roots;
}

}  // namespace cartrelay::compliance::testing
