#include "core/store/detail/pii.h"

#include "core/util/crypto.h"

namespace cartrelay::core::store::detail {

RawKey::RawKey(RawKey&& other) noexcept : raw_(std::move(other.raw_)) { other.raw_.clear(); }

RawKey& RawKey::operator=(RawKey&& other) noexcept {
  if (this != &other) {
    crypto::cleanse(raw_);
    raw_ = std::move(other.raw_);
    other.raw_.clear();
  }
  return *this;
}

RawKey::~RawKey() { crypto::cleanse(raw_); }

Result<NewKey> newRowKey(const FieldCipher& cipher) {
  CARTRELAY_ASSIGN_OR_RETURN(FieldCipher::DataKey dk, cipher.newDataKey());
  NewKey out{RawKey(std::move(dk.raw)), std::move(dk.wrapped)};
  crypto::cleanse(dk.raw);
  return out;
}

Result<RawKey> unwrapRowKey(const FieldCipher& cipher, const std::string& wrapped) {
  CARTRELAY_ASSIGN_OR_RETURN(std::string raw, cipher.unwrap(wrapped));
  RawKey key(std::move(raw));
  crypto::cleanse(raw);
  return key;
}

std::string cellAad(std::string_view table_column, std::int64_t row_id) {
  return std::string(table_column) + ":" + std::to_string(row_id);
}

Result<std::string> sealCell(const RawKey& key, std::string_view plaintext,
                             std::string_view table_column, std::int64_t row_id) {
  if (plaintext.empty()) return std::string();
  return FieldCipher::encrypt(key.raw(), plaintext, cellAad(table_column, row_id));
}

Result<std::string> openCell(const RawKey& key, const std::string& ciphertext,
                             std::string_view table_column, std::int64_t row_id) {
  if (ciphertext.empty()) return std::string();
  return FieldCipher::decrypt(key.raw(), ciphertext, cellAad(table_column, row_id));
}

}  // namespace cartrelay::core::store::detail
