#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compliance/audit_record.h"
#include "core/util/result.h"
#include "core/util/status.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::compliance {

// The audit chain's rows: audit_log, audit_checkpoints and the one-row
// audit_state (schema: core/store/detail/schema.cpp, migration 4). This is
// the only code that reads or writes those tables; it stores what it is
// given and checks nothing about hashes, which is AuditLog's job on the way
// in and AuditVerifier's on the way out.
//
// Hashes and keys are raw bytes in memory and lower-case hex at rest. A
// stored value that is not valid hex is read back with that field empty and
// `malformed` set, so the verifier can name the row instead of failing to
// read the table.
//
// Every method takes the soci::session of a Database callback and never
// throws; SOCI errors become kUnavailable or kInternal (core/store/database.h).
// Thread-safety: stateless; use from any thread, each with its own session.
namespace audit_store {

struct StoredRecord {
  AuditRecord record;
  std::string entry_hash;  // raw 32 bytes as stored
  bool malformed = false;  // a hash column was not 64 hex characters
};

struct Checkpoint {
  std::int64_t tree_size = 0;
  std::int64_t epoch = 0;
  std::int64_t ts_ms = 0;
  std::string root;             // raw 32 bytes
  std::string public_key;       // raw 32 bytes: this epoch's Ed25519 key
  std::string next_public_key;  // raw 32 bytes: the key of epoch + 1
  std::string signature;        // raw 64 bytes
  // RFC 9162 consistency proof from the previous checkpoint (raw hashes).
  std::vector<std::string> consistency_proof;
  bool malformed = false;  // a hex column did not decode
};

struct Head {
  std::string install_id;
  std::int64_t seq = 0;  // 0 before the first record
  std::string hash;      // raw 32 bytes: last entry_hash, or the genesis hash
  std::int64_t ts_ms = 0;
};

// Reads the head and locks it until the transaction ends (FOR UPDATE on
// MariaDB; SQLite's BEGIN IMMEDIATE already holds the write lock). Creates
// it on first use with a fresh random install id and the genesis hash. Call
// inside Database::withTransaction.
core::Result<Head> lockHead(soci::session& s);

// The head without locking or creating it; nullopt before the first append.
core::Result<std::optional<Head>> readHead(soci::session& s);

// Inserts one record and moves the head to it. The caller holds the head
// lock (lockHead) in the same transaction.
core::Status insert(soci::session& s, const AuditRecord& record, const std::string& entry_hash);

// Records with seq in [from_seq, from_seq + limit), in seq order (limit
// 1..100000). Gaps are the verifier's business: they are simply absent.
core::Result<std::vector<StoredRecord>> records(soci::session& s, std::int64_t from_seq, int limit);

// Number of records and highest seq (they differ only if rows were deleted).
struct Extent {
  std::int64_t count = 0;
  std::int64_t max_seq = 0;
};
core::Result<Extent> extent(soci::session& s);

core::Status insertCheckpoint(soci::session& s, const Checkpoint& checkpoint);

// All checkpoints ordered by tree_size.
core::Result<std::vector<Checkpoint>> checkpoints(soci::session& s);

}  // namespace audit_store
}  // namespace cartrelay::compliance
