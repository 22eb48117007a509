#include "compliance/audit_key_file.h"

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util/base64.h"
#include "core/util/crypto.h"
#include "core/util/secret_file.h"

namespace cartrelay::compliance {
namespace {

constexpr std::string_view kHeader = "cartrelay-audit-key v1";
constexpr std::string_view kEpochPrefix = "epoch ";
// Digits of the largest int64 epoch; anything longer cannot be valid.
constexpr std::size_t kMaxEpochDigits = 19;

// Wipes a buffer that held key material (base64 or raw) on every way out of
// the scope, including the early returns of the parser.
class WipeOnExit {
 public:
  explicit WipeOnExit(std::string& buffer) : buffer_(buffer) {}
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;
  ~WipeOnExit() { core::crypto::cleanse(buffer_); }

 private:
  std::string& buffer_;
};

std::string errnoText() { return std::strerror(errno); }

// The whole file. `out` is reserved up front so the appends never reallocate
// and leave an unwiped copy of the seed in freed memory; the caller wipes it.
void encode(const EpochKey& key, std::string& out) {
  std::string seed_text = core::base64Encode(key.seed());
  WipeOnExit wipe_seed_text(seed_text);
  const std::string epoch = std::to_string(key.epoch());
  out.clear();
  out.reserve(kHeader.size() + kEpochPrefix.size() + epoch.size() + seed_text.size() + 3);
  out.append(kHeader).append("\n");
  out.append(kEpochPrefix).append(epoch).append("\n");
  out.append(seed_text).append("\n");
}

// Strictly the canonical decimal encode() writes: no sign, no spaces, no
// leading zeros. A file that differs was not written by us, and a lenient
// parser would only hide that.
bool parseEpoch(std::string_view digits, std::int64_t& epoch) {
  if (digits.empty() || digits.size() > kMaxEpochDigits) return false;
  if (digits.size() > 1 && digits.front() == '0') return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), epoch);
  return ec == std::errc() && end == digits.data() + digits.size();
}

// `text` is the file with trailing whitespace already stripped by
// readSecretFile. Messages name the path and the faulty line, never its text:
// line 3 is the seed, and a damaged file may have it on any line.
core::Result<EpochKey> parse(const std::string& path, std::string_view text) {
  auto malformed = [&path](std::string_view what) {
    return core::Status::invalidArgument(path + ": not a cartrelay audit key file (" +
                                         std::string(what) + ")");
  };
  const std::size_t header_end = text.find('\n');
  if (header_end == std::string_view::npos) return malformed("expected three lines");
  if (text.substr(0, header_end) != kHeader) {
    return malformed("line 1 is not \"" + std::string(kHeader) + "\"");
  }
  const std::size_t epoch_end = text.find('\n', header_end + 1);
  if (epoch_end == std::string_view::npos) return malformed("expected three lines");
  const std::string_view epoch_line = text.substr(header_end + 1, epoch_end - header_end - 1);
  const std::string_view seed_line = text.substr(epoch_end + 1);
  if (seed_line.find('\n') != std::string_view::npos) return malformed("more than three lines");

  std::int64_t epoch = 0;
  if (!epoch_line.starts_with(kEpochPrefix) ||
      !parseEpoch(epoch_line.substr(kEpochPrefix.size()), epoch)) {
    return malformed("line 2 is not \"epoch <decimal>\"");
  }

  auto seed = core::base64Decode(seed_line);
  if (!seed.isOk()) return malformed("line 3 is not base64 of a 32-byte seed");
  WipeOnExit wipe_seed(seed.value());
  if (seed->size() != EpochKey::kSeedBytes) {
    return malformed("line 3 is not base64 of a 32-byte seed");
  }
  auto key = EpochKey::fromSeed(epoch, *seed);
  if (!key.isOk()) return key.status().withContext(path);
  return key;
}

// A new or renamed directory entry is only durable once the directory itself
// is fsync'ed; without it a crash can bring the old file (or none) back.
core::Status syncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return core::Status::unavailable(dir + ": open: " + errnoText());
  if (::fsync(fd) != 0) {
    core::Status failed = core::Status::unavailable(dir + ": fsync: " + errnoText());
    ::close(fd);
    return failed;
  }
  ::close(fd);
  return core::Status::ok();
}

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

core::Result<bool> AuditKeyFile::createIfMissing(const std::string& key_dir, unsigned mode,
                                                 long group_id) {
  struct stat st {};
  if (::stat(key_dir.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return core::Status::notFound(key_dir +
                                    ": key directory missing; run `cartrelay keygen` to create it");
    }
    return core::Status::unavailable(key_dir + ": " + errnoText());
  }
  if (!S_ISDIR(st.st_mode)) return core::Status::permanent(key_dir + ": not a directory");

  const std::string path = key_dir + "/" + kFileName;
  // lstat: a dangling symlink also counts as "already there"; following it
  // could create the key somewhere else entirely.
  if (::lstat(path.c_str(), &st) == 0) return false;
  if (errno != ENOENT) return core::Status::unavailable(path + ": " + errnoText());

  CARTRELAY_ASSIGN_OR_RETURN(EpochKey key, EpochKey::generate());
  std::string text;
  WipeOnExit wipe_text(text);
  encode(key, text);
  core::Status written = core::writeSecretFile(path, text, mode, group_id);
  // Another process created it between the lstat and here: its key stands,
  // exactly as if it had been there first.
  if (written.code() == core::Status::Code::kDuplicate) return false;
  CARTRELAY_RETURN_IF_ERROR(written);
  // The chain's first checkpoint publishes this key; losing the file to a
  // crash would leave that checkpoint without a successor key.
  CARTRELAY_RETURN_IF_ERROR(syncDirectory(key_dir));
  return true;
}

core::Result<EpochKey> AuditKeyFile::load(const std::string& key_dir) {
  const std::string path = key_dir + "/" + kFileName;
  auto text = core::readSecretFile(path);
  if (!text.isOk()) {
    if (text.status().code() == core::Status::Code::kNotFound) {
      return core::Status::notFound(path + ": missing; run `cartrelay keygen` to create it");
    }
    return text.status();
  }
  WipeOnExit wipe_text(text.value());
  return parse(path, *text);
}

core::Status AuditKeyFile::store(const std::string& key_dir, const EpochKey& key) {
  // A moved-from EpochKey has an empty seed; writing it would destroy the
  // chain's only key and replace it with an unloadable file.
  if (key.seed().size() != EpochKey::kSeedBytes) {
    return core::Status::invalidArgument("audit key to store has no seed");
  }
  const std::string path = key_dir + "/" + kFileName;

  // The replacement inherits the current file's group and mode, so a packaged
  // root:cartrelay 0640 key stays readable by the service. Bits that
  // checkSecretFileMode refuses are dropped rather than carried over: a
  // replacement must never be more exposed than a valid key file may be.
  mode_t mode = 0600;
  bool has_existing = false;
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) {
    has_existing = true;
    mode = existing.st_mode & (S_IRWXU | S_IRGRP);
  } else if (errno != ENOENT) {
    return core::Status::unavailable(path + ": " + errnoText());
  }

  // Same directory as the target so rename() is atomic; a unique name so two
  // writers never share (and tear) one temporary file. mkostemp creates it
  // 0600, so the seed is never more exposed than the final file.
  std::string tmp = key_dir + "/." + kFileName + ".XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) {
    return core::Status::unavailable(path + ": cannot create a temporary file: " + errnoText());
  }
  auto fail = [&](std::string_view what) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    return core::Status::unavailable(path + ": " + std::string(what) + ": " + std::strerror(err));
  };

  if (has_existing) {
    struct stat created {};
    if (::fstat(fd, &created) != 0) return fail("fstat");
    // Only when it differs: an unprivileged owner may not be allowed to
    // chgrp at all, and needs to only when the directory's default differs.
    if (created.st_gid != existing.st_gid &&
        ::fchown(fd, static_cast<uid_t>(-1), existing.st_gid) != 0) {
      return fail("chown");
    }
  }
  if (::fchmod(fd, mode) != 0) return fail("chmod");

  std::string text;
  WipeOnExit wipe_text(text);
  encode(key, text);
  if (!writeAll(fd, text)) return fail("write");
  // The data must be on disk before the rename makes it the key: otherwise a
  // crash could leave audit.key empty, with the old key already unlinked.
  if (::fsync(fd) != 0) return fail("fsync");
  const int closing = fd;
  fd = -1;
  if (::close(closing) != 0) return fail("close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("rename");

  core::Status synced = syncDirectory(key_dir);
  if (!synced.isOk()) {
    return core::Status::unavailable(path + ": replaced, but not yet durable: " + synced.message());
  }
  return core::Status::ok();
}

}  // namespace cartrelay::compliance
