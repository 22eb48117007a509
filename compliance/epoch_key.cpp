#include "compliance/epoch_key.h"

#include <memory>

#include <openssl/evp.h>

#include "core/util/crypto.h"

namespace cartrelay::compliance {
namespace {

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

constexpr std::string_view kDerivationLabel = "cartrelay-audit-epoch-v1";

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

PKey privateKey(std::string_view seed) {
  return PKey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes(seed), seed.size()),
              &EVP_PKEY_free);
}

core::Result<std::string> publicKeyOf(std::string_view seed) {
  PKey key = privateKey(seed);
  if (!key) return core::Status::internal("Ed25519: cannot load the private key");
  std::string out(EpochKey::kPublicKeyBytes, '\0');
  std::size_t len = out.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(out.data()), &len) !=
          1 ||
      len != EpochKey::kPublicKeyBytes) {
    return core::Status::internal("Ed25519: cannot derive the public key");
  }
  return out;
}

std::string bigEndian64(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}

}  // namespace

core::Result<EpochKey> EpochKey::generate() {
  CARTRELAY_ASSIGN_OR_RETURN(std::string seed, core::crypto::randomBytes(kSeedBytes));
  auto key = fromSeed(0, seed);
  core::crypto::cleanse(seed);
  return key;
}

core::Result<EpochKey> EpochKey::fromSeed(std::int64_t epoch, std::string_view seed) {
  if (epoch < 0) return core::Status::invalidArgument("audit key epoch must be >= 0");
  if (seed.size() != kSeedBytes) {
    return core::Status::invalidArgument("audit signing seed must be 32 bytes");
  }
  CARTRELAY_ASSIGN_OR_RETURN(std::string public_key, publicKeyOf(seed));
  return EpochKey(epoch, std::string(seed), std::move(public_key));
}

EpochKey::EpochKey(EpochKey&& other) noexcept
    : epoch_(other.epoch_),
      seed_(std::move(other.seed_)),
      public_key_(std::move(other.public_key_)) {
  other.seed_.clear();
}

EpochKey& EpochKey::operator=(EpochKey&& other) noexcept {
  if (this != &other) {
    core::crypto::cleanse(seed_);
    epoch_ = other.epoch_;
    seed_ = std::move(other.seed_);
    public_key_ = std::move(other.public_key_);
    other.seed_.clear();
  }
  return *this;
}

EpochKey::~EpochKey() { core::crypto::cleanse(seed_); }

core::Result<EpochKey> EpochKey::next() const {
  const std::int64_t next_epoch = epoch_ + 1;
  // HMAC as the one-way step: without seed(e), seed(e + 1) reveals nothing
  // about it, and the epoch number in the input makes every step distinct.
  std::string seed = core::crypto::hmacSha256(
      seed_, std::string(kDerivationLabel) + bigEndian64(static_cast<std::uint64_t>(next_epoch)));
  auto key = fromSeed(next_epoch, seed);
  core::crypto::cleanse(seed);
  return key;
}

core::Result<std::string> EpochKey::sign(std::string_view message) const {
  PKey key = privateKey(seed_);
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!key || !ctx) return core::Status::internal("Ed25519: cannot set up signing");
  std::string signature(kSignatureBytes, '\0');
  std::size_t len = signature.size();
  // Ed25519 is "pure": no digest is named, the message is signed whole.
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     bytes(message), message.size()) != 1 ||
      len != kSignatureBytes) {
    return core::Status::internal("Ed25519: signing failed");
  }
  return signature;
}

bool verifyEd25519(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  if (public_key.size() != EpochKey::kPublicKeyBytes ||
      signature.size() != EpochKey::kSignatureBytes) {
    return false;
  }
  PKey key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(public_key), public_key.size()),
      &EVP_PKEY_free);
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!key || !ctx) return false;
  return EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(message),
                          message.size()) == 1;
}

}  // namespace cartrelay::compliance
