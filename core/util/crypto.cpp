#include "core/util/crypto.h"

#include <atomic>
#include <cstring>
#include <mutex>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>

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

namespace {

// Small random requests (row keys, nonces, request ids: several per webhook)
// are served from a per-thread buffer that RAND_bytes refills 4 KiB at a
// time: each RAND_bytes call has a fixed cost (DRBG locking, fork and reseed
// checks) that dominated 12- and 32-byte requests. Every byte is handed out
// once and zeroed as it goes. A forked child must not repeat its parent's
// bytes, so fork() bumps a generation that empties every pool.
constexpr std::size_t kPoolBytes = 4096;
constexpr std::size_t kPooledRequestMax = 256;

std::atomic<unsigned> g_fork_generation{0};
std::once_flag g_atfork_once;

struct RandomPool {
  unsigned char bytes[kPoolBytes];
  std::size_t used = kPoolBytes;  // empty
  unsigned generation = 0;

  ~RandomPool() { OPENSSL_cleanse(bytes, sizeof bytes); }

  bool take(unsigned char* out, std::size_t n) {
    const unsigned current = g_fork_generation.load(std::memory_order_relaxed);
    if (generation != current) {
      OPENSSL_cleanse(bytes, sizeof bytes);
      used = kPoolBytes;
      generation = current;
    }
    if (kPoolBytes - used < n) {
      if (RAND_bytes(bytes, static_cast<int>(kPoolBytes)) != 1) return false;
      used = 0;
    }
    std::memcpy(out, bytes + used, n);
    OPENSSL_cleanse(bytes + used, n);
    used += n;
    return true;
  }
};

}  // namespace

Result<std::string> randomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (n == 0) return out;
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  bool ok = false;
  if (n <= kPooledRequestMax) {
    std::call_once(g_atfork_once, [] {
      ::pthread_atfork(nullptr, nullptr,
                       [] { g_fork_generation.fetch_add(1, std::memory_order_relaxed); });
    });
    thread_local RandomPool pool;
    ok = pool.take(dst, n);
  } else {
    ok = RAND_bytes(dst, static_cast<int>(n)) == 1;
  }
  if (!ok) return Status::internal("OpenSSL RAND_bytes failed");
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
