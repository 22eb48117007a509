#include "core/util/keyed_hash.h"

#include "core/util/crypto.h"

namespace cartrelay::core {

KeyedHasher::~KeyedHasher() { crypto::cleanse(key_); }

Result<KeyedHasher> KeyedHasher::create(std::string_view lookup_key) {
  if (lookup_key.size() != kKeyBytes) return Status::invalidArgument("lookup key must be 32 bytes");
  return KeyedHasher(std::string(lookup_key));
}

std::string KeyedHasher::hash(std::string_view domain, std::string_view normalised_value) const {
  std::string message;
  message.reserve(domain.size() + 1 + normalised_value.size());
  message.append(domain);
  message.push_back('\0');
  message.append(normalised_value);
  return crypto::hexEncode(crypto::hmacSha256(key_, message));
}

}  // namespace cartrelay::core
