#pragma once

#include <string>

#include "compliance/epoch_key.h"
#include "core/util/result.h"
#include "core/util/status.h"

namespace cartrelay::compliance {

// Persistence of the audit chain's forward-evolving signing key (EpochKey) as
// `audit.key` in a directory the service can write: the daemon uses its
// state_dir, because the file is replaced after every checkpoint, which the
// read-only key directory of master.key/lookup.key does not allow. The
// daemon creates it on the first checkpoint (AuditCheckpointer::open).
// `key_dir` below means that directory.
//
// Format, text, each line ending in "\n":
//   cartrelay-audit-key v1
//   epoch <decimal, no sign or leading zeros>
//   <base64 of the 32-byte Ed25519 seed>
//
// Why a file of its own, rewritten in place: forward security only holds if
// the seed of an epoch stops existing once the next epoch's key is in use.
// The key therefore cannot live in the write-once KeyRing files; store()
// replaces it atomically each time the chain moves to the next epoch.
//
// The file is a secret file (core/util/secret_file.h): it must pass
// checkSecretFileMode, exactly like KeyRing's files.
//
// Ownership: all functions are static and hold no state. The EpochKey that
// load() returns belongs to the caller (it wipes its seed when destroyed);
// store() only reads the key it is given.
//
// Errors never contain the seed or any other content of the file, only the
// path and what is wrong with it.
//
// Thread-safety: safe to call from any thread. A load() running alongside a
// store() sees either the old or the new file, never a mix (rename is atomic).
// Concurrent store()s never leave a torn file, but the last rename wins, so
// the owner of the key (the checkpointer) must serialise them itself.
//
// What store() can and cannot erase: it replaces the directory entry, so after
// it returns OK no path in the file system yields the old seed, and the
// buffers this code used for the seed are wiped (OPENSSL_cleanse). It does not
// and cannot promise that the old seed's bytes are gone from the disk: the old
// file's blocks are freed, not erased, and journaling file systems (ext4 with
// data=journal), copy-on-write ones (btrfs, ZFS), SSD wear levelling, and
// snapshots or backups of the key directory can all keep copies until they
// are reused. Overwriting the file in place would not help there and would
// lose atomicity. Where that matters, keep the key directory on encrypted
// storage and out of long-lived backups. Copies made by the caller, or by
// helpers outside this file (readSecretFile's read buffer), are not covered.
class AuditKeyFile {
 public:
  static constexpr const char* kFileName = "audit.key";

  // Creates key_dir/audit.key holding a fresh epoch-0 key (EpochKey::generate)
  // unless it already exists: true if created, false if a file (or anything
  // else) was already there, which is never touched. `mode` and `group_id`
  // mean what they mean for KeyRing::generateMissing: 0600, or 0640 with the
  // file chown'ed to group_id when group_id >= 0. The file and the directory
  // are fsync'ed so the new key survives a crash.
  //
  // The key directory is KeyRing::generateMissing's to create: kNotFound if
  // it is missing, kPermanent if key_dir is not a directory, kUnavailable for
  // I/O errors, kInternal if the CSPRNG fails.
  static core::Result<bool> createIfMissing(const std::string& key_dir, unsigned mode,
                                            long group_id);

  // Reads key_dir/audit.key. kNotFound (with a hint to run `cartrelay keygen`)
  // if it or the directory is missing, kPermanent if its permissions are
  // unsafe (checkSecretFileMode), kUnavailable for I/O errors,
  // kInvalidArgument for content that is not the format above. Trailing
  // whitespace after the last line is tolerated.
  static core::Result<EpochKey> load(const std::string& key_dir);

  // Atomically replaces key_dir/audit.key with `key` (or creates it): writes
  // a temporary file in key_dir with the existing file's group and mode
  // (minus any group-write/execute or "other" bit, which checkSecretFileMode
  // refuses anyway; 0600 when there is no file yet), fsyncs it, renames it
  // over audit.key and fsyncs the directory. Needs write permission on
  // key_dir, not just on the file.
  //
  // After OK, load() returns `key` and the file no longer holds the old seed
  // (see above for what that does not cover). On any failure before the
  // rename, audit.key is left exactly as it was and the temporary file is
  // removed; a failure of the final directory fsync is reported too, and the
  // file may then already hold `key`. Either way calling store() again with
  // the same key is safe and is the way to recover. A crash between creating
  // the temporary file and the rename can leave `.audit.key.XXXXXX` behind;
  // it holds `key` itself, with the same permissions.
  //
  // kInvalidArgument for a moved-from key (no seed); kUnavailable with the
  // path for I/O errors.
  static core::Status store(const std::string& key_dir, const EpochKey& key);
};

}  // namespace cartrelay::compliance
