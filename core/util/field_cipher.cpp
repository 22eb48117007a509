#include "core/util/field_cipher.h"

#include <memory>

#include <openssl/evp.h>

#include "core/util/base64.h"
#include "core/util/crypto.h"

namespace cartrelay::core {
namespace {

constexpr std::string_view kPrefix = "v1:";
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
// AAD of a wrapped data key, so a field ciphertext can never be mistaken for one.
constexpr std::string_view kWrapAad = "cartrelay.data-key.v1";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

FieldCipher::~FieldCipher() { crypto::cleanse(master_key_); }

Result<FieldCipher> FieldCipher::create(std::string_view master_key) {
  if (master_key.size() != kKeyBytes) {
    return Status::invalidArgument("master key must be 32 bytes");
  }
  return FieldCipher(std::string(master_key));
}

Result<FieldCipher::DataKey> FieldCipher::newDataKey() const {
  CARTRELAY_ASSIGN_OR_RETURN(std::string raw, crypto::randomBytes(kKeyBytes));
  auto wrapped = encrypt(master_key_, raw, kWrapAad);
  if (!wrapped.isOk()) return wrapped.status();
  return DataKey{std::move(raw), std::move(wrapped).value()};
}

Result<std::string> FieldCipher::unwrap(std::string_view wrapped) const {
  auto raw = decrypt(master_key_, wrapped, kWrapAad);
  if (!raw.isOk()) return raw.status().withContext("unwrap data key");
  if (raw->size() != kKeyBytes) return Status::permanent("unwrapped data key has wrong size");
  return raw;
}

Result<std::string> FieldCipher::encrypt(std::string_view data_key, std::string_view plaintext,
                                         std::string_view aad) {
  if (data_key.size() != kKeyBytes) return Status::invalidArgument("data key must be 32 bytes");
  CARTRELAY_ASSIGN_OR_RETURN(std::string nonce, crypto::randomBytes(kNonceBytes));

  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) return Status::internal("EVP_CIPHER_CTX_new failed");
  std::string out = nonce;
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  auto* ct = reinterpret_cast<unsigned char*>(out.data()) + kNonceBytes;
  int len = 0;
  int total = 0;
  bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(data_key),
                               bytes(nonce)) == 1 &&
            (aad.empty() || EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad),
                                              static_cast<int>(aad.size())) == 1) &&
            EVP_EncryptUpdate(ctx.get(), ct, &len, bytes(plaintext),
                              static_cast<int>(plaintext.size())) == 1;
  total = len;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), ct + total, &len) == 1;
  total += len;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                                 ct + total) == 1;
  if (!ok) return Status::internal("AES-256-GCM encryption failed");
  return std::string(kPrefix) + base64Encode(out);
}

Result<std::string> FieldCipher::decrypt(std::string_view data_key, std::string_view ciphertext,
                                         std::string_view aad) {
  if (data_key.size() != kKeyBytes) return Status::invalidArgument("data key must be 32 bytes");
  if (ciphertext.substr(0, kPrefix.size()) != kPrefix) {
    return Status::invalidArgument("ciphertext has no v1: prefix");
  }
  CARTRELAY_ASSIGN_OR_RETURN(std::string raw, base64Decode(ciphertext.substr(kPrefix.size())));
  if (raw.size() < kNonceBytes + kTagBytes) return Status::invalidArgument("ciphertext too short");
  std::size_t ct_len = raw.size() - kNonceBytes - kTagBytes;
  auto* in = reinterpret_cast<unsigned char*>(raw.data());

  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!ctx) return Status::internal("EVP_CIPHER_CTX_new failed");
  std::string plain(ct_len, '\0');
  auto* pt = reinterpret_cast<unsigned char*>(plain.data());
  int len = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(data_key), in) == 1 &&
      (aad.empty() || EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad),
                                        static_cast<int>(aad.size())) == 1) &&
      EVP_DecryptUpdate(ctx.get(), pt, &len, in + kNonceBytes, static_cast<int>(ct_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          in + kNonceBytes + ct_len) == 1;
  if (!ok) return Status::internal("AES-256-GCM decryption setup failed");
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), pt + len, &final_len) != 1) {
    crypto::cleanse(plain);
    return Status::permanent("ciphertext failed authentication");
  }
  return plain;
}

}  // namespace cartrelay::core
