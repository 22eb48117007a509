#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cartrelay::core {

// RFC 3986 percent-decoding of one URL component. With plus_as_space, '+'
// also becomes ' ' (query strings and HTML form bodies). Returns nullopt on a
// malformed escape ("%4", "%zz"); the result may contain any byte, NUL
// included, so callers that need text check for that themselves.
std::optional<std::string> percentDecode(std::string_view text, bool plus_as_space);

// RFC 3986 percent-encoding of one URL component: every byte outside the
// "unreserved" set (A-Z a-z 0-9 - . _ ~), and '/' too unless keep_slash
// (a path), becomes %XX with upper-case hex.
std::string percentEncode(std::string_view text, bool keep_slash = false);

// Splits "a=1&b&&c=" into the still-encoded pairs {"a","1"}, {"b",""},
// {"c",""}: empty pieces are skipped, a piece without '=' has an empty
// value. The views point into `query`.
std::vector<std::pair<std::string_view, std::string_view>> splitQueryPairs(std::string_view query);

// True when `s` is an absolute web link a third party may be sent to:
// "https://" (or, unless https_only, "http://"; the scheme in any case),
// then a host of ASCII letters, digits, '.' and '-' (not starting with '.'
// or '-', not ending with '.'), an optional ":PORT" of 1-5 digits, and
// then anything that starts with '/', '?' or '#'. Userinfo ("user@host"),
// IP-literal hosts in brackets, whitespace, control characters and
// non-ASCII bytes (an IRI must be percent-encoded first) are refused, so
// the link is also safe to put into an HTTP header such as Location.
bool isWebLink(std::string_view s, bool https_only);

}  // namespace cartrelay::core
