#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cartrelay::core {

// `s` without leading and trailing ASCII spaces, tabs, CR and LF. Views into
// the same buffer; never allocates. Non-ASCII whitespace is kept on purpose:
// it is data, not formatting, in the places we trim (header values, INI values).
inline std::string_view trimAsciiWhitespace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// The value of one hexadecimal digit (either case), or -1.
inline int hexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ASCII case mapping: only A-Z and a-z change; bytes of UTF-8 sequences are
// left alone and the locale is never consulted. These serve protocol tokens
// (header names, schemes, topics, currency and country codes), where
// locale-aware folding would be wrong. Turkish casing of people's words is
// connectors/whatsapp's opt-out keyword matcher, not this.
inline char asciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
inline char asciiUpper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string asciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = asciiLower(c);
  return out;
}

inline std::string asciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = asciiUpper(c);
  return out;
}

// Equal but for the case of ASCII letters ("Content-Type" == "content-type").
inline bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (asciiLower(a[i]) != asciiLower(b[i])) return false;
  }
  return true;
}

// `parts` with `separator` between them ("" for none).
inline std::string joinStrings(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace cartrelay::core
