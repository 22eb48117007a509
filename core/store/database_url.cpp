#include "core/store/database_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "core/util/text.h"
#include "core/util/url_encoding.h"

namespace cartrelay::core::store {
namespace {

constexpr std::string_view kPrefix = "database URL: ";
constexpr std::string_view kForms =
    " (expected sqlite:///path/to/file.db or mysql://user:password@host:port/database)";

Status invalid(std::string_view what) {
  return Status::invalidArgument(std::string(kPrefix) + std::string(what));
}

// Decodes %XX escapes. `field` names the part in the error message; the
// value itself is never echoed (it may be the password).
Result<std::string> percentDecode(std::string_view text, std::string_view field) {
  std::optional<std::string> out = core::percentDecode(text, /*plus_as_space=*/false);
  if (!out) return invalid("invalid percent-encoding in the " + std::string(field));
  if (out->find('\0') != std::string::npos) {
    return invalid("the " + std::string(field) + " contains a NUL character");
  }
  return std::move(*out);
}

Result<DatabaseUrl> parseSqlite(std::string_view rest) {
  if (rest.empty()) return invalid("sqlite URL has no path" + std::string(kForms));
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return invalid("sqlite URL takes no query or fragment (percent-encode '?' and '#')");
  }
  CARTRELAY_ASSIGN_OR_RETURN(std::string path, percentDecode(rest, "sqlite path"));
  if (path.find('=') != std::string::npos) {
    return invalid("sqlite path must not contain '='");
  }
  if (path.back() == '/') return invalid("sqlite path names a directory, not a file");
  DatabaseUrl url;
  url.backend = Backend::kSqlite;
  url.path = std::move(path);
  return url;
}

Result<DatabaseUrl> parseMySql(std::string_view rest) {
  DatabaseUrl url;
  url.backend = Backend::kMariaDb;

  // The host starts after the last '@', so an unencoded '@' in the password works.
  std::size_t at = rest.rfind('@');
  if (at == std::string_view::npos) {
    return invalid("mysql URL needs a user: mysql://user:password@host/database");
  }
  std::string_view userinfo = rest.substr(0, at);
  std::string_view after = rest.substr(at + 1);

  std::size_t colon = userinfo.find(':');
  std::string_view raw_user = userinfo.substr(0, colon);
  if (raw_user.empty()) return invalid("mysql URL has an empty user name");
  CARTRELAY_ASSIGN_OR_RETURN(url.user, percentDecode(raw_user, "user name"));
  if (colon != std::string_view::npos) {
    CARTRELAY_ASSIGN_OR_RETURN(url.password, percentDecode(userinfo.substr(colon + 1), "password"));
  }

  std::string_view query;
  if (std::size_t q = after.find('?'); q != std::string_view::npos) {
    query = after.substr(q + 1);
    after = after.substr(0, q);
  }
  if (after.find('#') != std::string_view::npos) return invalid("mysql URL takes no fragment");
  std::size_t slash = after.find('/');
  std::string_view authority = after.substr(0, slash);
  std::string_view db =
      slash == std::string_view::npos ? std::string_view() : after.substr(slash + 1);

  // host[:port], host may be an IPv6 literal in brackets.
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("unterminated IPv6 address in the host");
    host = authority.substr(1, close - 1);
    std::string_view tail = authority.substr(close + 1);
    if (!tail.empty()) {
      if (tail.front() != ':') return invalid("unexpected text after the IPv6 address");
      port = tail.substr(1);
    }
  } else if (std::size_t c = authority.rfind(':'); c != std::string_view::npos) {
    host = authority.substr(0, c);
    port = authority.substr(c + 1);
  }
  url.host = std::string(host);
  if (url.host.empty()) return invalid("mysql URL has no host");
  if (!port.empty() || authority.find(':') != std::string_view::npos) {
    int value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 ||
        value > 65535) {
      return invalid("port '" + std::string(port) + "' is not a number between 1 and 65535");
    }
    url.port = value;
  }

  if (db.empty()) return invalid("mysql URL has no database name after the host");
  CARTRELAY_ASSIGN_OR_RETURN(url.database, percentDecode(db, "database name"));
  if (url.database.find('/') != std::string::npos) {
    return invalid("the database name must not contain '/'");
  }

  for (auto [key, value] : core::splitQueryPairs(query)) {
    if (key == "socket") {
      CARTRELAY_ASSIGN_OR_RETURN(url.socket, percentDecode(value, "socket path"));
      if (url.socket.empty()) return invalid("empty socket path");
    } else {
      return invalid("unknown mysql URL parameter '" + std::string(key) + "' (supported: socket)");
    }
  }
  return url;
}

std::string format(const DatabaseUrl& url, std::optional<std::string_view> password_shown) {
  if (url.backend == Backend::kSqlite) {
    if (url.path == ":memory:") return "sqlite://:memory:";
    return "sqlite://" + percentEncode(url.path, true);
  }
  std::string out = "mysql://" + percentEncode(url.user, false);
  if (!url.password.empty()) {
    out += ':';
    out += password_shown ? std::string(*password_shown) : percentEncode(url.password, false);
  }
  out += '@';
  bool ipv6 = url.host.find(':') != std::string::npos;
  out += ipv6 ? "[" + url.host + "]" : url.host;
  out += ':' + std::to_string(url.port) + '/' + percentEncode(url.database, false);
  if (!url.socket.empty()) out += "?socket=" + percentEncode(url.socket, true);
  return out;
}

}  // namespace

std::string_view toString(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "mariadb";
}

std::string DatabaseUrl::redacted() const { return format(*this, "***"); }

std::string DatabaseUrl::toString() const { return format(*this, std::nullopt); }

Result<DatabaseUrl> parseDatabaseUrl(std::string_view text) {
  if (text.empty()) return invalid("empty" + std::string(kForms));
  std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    return invalid("missing scheme" + std::string(kForms));
  }
  std::string scheme = asciiLower(text.substr(0, sep));
  std::string_view rest = text.substr(sep + 3);
  if (scheme == "sqlite" || scheme == "sqlite3") return parseSqlite(rest);
  if (scheme == "mysql" || scheme == "mariadb") return parseMySql(rest);
  // The scheme is echoed only if it looks like one; never the rest of the URL.
  bool plain = !scheme.empty() && scheme.size() <= 16 &&
               std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
                 return std::isalnum(c) || c == '+' || c == '-' || c == '.';
               });
  return invalid("unsupported scheme" + (plain ? " '" + scheme + "'" : std::string()) +
                 std::string(kForms));
}

}  // namespace cartrelay::core::store
