#pragma once

#include <string>

#include "core/util/result.h"
#include "core/util/status.h"

namespace cartrelay::core {

// Rules for files holding secrets (key files, `file:/path` config values).
//
// A secret file must be a regular file that no "other" user can read, write or
// execute, and that its group cannot write. Group read is accepted only when
// the file's group is the reading process's effective group, or when root
// reads a file whose group is the service group (kServiceGroup): that is the
// packaged layout (root:cartrelay 0640, read by the cartrelay service user
// and checked by root running `cartrelay check-config`). Any other group bit
// is refused, so a secret can never leak through a shared group such as
// "users" or "adm".
//
// Errors: kNotFound (missing), kPermanent (wrong type or permissions, message
// says which and the octal mode), kUnavailable (I/O error). Messages name the
// path but never the content.
Status checkSecretFileMode(const std::string& path);

// The group the Debian package creates for the service user.
inline constexpr const char* kServiceGroup = "cartrelay";

// Checks the mode, then reads the whole file and strips trailing whitespace
// (editors add a newline). Empty files are kInvalidArgument.
Result<std::string> readSecretFile(const std::string& path);

// Creates `path` with exactly `mode` (e.g. 0600 or 0640) and writes content,
// refusing to overwrite an existing file (kDuplicate). If group_id >= 0 the
// file is chown'ed to it first. The file is fsync'ed before returning.
Status writeSecretFile(const std::string& path, const std::string& content, unsigned mode,
                       long group_id = -1);

}  // namespace cartrelay::core
