#include "core/util/key_ring.h"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include "core/util/base64.h"
#include "core/util/crypto.h"
#include "core/util/secret_file.h"

namespace cartrelay::core {
namespace {

Result<std::string> loadKeyFile(const std::string& path) {
  auto text = readSecretFile(path);
  if (!text.isOk()) {
    if (text.status().code() == Status::Code::kNotFound) {
      return Status::notFound(path + ": missing; run `cartrelay keygen` to create it");
    }
    return text.status();
  }
  auto raw = base64Decode(*text);
  crypto::cleanse(*text);
  if (!raw.isOk() || raw->size() != 32) {
    return Status::invalidArgument(path + ": not a cartrelay key (base64 of 32 bytes)");
  }
  return raw;
}

}  // namespace

Result<KeyRing> KeyRing::load(const std::string& key_dir) {
  CARTRELAY_ASSIGN_OR_RETURN(std::string master, loadKeyFile(key_dir + "/" + kMasterKeyFile));
  CARTRELAY_ASSIGN_OR_RETURN(std::string lookup, loadKeyFile(key_dir + "/" + kLookupKeyFile));
  auto cipher = FieldCipher::create(master);
  auto hasher = KeyedHasher::create(lookup);
  crypto::cleanse(master);
  crypto::cleanse(lookup);
  if (!cipher.isOk()) return cipher.status();
  if (!hasher.isOk()) return hasher.status();
  return KeyRing(std::move(cipher).value(), std::move(hasher).value());
}

Result<std::vector<std::string>> KeyRing::generateMissing(const std::string& key_dir, unsigned mode,
                                                          long group_id) {
  bool created_dir = ::mkdir(key_dir.c_str(), 0700) == 0;
  if (!created_dir && errno != EEXIST) {
    return Status::unavailable(key_dir + ": " + std::strerror(errno));
  }
  // A directory we create is owner-only, or 0750 with the service group when
  // the keys are to be shared with it: the group must be able to enter the
  // directory to read the 0640 files. An existing directory is left alone.
  if (created_dir && group_id >= 0 &&
      (::chown(key_dir.c_str(), static_cast<uid_t>(-1), static_cast<gid_t>(group_id)) != 0 ||
       ::chmod(key_dir.c_str(), 0750) != 0)) {
    return Status::unavailable(key_dir + ": " + std::strerror(errno));
  }
  std::vector<std::string> created;
  for (const char* name : {kMasterKeyFile, kLookupKeyFile}) {
    std::string path = key_dir + "/" + name;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) continue;
    CARTRELAY_ASSIGN_OR_RETURN(std::string raw, crypto::randomBytes(32));
    std::string text = base64Encode(raw) + "\n";
    crypto::cleanse(raw);
    Status written = writeSecretFile(path, text, mode, group_id);
    crypto::cleanse(text);
    CARTRELAY_RETURN_IF_ERROR(written);
    created.push_back(path);
  }
  return created;
}

}  // namespace cartrelay::core
