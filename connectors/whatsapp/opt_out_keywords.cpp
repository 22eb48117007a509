#include "connectors/whatsapp/opt_out_keywords.h"

#include <algorithm>
#include <cstddef>
#include <utility>

#include "core/util/text.h"

namespace cartrelay::whatsapp {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

bool isContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Decodes the code point starting at `pos` and advances `pos` past it. A byte
// that does not start a well-formed sequence (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF) becomes U+FFFD and only that byte is
// consumed, so the following bytes are still read as text. Inbound text is
// meant to be UTF-8, but this runs on whatever a webhook carried.
char32_t decodeNext(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  std::size_t length = 0;
  unsigned char low = 0x80;  // the range the second byte must fall in
  unsigned char high = 0xBF;
  char32_t cp = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0Fu;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // UTF-16 surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07u;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    ++pos;
    return kReplacement;
  }
  if (pos + length > text.size() || byte(pos + 1) < low || byte(pos + 1) > high) {
    ++pos;
    return kReplacement;
  }
  for (std::size_t i = 1; i < length; ++i) {
    if (!isContinuation(byte(pos + i))) {
      ++pos;
      return kReplacement;
    }
    cp = (cp << 6) | (byte(pos + i) & 0x3Fu);
  }
  pos += length;
  return cp;
}

void appendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool inRange(char32_t cp, char32_t first, char32_t last) { return cp >= first && cp <= last; }

// Unicode White_Space, which is what separates words on a phone keyboard
// (no-break spaces come from autocorrect and copy-paste).
bool isSpace(char32_t cp) {
  return inRange(cp, 0x09, 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         inRange(cp, 0x2000, 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Invisible format characters that keyboards and copy-paste insert inside
// words; a STOP with a zero-width space in it still reads as STOP.
bool isZeroWidth(char32_t cp) {
  return inRange(cp, 0x200B, 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

// Punctuation that people put around a one-word reply ("Stop!", "«İptal»",
// "¡Stop!", "STOP…"). Not the full Unicode P* categories, which would need
// tables: ASCII, Latin-1, General Punctuation and the CJK and full-width forms
// phone keyboards produce.
bool isPunctuation(char32_t cp) {
  return inRange(cp, 0x21, 0x2F) || inRange(cp, 0x3A, 0x40) || inRange(cp, 0x5B, 0x60) ||
         inRange(cp, 0x7B, 0x7E) || cp == 0xA1 || cp == 0xA7 || cp == 0xAB || cp == 0xB6 ||
         cp == 0xB7 || cp == 0xBB || cp == 0xBF || cp == 0x37E || cp == 0x387 || cp == 0x60C ||
         cp == 0x61B || cp == 0x61F || cp == 0x6D4 || inRange(cp, 0x2010, 0x2027) ||
         inRange(cp, 0x2030, 0x205E) || inRange(cp, 0x3001, 0x3003) ||
         inRange(cp, 0x3008, 0x3011) || inRange(cp, 0x3014, 0x301F) ||
         inRange(cp, 0xFE10, 0xFE19) || inRange(cp, 0xFE30, 0xFE6B) ||
         inRange(cp, 0xFF01, 0xFF0F) || inRange(cp, 0xFF1A, 0xFF20) ||
         inRange(cp, 0xFF3B, 0xFF40) || inRange(cp, 0xFF5B, 0xFF65);
}

// One code point to its comparison form. Only one-to-one mappings are used,
// so the result never depends on neighbouring characters or a locale.
char32_t foldCodePoint(char32_t cp) {
  // Turkish has dotted İ/i and dotless I/ı; a user may type any of them for
  // the same word (İPTAL, Iptal, ıptal), so all four are one letter here.
  if (cp == 'I' || cp == 'i' || cp == 0x130 || cp == 0x131) return 'i';
  if (inRange(cp, 'A', 'Z')) return cp + ('a' - 'A');
  if (cp < 0x80) return cp;
  // Turkish letters fold to their base letter because many users type
  // Turkish on keyboards without them ("abonelikten cik").
  switch (cp) {
    case 0xC7:  // Ç
    case 0xE7:  // ç
      return 'c';
    case 0x15E:  // Ş
    case 0x15F:  // ş
      return 's';
    case 0x11E:  // Ğ
    case 0x11F:  // ğ
      return 'g';
    case 0xD6:  // Ö
    case 0xF6:  // ö
      return 'o';
    case 0xDC:  // Ü
    case 0xFC:  // ü
      return 'u';
    default:
      break;
  }
  // Latin-1 capitals sit 0x20 below their small letters; U+00D7 is ×.
  if (inRange(cp, 0xC0, 0xDE) && cp != 0xD7) return cp + 0x20;
  // Latin Extended-A alternates capital/small, with the parity flipping at
  // U+0139 and again at U+0179; U+0138 ĸ, U+0149 ŉ and U+017F ſ have no pair.
  if (inRange(cp, 0x100, 0x137) || inRange(cp, 0x14A, 0x177)) return (cp % 2 == 0) ? cp + 1 : cp;
  if (inRange(cp, 0x139, 0x148) || inRange(cp, 0x179, 0x17E)) return (cp % 2 == 1) ? cp + 1 : cp;
  if (cp == 0x178) return 0xFF;  // Ÿ
  // Greek capitals (U+03A2 is unassigned) and the accented ones.
  if (inRange(cp, 0x391, 0x3A9) && cp != 0x3A2) return cp + 0x20;
  if (cp == 0x386) return 0x3AC;
  if (inRange(cp, 0x388, 0x38A)) return cp + 0x25;
  if (cp == 0x38C) return 0x3CC;
  if (inRange(cp, 0x38E, 0x38F)) return cp + 0x3F;
  // Cyrillic capitals.
  if (inRange(cp, 0x410, 0x42F)) return cp + 0x20;
  if (inRange(cp, 0x400, 0x40F)) return cp + 0x50;
  return cp;
}

// A combining mark that, after `base`, spells a Turkish letter the precomposed
// path already folds to `base`: Ç/Ş with U+0327 (cedilla), Ğ with U+0306
// (breve), Ö/Ü with U+0308 (diaeresis). Decomposed input (NFD) then folds
// exactly like precomposed input.
bool isTurkishMarkOn(char32_t base, char32_t mark) {
  switch (mark) {
    case 0x327:
      return base == 'c' || base == 's';
    case 0x306:
      return base == 'g';
    case 0x308:
      return base == 'o' || base == 'u';
    default:
      return false;
  }
}

}  // namespace

std::string foldForKeywordMatch(std::string_view utf8) {
  std::u32string folded;
  folded.reserve(utf8.size());
  for (std::size_t pos = 0; pos < utf8.size();) {
    const char32_t cp = decodeNext(utf8, pos);
    if (isZeroWidth(cp)) continue;
    // U+0307 is the dot of a decomposed İ (I + U+0307), and what a
    // locale-unaware lower-casing of İ leaves behind ("i̇").
    if (cp == 0x307) continue;
    if (!folded.empty() && isTurkishMarkOn(folded.back(), cp)) continue;
    folded.push_back(foldCodePoint(cp));
  }

  const auto isTrimmed = [](char32_t cp) { return isSpace(cp) || isPunctuation(cp); };
  const auto first = std::find_if_not(folded.begin(), folded.end(), isTrimmed);
  const auto last = std::find_if_not(folded.rbegin(), folded.rend(), isTrimmed).base();

  std::string out;
  out.reserve(utf8.size());
  bool in_space = false;
  for (auto it = first; it < last; ++it) {
    if (isSpace(*it)) {
      in_space = true;
      continue;
    }
    // Trimming guarantees a non-space follows every run, so a run is written
    // as one space only once the next word starts.
    if (in_space) out.push_back(' ');
    in_space = false;
    appendUtf8(*it, out);
  }
  return out;
}

KeywordMatcher::KeywordMatcher(const std::vector<std::string>& keywords) {
  folded_.reserve(keywords.size());
  for (const std::string& keyword : keywords) {
    std::string folded = foldForKeywordMatch(keyword);
    if (!folded.empty()) folded_.push_back(std::move(folded));
  }
  std::sort(folded_.begin(), folded_.end());
  folded_.erase(std::unique(folded_.begin(), folded_.end()), folded_.end());
}

std::vector<std::string> KeywordMatcher::parseList(std::string_view comma_separated) {
  std::vector<std::string> out;
  while (true) {
    const std::size_t comma = comma_separated.find(',');
    const std::string_view item = core::trimAsciiWhitespace(comma_separated.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    comma_separated.remove_prefix(comma + 1);
  }
  return out;
}

KeywordMatcher KeywordMatcher::defaultOptOut() {
  return KeywordMatcher(parseList(kDefaultOptOutKeywords));
}

bool KeywordMatcher::matches(std::string_view text) const {
  const std::string folded = foldForKeywordMatch(text);
  if (folded.empty()) return false;
  return std::binary_search(folded_.begin(), folded_.end(), folded);
}

}  // namespace cartrelay::whatsapp
