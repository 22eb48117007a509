#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/field_cipher.h"
#include "core/util/result.h"

namespace cartrelay::core::store::detail {

// A raw (unwrapped) data key that is wiped when it goes out of scope.
class RawKey {
 public:
  RawKey() = default;
  explicit RawKey(std::string raw) : raw_(std::move(raw)) {}
  RawKey(const RawKey&) = delete;
  RawKey& operator=(const RawKey&) = delete;
  RawKey(RawKey&& other) noexcept;
  RawKey& operator=(RawKey&& other) noexcept;
  ~RawKey();

  const std::string& raw() const { return raw_; }
  bool empty() const { return raw_.empty(); }

 private:
  std::string raw_;
};

// A fresh data key: `key` to encrypt with, `wrapped` to store in data_key.
struct NewKey {
  RawKey key;
  std::string wrapped;
};
Result<NewKey> newRowKey(const FieldCipher& cipher);

// Unwraps a stored data_key column.
Result<RawKey> unwrapRowKey(const FieldCipher& cipher, const std::string& wrapped);

// The associated data that pins a ciphertext to its cell:
// "<table>.<column>:<row id>", e.g. "customers.phone:42".
std::string cellAad(std::string_view table_column, std::int64_t row_id);

// Encrypts one cell; an empty plaintext gives "" (stored as NULL).
Result<std::string> sealCell(const RawKey& key, std::string_view plaintext,
                             std::string_view table_column, std::int64_t row_id);

// Decrypts one cell; "" gives "". kPermanent when it does not verify.
Result<std::string> openCell(const RawKey& key, const std::string& ciphertext,
                             std::string_view table_column, std::int64_t row_id);

}  // namespace cartrelay::core::store::detail
