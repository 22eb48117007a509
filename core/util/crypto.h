#pragma once

#include <cstddef>
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

// n bytes from the OpenSSL CSPRNG. Returns kInternal if the RNG fails.
Result<std::string> randomBytes(std::size_t n);

// Lower-case hex; decode accepts either case and rejects odd lengths or
// non-hex characters with kInvalidArgument.
std::string hexEncode(std::string_view bytes);
Result<std::string> hexDecode(std::string_view hex);

// Overwrites the buffer with zeros in a way the optimiser cannot elide.
void cleanse(std::string& secret);

}  // namespace cartrelay::core::crypto
