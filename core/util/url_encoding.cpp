#include "core/util/url_encoding.h"

#include "core/util/text.h"

namespace cartrelay::core {

std::optional<std::string> percentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3) return std::nullopt;
      int hi = hexDigitValue(text[i + 1]);
      int lo = hexDigitValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>((hi << 4) | lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string percentEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0F]);
    }
  }
  return out;
}

std::vector<std::pair<std::string_view, std::string_view>> splitQueryPairs(std::string_view query) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    std::size_t eq = piece.find('=');
    pairs.emplace_back(piece.substr(0, eq),
                       eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1));
  }
  return pairs;
}

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Case-insensitive: "HTTPS://" is the same scheme (RFC 3986 §3.1).
bool startsWithScheme(std::string_view s, std::string_view scheme) {
  return s.size() >= scheme.size() && equalsIgnoringAsciiCase(s.substr(0, scheme.size()), scheme);
}

}  // namespace

bool isWebLink(std::string_view s, bool https_only) {
  std::size_t scheme = 0;
  if (startsWithScheme(s, "https://")) {
    scheme = 8;
  } else if (!https_only && startsWithScheme(s, "http://")) {
    scheme = 7;
  } else {
    return false;
  }
  if (s.size() <= scheme) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || u >= 0x80) return false;
  }
  const std::string_view rest = s.substr(scheme);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::string_view host = authority;
  if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    for (char c : port) {
      if (!isDigit(c)) return false;
    }
    host = authority.substr(0, colon);
  }
  // Userinfo ("user:pass@host") fails here: '@' is not a host character.
  if (host.empty() || host.front() == '.' || host.front() == '-' || host.back() == '.') {
    return false;
  }
  for (char c : host) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

}  // namespace cartrelay::core
