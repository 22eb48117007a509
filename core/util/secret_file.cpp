#include "core/util/secret_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cartrelay::core {
namespace {

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// The group a secret may be shared with: the reading process's own group
// (the daemon running as cartrelay:cartrelay), or, for root running
// `cartrelay check-config` on a packaged install, the service group itself.
bool isServiceGroup(gid_t gid) {
  if (gid == ::getegid()) return true;
  if (::geteuid() != 0) return false;
  struct group* service = ::getgrnam(kServiceGroup);
  return service != nullptr && service->gr_gid == gid;
}

}  // namespace

Status checkSecretFileMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::notFound(path + ": no such file");
    return Status::unavailable(path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) return Status::permanent(path + ": not a regular file");
  if ((st.st_mode & S_IRWXO) != 0) {
    return Status::permanent(path + ": accessible by others (mode " + octal(st.st_mode) +
                             "); chmod o-rwx");
  }
  if ((st.st_mode & (S_IWGRP | S_IXGRP)) != 0) {
    return Status::permanent(path + ": writable by group (mode " + octal(st.st_mode) +
                             "); chmod g-wx");
  }
  if ((st.st_mode & S_IRGRP) != 0 && !isServiceGroup(st.st_gid)) {
    return Status::permanent(path + ": readable by a group other than the daemon's own (mode " +
                             octal(st.st_mode) + "); chmod g-r or chgrp to the service group");
  }
  return Status::ok();
}

Result<std::string> readSecretFile(const std::string& path) {
  CARTRELAY_RETURN_IF_ERROR(checkSecretFileMode(path));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::unavailable(path + ": " + std::strerror(errno));
  std::string content;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Status::unavailable(path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    content.append(buf, static_cast<size_t>(n));
    if (content.size() > (1u << 20)) {
      ::close(fd);
      return Status::invalidArgument(path + ": secret file larger than 1 MiB");
    }
  }
  ::close(fd);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r' ||
                              content.back() == ' ' || content.back() == '\t')) {
    content.pop_back();
  }
  if (content.empty()) return Status::invalidArgument(path + ": secret file is empty");
  return content;
}

Status writeSecretFile(const std::string& path, const std::string& content, unsigned mode,
                       long group_id) {
  // O_EXCL: never replace an existing key, which would make every encrypted
  // field unreadable.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::duplicate(path + ": already exists");
    return Status::unavailable(path + ": " + std::strerror(errno));
  }
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return Status::unavailable(path + ": " + what + ": " + std::strerror(err));
  };
  if (group_id >= 0 && ::fchown(fd, static_cast<uid_t>(-1), static_cast<gid_t>(group_id)) != 0) {
    return fail("chown");
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0) return fail("chmod");
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("fsync");
  ::close(fd);
  return Status::ok();
}

}  // namespace cartrelay::core
