#include "core/util/json_syntax.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>
#include <vector>

namespace cartrelay::core {
namespace {

class JsonSyntax {
 public:
  explicit JsonSyntax(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool valid() {
    if (end_ - p_ >= 3 && std::string_view(p_, 3) == "\xEF\xBB\xBF") p_ += 3;
    std::vector<char> open;  // '{' or '[' of every enclosing container
    enum class Next { kValue, kKey, kAfterValue } next = Next::kValue;
    for (;;) {
      skipSpace();
      switch (next) {
        case Next::kValue:
          if (p_ == end_) return false;
          if (*p_ == '{' || *p_ == '[') {
            const char closer = *p_ == '{' ? '}' : ']';
            const bool object = *p_ == '{';
            ++p_;
            skipSpace();
            if (p_ != end_ && *p_ == closer) {
              ++p_;
              next = Next::kAfterValue;
            } else {
              open.push_back(object ? '{' : '[');
              next = object ? Next::kKey : Next::kValue;
            }
            continue;
          }
          if (!scalar()) return false;
          next = Next::kAfterValue;
          continue;
        case Next::kKey:
          if (p_ == end_ || *p_ != '"') return false;
          ++p_;
          if (!string()) return false;
          skipSpace();
          if (p_ == end_ || *p_ != ':') return false;
          ++p_;
          next = Next::kValue;
          continue;
        case Next::kAfterValue:
          if (open.empty()) return p_ == end_;
          if (p_ == end_) return false;
          if (*p_ == ',') {
            ++p_;
            next = open.back() == '{' ? Next::kKey : Next::kValue;
            continue;
          }
          if (*p_ != (open.back() == '{' ? '}' : ']')) return false;
          ++p_;
          open.pop_back();
          continue;
      }
    }
  }

 private:
  void skipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  bool scalar() {
    switch (*p_) {
      case '"':
        ++p_;
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  static bool isDigit(char c) { return c >= '0' && c <= '9'; }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, finite as a double.
  bool number() {
    const char* start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || !isDigit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && isDigit(*p_)) ++p_;
    }
    const std::ptrdiff_t integer_digits = p_ - start - (*start == '-' ? 1 : 0);
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !isDigit(*p_)) return false;
      while (p_ != end_ && isDigit(*p_)) ++p_;
    }
    bool exponent = false;
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      exponent = true;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !isDigit(*p_)) return false;
      while (p_ != end_ && isDigit(*p_)) ++p_;
    }
    // Only an exponent or 309+ integer digits can reach DBL_MAX.
    if (!exponent && integer_digits < 309) return true;
    double value = 0;
    auto [ptr, ec] = std::from_chars(start, p_, value);
    if (ec == std::errc::result_out_of_range) return !magnitudeAtLeastOne(start, p_);
    return ec == std::errc() && ptr == p_ && std::isfinite(value);
  }

  // For a number from_chars found out of range: overflow (|x| >= 1, refused,
  // as nlohmann refuses an infinite double) or underflow (accepted: it reads
  // as zero or a denormal). Decided by the decimal position of the first
  // significant digit plus the exponent.
  static bool magnitudeAtLeastOne(const char* p, const char* end) {
    if (*p == '-') ++p;
    long long lead = 0;  // decimal exponent of the first significant digit
    bool found = false;
    const char* q = p;
    for (; q != end && isDigit(*q); ++q) {
      if (!found && *q != '0') found = true;
      if (found) ++lead;
    }
    if (found) {
      lead -= 1;
    } else if (q != end && *q == '.') {
      for (++q; q != end && isDigit(*q); ++q) {
        --lead;
        if (*q != '0') {
          found = true;
          break;
        }
      }
    }
    if (!found) return false;  // zero
    while (q != end && *q != 'e' && *q != 'E') ++q;
    if (q == end) return lead >= 0;
    ++q;
    const bool negative = *q == '-';
    if (*q == '+' || *q == '-') ++q;
    long long exp = 0;
    for (; q != end; ++q) {
      exp = std::min<long long>(exp * 10 + (*q - '0'), 1LL << 40);  // saturate
    }
    return lead + (negative ? -exp : exp) >= 0;
  }

  static int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Four hex digits after "\u"; -1 if there are not.
  int codeUnit() {
    if (end_ - p_ < 4) return -1;
    int unit = 0;
    for (int i = 0; i < 4; ++i) {
      int v = hexValue(p_[i]);
      if (v < 0) return -1;
      unit = unit * 16 + v;
    }
    p_ += 4;
    return unit;
  }

  static bool continuation(unsigned char c, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return c >= lo && c <= hi;
  }

  // After the opening quote, up to and including the closing one.
  bool string() {
    for (;;) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_++);
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c < 0x80) {
        if (c != '\\') continue;
        if (p_ == end_) return false;
        switch (*p_++) {
          case '"':
          case '\\':
          case '/':
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't':
            continue;
          case 'u': {
            const int unit = codeUnit();
            if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return false;
            if (unit >= 0xD800 && unit <= 0xDBFF) {
              if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
              p_ += 2;
              const int low = codeUnit();
              if (low < 0xDC00 || low > 0xDFFF) return false;
            }
            continue;
          }
          default:
            return false;
        }
      }
      // Multi-byte UTF-8 (RFC 3629 table 3-7: no overlongs, no surrogates).
      int more = 0;
      unsigned char lo = 0x80;
      unsigned char hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        more = 1;
      } else if (c == 0xE0) {
        more = 2, lo = 0xA0;
      } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        more = 2;
      } else if (c == 0xED) {
        more = 2, hi = 0x9F;
      } else if (c == 0xF0) {
        more = 3, lo = 0x90;
      } else if (c >= 0xF1 && c <= 0xF3) {
        more = 3;
      } else if (c == 0xF4) {
        more = 3, hi = 0x8F;
      } else {
        return false;
      }
      if (end_ - p_ < more) return false;
      if (!continuation(static_cast<unsigned char>(*p_++), lo, hi)) return false;
      for (int i = 1; i < more; ++i) {
        if (!continuation(static_cast<unsigned char>(*p_++))) return false;
      }
    }
  }

  const char* p_;
  const char* end_;
};

}  // namespace

bool isValidJson(std::string_view text) { return JsonSyntax(text).valid(); }

}  // namespace cartrelay::core
