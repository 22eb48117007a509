#include "core/util/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "core/util/text.h"

namespace cartrelay::core::crypto {

std::string sha256(std::string_view data) {
  std::string out(kSha256Bytes, '\0');
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len,
             EVP_sha256(), nullptr);
  return out;
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  std::string out(kSha256Bytes, '\0');
  unsigned int len = 0;
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
  static const unsigned char kEmpty = 0;
  const void* key_ptr = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       reinterpret_cast<unsigned char*>(out.data()), &len);
  return out;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  // Lengths of MACs and tokens are public; only the content must not leak.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

MacMatch matchHmacSha256(std::string_view received_mac, std::string_view body,
                         std::span<const std::string> secrets) {
  bool any_secret = false;
  bool matched = false;
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    any_secret = true;
    matched = constantTimeEquals(hmacSha256(secret, body), received_mac) || matched;
  }
  if (!any_secret) return MacMatch::kNoUsableSecret;
  return matched ? MacMatch::kMatch : MacMatch::kMismatch;
}

Result<std::string> randomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Status::internal("OpenSSL RAND_bytes failed");
  }
  return out;
}

std::string hexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0x0f]);
  }
  return out;
}

Result<std::string> hexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return Status::invalidArgument("hex string has odd length");
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = hexDigitValue(hex[i]);
    int lo = hexDigitValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return Status::invalidArgument("not a hex string");
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

void cleanse(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

}  // namespace cartrelay::core::crypto
