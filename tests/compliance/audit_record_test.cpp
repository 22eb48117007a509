#include "compliance/audit_record.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/util/crypto.h"

namespace cartrelay::compliance {
namespace {

using core::crypto::hexEncode;
using core::crypto::sha256;

AuditRecord sample() {
  AuditRecord r;
  r.seq = 2;
  r.ts_ms = 1'763'800'000'123;
  r.kind = "gate.decision";
  r.actor = "daemon";
  r.subject_ref = "ab12";
  r.payload = R"({"decision":"deny","reason":"NO_CONSENT"})";
  r.prev_hash = sha256("previous entry");
  return r;
}

// The documented leaf layout, spelled out byte by byte, independent of the
// implementation: this pins the on-disk format of every chain ever written.
TEST(AuditRecord, LeafBytesFollowTheDocumentedLayout) {
  const AuditRecord r = sample();
  std::string expected = "cartrelay-audit-v1";
  expected += std::string("\x00\x00\x00\x00\x00\x00\x00\x02", 8);  // seq 2
  // ts 1763800000123 = 0x0000019A_AAAC_267B
  expected += std::string("\x00\x00\x01\x9a\xaa\xac\x26\x7b", 8);
  expected += std::string("\x00\x00\x00\x0d", 4) + "gate.decision";
  expected += std::string("\x00\x00\x00\x06", 4) + "daemon";
  expected += std::string("\x00\x00\x00\x04", 4) + "ab12";
  expected += sha256(r.payload);
  expected += r.prev_hash;
  EXPECT_EQ(hexEncode(auditLeafBytes(r)), hexEncode(expected));
  EXPECT_EQ(auditEntryHash(r), sha256(std::string(1, '\x00') + expected));
}

TEST(AuditRecord, EveryFieldIsCoveredByTheEntryHash) {
  const std::string base = auditEntryHash(sample());
  auto changed = [&](auto edit) {
    AuditRecord r = sample();
    edit(r);
    return auditEntryHash(r) != base;
  };
  EXPECT_TRUE(changed([](AuditRecord& r) { r.seq = 3; }));
  EXPECT_TRUE(changed([](AuditRecord& r) { r.ts_ms += 1; }));
  EXPECT_TRUE(changed([](AuditRecord& r) { r.kind = "gate.decisioN"; }));
  EXPECT_TRUE(changed([](AuditRecord& r) { r.actor = "cli"; }));
  EXPECT_TRUE(changed([](AuditRecord& r) { r.subject_ref = "ab13"; }));
  EXPECT_TRUE(changed([](AuditRecord& r) { r.payload[3] = 'D'; }));
  EXPECT_TRUE(changed([](AuditRecord& r) { r.prev_hash[0] ^= 1; }));
  // Length prefixes keep field boundaries: moving a byte from one field to
  // the next is a different record.
  EXPECT_TRUE(changed([](AuditRecord& r) {
    r.kind = "gate.decisiond";
    r.actor = "aemon";
  }));
}

TEST(AuditRecord, GenesisDependsOnTheInstallation) {
  EXPECT_EQ(auditGenesisHash("install-1"), sha256("cartrelay-audit-genesisinstall-1"));
  EXPECT_NE(auditGenesisHash("install-1"), auditGenesisHash("install-2"));
  EXPECT_EQ(auditGenesisHash("x").size(), 32u);
}

TEST(AuditRecord, CanonicalJsonSortsKeysAndIsCompact) {
  nlohmann::json a = nlohmann::json::object();
  a["zeta"] = 1;
  a["alpha"] = {{"y", "İstanbul"}, {"b", -5}};
  a["Mid"] = nlohmann::json::array({3, "x", true, nullptr});
  nlohmann::json b = nlohmann::json::parse(
      R"({ "Mid": [3, "x", true, null], "alpha": {"b": -5, "y": "İstanbul"}, "zeta": 1 })");
  auto ca = canonicalJson(a);
  auto cb = canonicalJson(b);
  ASSERT_TRUE(ca.isOk() && cb.isOk());
  EXPECT_EQ(*ca, *cb);
  EXPECT_EQ(*ca, R"({"Mid":[3,"x",true,null],"alpha":{"b":-5,"y":"İstanbul"},"zeta":1})");
}

TEST(AuditRecord, CanonicalJsonRefusesWhatHasNoCanonicalForm) {
  EXPECT_EQ(canonicalJson(nlohmann::json::array()).status().code(),
            core::Status::Code::kInvalidArgument);
  EXPECT_EQ(canonicalJson(nlohmann::json("text")).status().code(),
            core::Status::Code::kInvalidArgument);
  EXPECT_EQ(canonicalJson({{"amount", 1.5}}).status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_EQ(
      canonicalJson({{"nested", {{"deep", nlohmann::json::array({1, 2.25})}}}}).status().code(),
      core::Status::Code::kInvalidArgument);
  EXPECT_EQ(canonicalJson({{"bad", std::string("\xC3")}}).status().code(),
            core::Status::Code::kInvalidArgument);
  EXPECT_TRUE(canonicalJson(nlohmann::json::object()).isOk());
}

}  // namespace
}  // namespace cartrelay::compliance
