#pragma once

#include <string>
#include <string_view>

#include "core/util/result.h"

namespace cartrelay::core {

// Keyed hash for looking up encrypted PII and for naming a person in logs and
// the audit chain without revealing them: lower-case hex of
// HMAC-SHA256(lookup_key, domain || 0x00 || normalised_value).
//
// The domain ("phone", "email", ...) keeps equal strings of different kinds
// from colliding. Values must be normalised by the caller first (E.164 phone,
// lower-cased trimmed e-mail), otherwise the same person gets two hashes.
// Unlike a plain SHA-256, a phone number's hash cannot be brute-forced from
// the ~10^10 possible numbers without the key file.
//
// Thread-safety: const methods may be called concurrently.
class KeyedHasher {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // lookup_key must be exactly 32 bytes (kInvalidArgument otherwise).
  static Result<KeyedHasher> create(std::string_view lookup_key);

  KeyedHasher(const KeyedHasher&) = default;
  KeyedHasher& operator=(const KeyedHasher&) = default;
  KeyedHasher(KeyedHasher&&) noexcept = default;
  KeyedHasher& operator=(KeyedHasher&&) noexcept = default;
  ~KeyedHasher();

  // 64 hex characters.
  std::string hash(std::string_view domain, std::string_view normalised_value) const;

 private:
  explicit KeyedHasher(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace cartrelay::core
