#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compliance/audit_store.h"
#include "core/util/result.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// What `cartrelay audit verify` found (compliance-rules.md (c) step 5).
struct AuditVerifyReport {
  enum class Outcome {
    kIntact,        // exit 0
    kTampered,      // exit 1: first_bad_seq and reason say where and why
    kUnverifiable,  // exit 2: the evidence needed is missing (anchor file)
  };
  Outcome outcome = Outcome::kIntact;
  // kTampered: the lowest sequence number that can no longer be trusted.
  std::int64_t first_bad_seq = 0;
  std::string reason;  // kTampered / kUnverifiable: one sentence, no personal data
  std::int64_t records = 0;
  std::int64_t checkpoints = 0;
  std::int64_t anchors = 0;
  // Not failures, but limits of what could be proven (no anchors configured,
  // records not yet checkpointed, checkpoints not yet anchored).
  std::vector<std::string> warnings;
};

// Checks the whole audit chain, in this order of evidence:
//  (a) seq is contiguous from 1 and time never goes backwards;
//  (b) every entry hash recomputes and every prev_hash links (record 1 to
//      the genesis hash of the installation);
//  (c) every checkpoint's root is the Merkle tree head of its records, it is
//      signed by the key of its own epoch (epochs 0, 1, 2, ... and each key
//      announced by the checkpoint before it, the CVE-2023-31439 lesson), and
//      its time is not before its records or the previous checkpoint;
//  (d) each checkpoint's stored RFC 9162 consistency proof from the previous
//      one verifies;
//  (e) every line of the anchor file (AuditCheckpointer's anchorLine) is a
//      validly signed checkpoint that the database still holds unchanged and
//      whose tree head the records still produce, which catches truncation
//      and a rewrite of the whole database re-signed with a stolen key;
//  and the chain's head row agrees with its last record.
// Every finding is located; the report names the lowest affected seq.
//
// `anchor_file` empty means none is configured: the report is then at best
// kIntact with a warning that truncation of the tail and a whole-chain
// rewrite cannot be detected. A configured file that is missing while
// checkpoints exist, or a line that does not parse or verify, is
// kUnverifiable. Store errors are returned as a Status (kUnavailable /
// kInternal). Reads the chain in batches; memory O(log n) plus the
// checkpoints. Thread-safety: reentrant.
core::Result<AuditVerifyReport> verifyAuditChain(core::store::Database& db,
                                                 const std::string& anchor_file);

// `cartrelay audit prove SEQ`: one record, its leaf hash and the RFC 9162
// inclusion path into the first checkpoint that covers it, so a single
// decision can be shown to a regulator without the other records.
struct AuditInclusion {
  AuditRecord record;
  std::string entry_hash;  // raw 32 bytes
  audit_store::Checkpoint checkpoint;
  std::vector<std::string> path;  // raw hashes, leaf to root
};

// kNotFound when the record does not exist or no checkpoint covers it yet
// (the message says so); kPermanent when the stored records do not produce
// the checkpoint's root (run verify). Reads the entry hashes up to the
// checkpoint: memory 32 bytes per record.
core::Result<AuditInclusion> proveAuditRecord(core::store::Database& db, std::int64_t seq);

}  // namespace cartrelay::compliance
