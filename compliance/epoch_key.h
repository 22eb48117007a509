#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.h"

namespace cartrelay::compliance {

// The audit chain's forward-evolving Ed25519 signing key (compliance-rules.md
// (c) step 3, the property journald's Forward Secure Sealing gives).
//
// Each checkpoint is signed with the key of its own epoch, and epoch e + 1's
// private key is derived from epoch e's with a one-way function:
//   seed(e + 1) = HMAC-SHA256(seed(e), "cartrelay-audit-epoch-v1" || be64(e + 1))
// After a checkpoint is signed the old seed is destroyed, so somebody who
// steals the key later can sign new checkpoints but can never re-sign an
// earlier epoch (CVE-2023-31439 was a verifier that did not insist on this).
// Each checkpoint publishes the next epoch's public key, which is how a
// verifier knows which key every later checkpoint must carry.
//
// Keys are raw: a 32-byte Ed25519 seed (RFC 8032 private key) and a 32-byte
// public key; signatures are 64 bytes. The seed is wiped on destruction.
//
// Thread-safety: const methods may be called concurrently; next() returns a
// new object and leaves this one untouched (callers destroy the old one).
class EpochKey {
 public:
  static constexpr std::size_t kSeedBytes = 32;
  static constexpr std::size_t kPublicKeyBytes = 32;
  static constexpr std::size_t kSignatureBytes = 64;

  // A fresh epoch-0 key from the CSPRNG.
  static core::Result<EpochKey> generate();
  // A key read back from its file: kInvalidArgument for a seed that is not
  // 32 bytes or an epoch below 0.
  static core::Result<EpochKey> fromSeed(std::int64_t epoch, std::string_view seed);

  EpochKey(const EpochKey&) = delete;
  EpochKey& operator=(const EpochKey&) = delete;
  EpochKey(EpochKey&& other) noexcept;
  EpochKey& operator=(EpochKey&& other) noexcept;
  ~EpochKey();

  std::int64_t epoch() const { return epoch_; }
  const std::string& seed() const { return seed_; }
  const std::string& publicKey() const { return public_key_; }

  // The key of epoch() + 1.
  core::Result<EpochKey> next() const;

  // Ed25519 signature (RFC 8032, pure) over `message`. kInternal only if
  // OpenSSL fails.
  core::Result<std::string> sign(std::string_view message) const;

 private:
  EpochKey(std::int64_t epoch, std::string seed, std::string public_key)
      : epoch_(epoch), seed_(std::move(seed)), public_key_(std::move(public_key)) {}

  std::int64_t epoch_ = 0;
  std::string seed_;
  std::string public_key_;
};

// True when `signature` is a valid Ed25519 signature of `message` under the
// raw 32-byte `public_key`. Anything malformed is false.
bool verifyEd25519(std::string_view public_key, std::string_view message,
                   std::string_view signature);

}  // namespace cartrelay::compliance
