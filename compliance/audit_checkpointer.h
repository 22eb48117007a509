#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compliance/audit_store.h"
#include "compliance/epoch_key.h"
#include "compliance/merkle_frontier.h"
#include "core/util/clock.h"
#include "core/util/result.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// The bytes a checkpoint's signature covers (version 1):
//   "cartrelay-audit-checkpoint-v1" || be64(tree_size) || root (32) ||
//   be64(ts_ms) || be64(epoch) || next_public_key (32)
// Signing next_public_key is what chains the epoch keys: a verifier learns
// each epoch's key from the checkpoint before it.
std::string checkpointSignedBytes(const audit_store::Checkpoint& checkpoint);

// One anchor line: the checkpoint as one line of canonical JSON (hex hashes,
// no personal data), written outside the database so that a rewrite of the
// whole database is still caught. parseAnchorLine is its inverse;
// kInvalidArgument for anything else.
std::string anchorLine(const audit_store::Checkpoint& checkpoint);
core::Result<audit_store::Checkpoint> parseAnchorLine(std::string_view line);

// Signs the audit chain's Merkle tree head at intervals (compliance-rules.md
// (c) steps 3-4): a checkpoint when at least `every_entries` records arrived
// since the last one, or when any did and `every_ms` passed. Each checkpoint
// is signed with the key of its own epoch (0, 1, 2, ...); the key file then
// moves on to the next epoch and the old seed is destroyed, so a key stolen
// later cannot re-sign earlier checkpoints. Each checkpoint carries the
// RFC 9162 consistency proof from the previous one and is anchored: a log
// line (audit.checkpoint) on stderr, which journald keeps, and, when
// `anchor_file` is set, a line appended to that file and fsynced.
//
// Before signing it checks every new record (contiguous seq, prev_hash link,
// entry hash), so it never signs a chain that was altered under it; such a
// chain makes checkpoint() fail with kPermanent and logs audit.tampered.
//
// Memory: O(log n) hashes plus the leaf hashes since the last checkpoint.
// Start-up reads the whole chain once.
//
// Several daemons on one MariaDB: each checkpoints; a checkpoint for an
// epoch another instance already stored fails on the unique key and the
// loser re-reads the checkpoints on its next call.
//
// Ownership: `db` and `clock` must outlive the object. Thread-safety: none;
// call from one thread (the daemon's audit thread or a CLI command).
class AuditCheckpointer {
 public:
  struct Options {
    // Holds audit.key (AuditKeyFile). The file is replaced at every
    // checkpoint, so the service must be able to write here: the daemon's
    // state_dir, not the read-only key directory.
    std::string key_dir;
    std::string anchor_file;  // "" = anchors in the log only
    std::int64_t every_entries = 1000;
    std::int64_t every_ms = 10 * 60 * 1000;
  };

  // Loads audit.key (creating an epoch-0 key when there is none and no
  // checkpoint yet), reads the checkpoints and the chain, and moves the key
  // forward if an earlier run stored a checkpoint but stopped before saving
  // the next key. Errors: kPermanent when audit.key is missing although
  // checkpoints exist, when the key does not belong to this chain (its public key is
  // not the one the last checkpoint announced) or is ahead of it (the
  // database was restored from an older backup); kPermanent also for a chain that
  // does not verify; store errors.
  static core::Result<std::unique_ptr<AuditCheckpointer>> open(core::store::Database& db,
                                                               const core::Clock& clock,
                                                               Options options);

  AuditCheckpointer(const AuditCheckpointer&) = delete;
  AuditCheckpointer& operator=(const AuditCheckpointer&) = delete;
  ~AuditCheckpointer();

  // Writes a checkpoint if one is due (see above); nullopt if not.
  core::Result<std::optional<audit_store::Checkpoint>> checkpointIfDue();

  // Writes a checkpoint over every record now in the chain; nullopt when
  // there is nothing new since the last one (used at shutdown).
  core::Result<std::optional<audit_store::Checkpoint>> checkpointNow();

  // Records covered by the last checkpoint.
  std::int64_t checkpointedSize() const { return last_size_; }

 private:
  AuditCheckpointer(core::store::Database& db, const core::Clock& clock, Options options,
                    EpochKey key);

  // Reads records after the frontier, checking each, into pending_.
  core::Status catchUp();
  core::Status reload();
  core::Result<audit_store::Checkpoint> sign();
  void anchor(const audit_store::Checkpoint& checkpoint);

  core::store::Database& db_;
  const core::Clock& clock_;
  Options options_;
  EpochKey key_;
  std::int64_t next_epoch_ = 0;
  std::string announced_key_;  // next_public_key of the last checkpoint, "" if none
  std::int64_t last_size_ = 0;
  std::int64_t last_ts_ms_ = 0;
  MerkleFrontier frontier_;           // over every record read so far
  std::vector<std::string> at_last_;  // the frontier's subtree roots at last_size_
  std::vector<std::string> pending_;  // leaf hashes after last_size_
  std::string head_hash_;             // entry hash of the last record read
  std::int64_t head_ts_ms_ = 0;
  bool stale_ = false;  // a checkpoint insert lost a race: reload first
};

}  // namespace cartrelay::compliance
