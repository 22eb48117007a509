#pragma once

#include <string>
#include <vector>

#include "core/util/field_cipher.h"
#include "core/util/keyed_hash.h"
#include "core/util/result.h"

namespace cartrelay::core {

// The daemon's long-lived keys, loaded once at start from a key directory
// (default /etc/cartrelay/keys):
//
//   master.key   wraps the per-customer data keys (FieldCipher)
//   lookup.key   keys the lookup hashes of PII (KeyedHasher)
//
// Each file holds base64 of 32 random bytes and a newline, and must pass
// checkSecretFileMode (core/util/secret_file.h). Losing master.key makes all
// stored PII unreadable: back it up with the database.
//
// Thread-safety: immutable after load; share by const reference.
class KeyRing {
 public:
  static constexpr const char* kMasterKeyFile = "master.key";
  static constexpr const char* kLookupKeyFile = "lookup.key";

  // Errors: kNotFound with a hint to run `cartrelay keygen` if a file is
  // missing, kPermanent for unsafe permissions, kInvalidArgument for content
  // that is not base64 of 32 bytes.
  static Result<KeyRing> load(const std::string& key_dir);

  // Creates the key directory (0700, or 0750 owned by group_id) and any missing key file with
  // `mode` (0600, or 0640 when group_id >= 0 so the service group can read it). Existing files are
  // left untouched. Returns the paths created.
  static Result<std::vector<std::string>> generateMissing(const std::string& key_dir, unsigned mode,
                                                          long group_id);

  KeyRing(const KeyRing&) = default;
  KeyRing& operator=(const KeyRing&) = default;
  KeyRing(KeyRing&&) noexcept = default;
  KeyRing& operator=(KeyRing&&) noexcept = default;
  ~KeyRing() = default;

  const FieldCipher& cipher() const { return cipher_; }
  const KeyedHasher& hasher() const { return hasher_; }

 private:
  KeyRing(FieldCipher cipher, KeyedHasher hasher)
      : cipher_(std::move(cipher)), hasher_(std::move(hasher)) {}

  FieldCipher cipher_;
  KeyedHasher hasher_;
};

}  // namespace cartrelay::core
