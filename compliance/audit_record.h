#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/util/result.h"

// One record of the tamper-evident audit chain and the exact bytes its hash
// covers (compliance-rules.md (c) step 1, rule 42).
//
// A record never holds raw personal data: the subject is named by its keyed
// hash (core/util/keyed_hash.h) and the payload holds ids, codes and hashes
// only. The chain links each record to the previous one (prev_hash) and each
// entry hash is directly an RFC 9162 Merkle leaf, so checkpoints can sign a
// tree head over all of them.
//
// The leaf bytes, byte for byte (version 1):
//   "cartrelay-audit-v1"                          18 bytes, no terminator
//   seq, ts_ms                                    8 bytes each, big-endian two's complement
//   kind, actor, subject_ref                      each: 4-byte big-endian length, then bytes
//   SHA-256(payload)                              32 bytes
//   prev_hash                                     32 bytes
// entry_hash = SHA-256(0x00 || leaf bytes).
//
// All functions are pure and thread-safe.
namespace cartrelay::compliance {

struct AuditRecord {
  std::int64_t seq = 0;     // 1, 2, 3, ... without gaps
  std::int64_t ts_ms = 0;   // UTC epoch milliseconds
  std::string kind;         // what happened: "gate.decision", "consent.recorded", ...
  std::string actor;        // who did it: "daemon", "cli", "admin-api", "shop:<name>"
  std::string subject_ref;  // keyed hash (hex) of the person concerned, "" for none
  std::string payload;      // canonical JSON (canonicalJson), no raw PII
  std::string prev_hash;    // raw 32 bytes: the previous entry_hash, or genesisHash()
};

// The leaf bytes described above.
std::string auditLeafBytes(const AuditRecord& record);

// leafHash(auditLeafBytes(record)): the record's entry hash, raw 32 bytes.
std::string auditEntryHash(const AuditRecord& record);

// prev_hash of record 1: SHA-256("cartrelay-audit-genesis" || install_id),
// so two installations' chains never share a first link.
std::string auditGenesisHash(std::string_view install_id);

// The one text form of a payload: compact, object keys sorted by their
// UTF-8 bytes, integers in decimal. kInvalidArgument for a value that is not
// an object, holds a floating-point number anywhere (its text is not
// canonical) or a string that is not valid UTF-8.
core::Result<std::string> canonicalJson(const nlohmann::json& payload);

}  // namespace cartrelay::compliance
