#pragma once

#include <string>
#include <string_view>
#include <vector>

// Recognises an opt-out keyword ("STOP", "İPTAL", ...) in an inbound WhatsApp
// text. Meta does not interpret STOP: it arrives as an ordinary text message,
// and the business must honour it (shared/reference/whatsapp-cloud-api.md §6
// "STOP keyword"). Turkish upper/lower-case rules apply, so the comparison
// cannot be a plain ASCII case fold.
namespace cartrelay::whatsapp {

// The keywords used when the configuration names none: English STOP and the
// Turkish equivalents, in the INI's comma-separated form (see
// KeywordMatcher::parseList).
inline constexpr std::string_view kDefaultOptOutKeywords =
    "STOP, DUR, DURDUR, İPTAL, IPTAL, RET, ABONELİKTEN ÇIK";

// Folds UTF-8 text to the form keywords are compared in:
//   - every I variant (I, İ U+0130, ı U+0131, i) becomes 'i', and a combining
//     dot above (U+0307) is dropped, so Turkish and non-Turkish casing agree;
//   - the Turkish letters Ç Ş Ğ Ö Ü (either case, precomposed or followed by
//     their combining mark) become c s g o u, so text typed on a keyboard
//     without them ("abonelikten cik") matches too;
//   - other letters are lower-cased where that is a one-to-one mapping (ASCII,
//     Latin-1, Latin Extended-A, basic Greek and Cyrillic); anything else is
//     kept as it is;
//   - zero-width characters (U+200B..U+200D, U+2060, U+FEFF) are dropped;
//   - leading and trailing whitespace and punctuation (ASCII punctuation and
//     Unicode marks such as … ¡ ¿ “ ” « » ！) are removed, and every inner run
//     of whitespace (Unicode spaces included) becomes one ASCII space.
// Invalid UTF-8 never fails: each byte that does not start a valid sequence
// becomes U+FFFD, so the result is always valid UTF-8.
//
// Thread-safe (a pure function). The result holds the same personal data as
// the input.
std::string foldForKeywordMatch(std::string_view utf8);

// Decides whether a whole message is one of a set of keywords, compared after
// foldForKeywordMatch on both sides. "stop", " Stop! " and "STOP." match STOP;
// "please stop sending" and "stopp" do not: a keyword must be the whole
// message, so ordinary conversation is never read as an opt-out.
//
// A value type: copyable and movable. const methods may be called from any
// number of threads at once.
class KeywordMatcher {
 public:
  // Keywords that fold to the empty string ("", "  ", "!!") are ignored, as
  // are duplicates after folding.
  explicit KeywordMatcher(const std::vector<std::string>& keywords);
  KeywordMatcher(const KeywordMatcher&) = default;
  KeywordMatcher& operator=(const KeywordMatcher&) = default;
  KeywordMatcher(KeywordMatcher&&) noexcept = default;
  KeywordMatcher& operator=(KeywordMatcher&&) noexcept = default;
  ~KeywordMatcher() = default;

  // Splits the INI form "STOP, DUR, İPTAL" on commas, trims ASCII whitespace
  // around each item and drops empty items. Keywords therefore cannot contain
  // a comma. The items are returned as written (not folded).
  static std::vector<std::string> parseList(std::string_view comma_separated);

  // A matcher over parseList(kDefaultOptOutKeywords).
  static KeywordMatcher defaultOptOut();

  // True if `text`, folded, equals one of the folded keywords. Empty text (or
  // text that folds to nothing, such as "..." ) never matches.
  bool matches(std::string_view text) const;

  // The folded keywords, sorted, without duplicates.
  const std::vector<std::string>& foldedKeywords() const { return folded_; }

  bool empty() const { return folded_.empty(); }

 private:
  std::vector<std::string> folded_;  // sorted and unique, for binary search
};

}  // namespace cartrelay::whatsapp
