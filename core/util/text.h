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
