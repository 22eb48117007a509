#include "core/util/time_zone.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>

namespace cartrelay::core {
namespace {

namespace chr = std::chrono;

constexpr std::int64_t kDay = 86400;
constexpr std::size_t kMaxFileBytes = 1 << 20;

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

chr::sys_days toDays(std::int64_t days) { return chr::sys_days{chr::days{days}}; }

// Big-endian reads over the TZif bytes; any read past the end clears ok.
struct Reader {
  std::string_view data;
  std::size_t pos = 0;
  bool ok = true;

  std::uint64_t read(int n) {
    if (pos + static_cast<std::size_t>(n) > data.size()) {
      ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(data[pos++]);
    return v;
  }
  void skip(std::size_t n) {
    if (pos + n > data.size()) ok = false;
    pos = std::min(pos + n, data.size());
  }
};

struct Header {
  char version = 0;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

std::optional<Header> readHeader(Reader& r) {
  if (r.data.substr(r.pos, 4) != "TZif") return std::nullopt;
  r.skip(4);
  Header h;
  h.version = static_cast<char>(r.read(1));
  r.skip(15);
  h.isutcnt = static_cast<std::uint32_t>(r.read(4));
  h.isstdcnt = static_cast<std::uint32_t>(r.read(4));
  h.leapcnt = static_cast<std::uint32_t>(r.read(4));
  h.timecnt = static_cast<std::uint32_t>(r.read(4));
  h.typecnt = static_cast<std::uint32_t>(r.read(4));
  h.charcnt = static_cast<std::uint32_t>(r.read(4));
  if (!r.ok || h.typecnt == 0) return std::nullopt;
  return h;
}

bool validName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.size() > 128) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return name.find("..") == std::string_view::npos;
}

// POSIX TZ footer pieces (RFC 8536 section 3.3, POSIX.1 TZ).
struct TzText {
  std::string_view s;
  std::size_t pos = 0;
  bool atEnd() const { return pos >= s.size(); }
  char peek() const { return atEnd() ? '\0' : s[pos]; }
};

bool parseName(TzText& t) {
  if (t.peek() == '<') {
    const std::size_t close = t.s.find('>', t.pos);
    if (close == std::string_view::npos) return false;
    t.pos = close + 1;
    return true;
  }
  const std::size_t start = t.pos;
  while (!t.atEnd() &&
         ((t.peek() >= 'A' && t.peek() <= 'Z') || (t.peek() >= 'a' && t.peek() <= 'z'))) {
    ++t.pos;
  }
  return t.pos - start >= 3;
}

// [+-]h[h[h]][:mm[:ss]] as seconds (sign as written).
std::optional<std::int32_t> parseClock(TzText& t) {
  int sign = 1;
  if (t.peek() == '+' || t.peek() == '-') {
    sign = t.peek() == '-' ? -1 : 1;
    ++t.pos;
  }
  auto number = [&](int max_digits) -> std::optional<int> {
    int v = 0, n = 0;
    while (n < max_digits && t.peek() >= '0' && t.peek() <= '9') {
      v = v * 10 + (t.peek() - '0');
      ++t.pos;
      ++n;
    }
    return n == 0 ? std::nullopt : std::optional<int>(v);
  };
  auto hours = number(3);
  if (!hours || *hours > 167) return std::nullopt;
  std::int32_t seconds = *hours * 3600;
  for (int unit : {60, 1}) {
    if (t.peek() != ':') break;
    ++t.pos;
    auto part = number(2);
    if (!part || *part > 59) return std::nullopt;
    seconds += *part * unit;
  }
  return sign * seconds;
}

}  // namespace

Result<TimeZone::Footer> TimeZone::parseFooter(std::string_view tz) {
  Footer f;
  if (tz.empty()) return f;
  TzText t{tz};
  auto bad = [&] { return Status::invalidArgument("time zone rule '" + std::string(tz) + "'"); };
  if (!parseName(t)) return bad();
  auto std_west = parseClock(t);
  if (!std_west) return bad();
  f.present = true;
  f.std_offset = -*std_west;  // POSIX counts hours west of Greenwich
  if (t.atEnd()) return f;
  if (!parseName(t)) return bad();
  f.has_dst = true;
  f.dst_offset = f.std_offset + 3600;
  if (t.peek() != ',') {
    auto dst_west = parseClock(t);
    if (!dst_west) return bad();
    f.dst_offset = -*dst_west;
  }
  auto parseRule = [&](RuleDate& d) -> bool {
    if (t.peek() != ',') return false;
    ++t.pos;
    auto number = [&]() -> std::optional<int> {
      int v = 0, n = 0;
      while (t.peek() >= '0' && t.peek() <= '9' && n < 4) {
        v = v * 10 + (t.peek() - '0');
        ++t.pos;
        ++n;
      }
      return n == 0 ? std::nullopt : std::optional<int>(v);
    };
    if (t.peek() == 'M') {
      ++t.pos;
      auto m = number();
      if (!m || t.peek() != '.') return false;
      ++t.pos;
      auto w = number();
      if (!w || t.peek() != '.') return false;
      ++t.pos;
      auto wd = number();
      if (!wd || *m < 1 || *m > 12 || *w < 1 || *w > 5 || *wd > 6) return false;
      d.kind = RuleDate::Kind::kMonthWeekDay;
      d.month = *m, d.week = *w, d.weekday = *wd;
    } else if (t.peek() == 'J') {
      ++t.pos;
      auto n = number();
      if (!n || *n < 1 || *n > 365) return false;
      d.kind = RuleDate::Kind::kJulianNoLeap;
      d.day = *n;
    } else {
      auto n = number();
      if (!n || *n > 365) return false;
      d.kind = RuleDate::Kind::kZeroBasedDay;
      d.day = *n;
    }
    if (t.peek() == '/') {
      ++t.pos;
      auto time = parseClock(t);
      if (!time) return false;
      d.time_seconds = *time;
    }
    return true;
  };
  if (!parseRule(f.start) || !parseRule(f.end) || !t.atEnd()) return bad();
  return f;
}

Result<TimeZone> TimeZone::load(std::string_view name, const std::filesystem::path& root) {
  if (!validName(name))
    return Status::invalidArgument("'" + std::string(name) + "' is not a time zone name");
  const std::filesystem::path path = root / std::string(name);
  std::error_code ec;
  // A directory ("Europe") opens as a stream but cannot be read.
  if (!std::filesystem::is_regular_file(path, ec) ||
      std::filesystem::file_size(path, ec) > kMaxFileBytes || ec) {
    return Status::invalidArgument("unknown time zone '" + std::string(name) + "'");
  }
  std::ifstream in(path, std::ios::binary);
  std::string data;
  data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in && !in.eof())
    return Status::invalidArgument("cannot read time zone '" + std::string(name) + "'");
  auto invalid = [&] {
    return Status::invalidArgument("'" + std::string(name) + "' is not a TZif file");
  };

  Reader r{data};
  auto header = readHeader(r);
  if (!header) return invalid();
  int time_bytes = 4;
  if (header->version >= '2') {
    // Skip the 32-bit block: the 64-bit one after it has every transition.
    const Header& h = *header;
    r.skip(h.timecnt * 5 + h.typecnt * 6 + h.charcnt + h.leapcnt * 8 + h.isstdcnt + h.isutcnt);
    header = readHeader(r);
    if (!header) return invalid();
    time_bytes = 8;
  }
  const Header& h = *header;
  TimeZone zone;
  zone.name_ = std::string(name);
  zone.transitions_.reserve(h.timecnt);
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    const std::uint64_t raw = r.read(time_bytes);
    zone.transitions_.push_back(time_bytes == 8 ? static_cast<std::int64_t>(raw)
                                                : static_cast<std::int32_t>(raw));
  }
  for (std::uint32_t i = 0; i < h.timecnt; ++i) {
    zone.transition_types_.push_back(static_cast<std::uint8_t>(r.read(1)));
  }
  for (std::uint32_t i = 0; i < h.typecnt; ++i) {
    Type type;
    type.offset = static_cast<std::int32_t>(r.read(4));
    type.dst = r.read(1) != 0;
    r.skip(1);  // designation index
    zone.types_.push_back(type);
  }
  r.skip(h.charcnt + h.leapcnt * (time_bytes + 4) + h.isstdcnt + h.isutcnt);
  if (!r.ok) return invalid();
  for (std::uint8_t t : zone.transition_types_) {
    if (t >= zone.types_.size()) return invalid();
  }
  if (!std::is_sorted(zone.transitions_.begin(), zone.transitions_.end())) return invalid();
  if (time_bytes == 8 && r.pos < data.size() && data[r.pos] == '\n') {
    const std::size_t end = data.find('\n', r.pos + 1);
    if (end == std::string::npos) return invalid();
    auto footer = parseFooter(std::string_view(data).substr(r.pos + 1, end - r.pos - 1));
    if (!footer.isOk()) return footer.status().withContext(std::string(name));
    zone.footer_ = *footer;
  }
  return zone;
}

std::int32_t TimeZone::offsetSecondsAt(EpochMillis utc) const {
  const std::int64_t t = floorDiv(utc, 1000);
  if (transitions_.empty() || t >= transitions_.back()) {
    if (footer_.present) return footerOffsetAt(utc);
    if (transitions_.empty()) return types_.front().offset;
    return types_[transition_types_.back()].offset;
  }
  if (t < transitions_.front()) return types_.front().offset;
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return types_[transition_types_[static_cast<std::size_t>(it - transitions_.begin()) - 1]].offset;
}

std::int32_t TimeZone::footerOffsetAt(EpochMillis utc) const {
  if (!footer_.has_dst) return footer_.std_offset;
  const std::int64_t t = floorDiv(utc, 1000);
  const chr::year_month_day local_std{toDays(floorDiv(t + footer_.std_offset, kDay))};
  const int year = static_cast<int>(local_std.year());

  auto ruleDay = [year](const RuleDate& d) -> std::int64_t {
    const chr::year y{year};
    chr::sys_days day;
    switch (d.kind) {
      case RuleDate::Kind::kMonthWeekDay: {
        const chr::month m{static_cast<unsigned>(d.month)};
        const chr::weekday wd{static_cast<unsigned>(d.weekday)};
        day = d.week == 5 ? chr::sys_days{y / m / wd[chr::last]}
                          : chr::sys_days{y / m / wd[static_cast<unsigned>(d.week)]};
        break;
      }
      case RuleDate::Kind::kJulianNoLeap: {
        // 1..365, February 29 never counted.
        const int skip_leap = (y.is_leap() && d.day >= 60) ? 1 : 0;
        day = chr::sys_days{y / chr::January / 1} + chr::days{d.day - 1 + skip_leap};
        break;
      }
      case RuleDate::Kind::kZeroBasedDay:
        day = chr::sys_days{y / chr::January / 1} + chr::days{d.day};
        break;
    }
    return day.time_since_epoch().count();
  };
  // Both changes are given in local time: the start in standard time, the
  // end in daylight time.
  const std::int64_t start =
      ruleDay(footer_.start) * kDay + footer_.start.time_seconds - footer_.std_offset;
  const std::int64_t end =
      ruleDay(footer_.end) * kDay + footer_.end.time_seconds - footer_.dst_offset;
  const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? footer_.dst_offset : footer_.std_offset;
}

TimeZone::Local TimeZone::localAt(EpochMillis utc) const {
  const std::int64_t t = floorDiv(utc, 1000) + offsetSecondsAt(utc);
  const std::int64_t days = floorDiv(t, kDay);
  const std::int64_t secs = t - days * kDay;
  const chr::sys_days sd = toDays(days);
  const chr::year_month_day ymd{sd};
  Local out;
  out.year = static_cast<int>(ymd.year());
  out.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  out.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  out.weekday = static_cast<int>(chr::weekday{sd}.c_encoding());
  out.hour = static_cast<int>(secs / 3600);
  out.minute = static_cast<int>((secs % 3600) / 60);
  out.second = static_cast<int>(secs % 60);
  return out;
}

EpochMillis TimeZone::utcOf(int year, int month, int day, int hour, int minute) const {
  const chr::year_month_day ymd{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                chr::day{static_cast<unsigned>(day)}};
  const std::int64_t local =
      chr::sys_days{ymd}.time_since_epoch().count() * kDay + hour * 3600 + minute * 60;
  auto offsetAtSecond = [this](std::int64_t s) { return offsetSecondsAt(s * 1000); };
  // The offsets in force around that day; a wall time maps to local - offset
  // for whichever of them is really in force at the result.
  const std::int32_t before = offsetAtSecond(local - kDay);
  const std::int32_t after = offsetAtSecond(local + kDay);
  std::optional<std::int64_t> best;
  for (std::int32_t o : {before, after}) {
    const std::int64_t t = local - o;
    if (offsetAtSecond(t) == o && (!best || t < *best)) best = t;
  }
  if (best) return *best * 1000;
  // Skipped wall time: the first instant after the gap is the transition,
  // found between local - after (still `before`) and local - before.
  std::int64_t lo = local - std::max(before, after);
  std::int64_t hi = local - std::min(before, after);
  const std::int32_t old_offset = offsetAtSecond(lo);
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (offsetAtSecond(mid) == old_offset ? lo : hi) = mid;
  }
  return hi * 1000;
}

}  // namespace cartrelay::core
