#pragma once

#include <string>
#include <string_view>

#include "core/util/result.h"

namespace cartrelay::core {

// Envelope encryption for PII columns (DESIGN.md "PII at rest").
//
// Each record (customer) has its own random 256-bit data key. The data key is
// stored only wrapped: AES-256-GCM-encrypted under the master key from
// /etc/cartrelay/keys/master.key. Destroying a record's wrapped key makes all
// of its fields unreadable (crypto-erasure), even in backups.
//
// Field ciphertexts and wrapped keys are text, safe for any SQL column:
//   "v1:" + base64(12-byte nonce || ciphertext || 16-byte GCM tag)
// The associated data (AAD) binds a ciphertext to its place, e.g.
// "customers.phone:42", so a value copied into another row or column fails
// to decrypt instead of silently moving PII around.
//
// Thread-safety: const methods may be called concurrently.
class FieldCipher {
 public:
  static constexpr std::size_t kKeyBytes = 32;

  // master_key must be exactly 32 bytes (kInvalidArgument otherwise).
  static Result<FieldCipher> create(std::string_view master_key);

  FieldCipher(const FieldCipher&) = default;
  FieldCipher& operator=(const FieldCipher&) = default;
  FieldCipher(FieldCipher&&) noexcept = default;
  FieldCipher& operator=(FieldCipher&&) noexcept = default;
  ~FieldCipher();

  // A fresh data key: `raw` is the 32-byte key to encrypt with, `wrapped` the
  // form to store. Callers should crypto::cleanse(raw) when done.
  struct DataKey {
    std::string raw;
    std::string wrapped;
  };
  Result<DataKey> newDataKey() const;

  // Recovers a raw data key from its wrapped form. kInvalidArgument if the
  // text is malformed, kPermanent if it was not wrapped by this master key.
  Result<std::string> unwrap(std::string_view wrapped) const;

  // Encrypts/decrypts one field under a raw data key. decrypt returns
  // kPermanent when the tag does not verify (wrong key, wrong AAD, tampering).
  static Result<std::string> encrypt(std::string_view data_key, std::string_view plaintext,
                                     std::string_view aad);
  static Result<std::string> decrypt(std::string_view data_key, std::string_view ciphertext,
                                     std::string_view aad);

 private:
  explicit FieldCipher(std::string master_key) : master_key_(std::move(master_key)) {}

  std::string master_key_;
};

}  // namespace cartrelay::core
