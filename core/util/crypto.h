#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "core/util/result.h"

// Small, allocation-happy wrappers over OpenSSL 3 for the primitives cartrelay
// needs. Byte strings are carried in std::string (binary-safe). All functions
// are thread-safe (OpenSSL 3 needs no locking callbacks).
namespace cartrelay::core::crypto {

inline constexpr std::size_t kSha256Bytes = 32;

// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view data);

// Raw 32-byte HMAC-SHA256 of data under key (any key length).
std::string hmacSha256(std::string_view key, std::string_view data);

// Compares in time that depends only on the lengths, never on where the
// inputs first differ (CRYPTO_memcmp). Use it for every signature/token check.
bool constantTimeEquals(std::string_view a, std::string_view b);

// How a received webhook MAC compares with HMAC-SHA256(secret, body) under
// each configured secret (current and, during a rotation, previous).
enum class MacMatch {
  kMatch,           // equal under at least one secret
  kMismatch,        // equal under none
  kNoUsableSecret,  // every secret was empty
};

// Checks `received_mac` (raw 32 bytes, already decoded from the header's
// base64 or hex) against every non-empty secret in constant time per secret
// and without stopping at the first match, so timing reveals neither the
// MAC nor which secret matched. Empty secrets are skipped: an empty HMAC key
// is one anybody can sign with.
MacMatch matchHmacSha256(std::string_view received_mac, std::string_view body,
                         std::span<const std::string> secrets);

// n bytes from the OpenSSL CSPRNG. Returns kInternal if the RNG fails.
// Requests up to 256 bytes come from a per-thread buffer of CSPRNG output
// (refilled 4 KiB at a time, each byte used once, emptied after fork()).
Result<std::string> randomBytes(std::size_t n);

// Lower-case hex; decode accepts either case and rejects odd lengths or
// non-hex characters with kInvalidArgument.
std::string hexEncode(std::string_view bytes);
Result<std::string> hexDecode(std::string_view hex);

// Overwrites the buffer with zeros in a way the optimiser cannot elide.
void cleanse(std::string& secret);

}  // namespace cartrelay::core::crypto
