#include "app/http/router.h"

#include <optional>
#include <utility>

#include "core/util/url_encoding.h"

namespace cartrelay::app::http {
namespace {

// Splits "/a/b" into {"a","b"}; "/" into {}. Nullopt if the path does not
// start with '/'. Segments are returned raw (not decoded).
std::optional<std::vector<std::string_view>> splitPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string_view> segments;
  if (path.size() == 1) return segments;
  std::string_view rest = path.substr(1);
  for (;;) {
    std::size_t slash = rest.find('/');
    segments.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return segments;
}

bool isParamName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

bool isMethodToken(std::string_view method) {
  if (method.empty()) return false;
  for (char c : method) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

bool allowsMethod(const std::set<std::string>& methods, std::string_view method) {
  if (methods.contains(std::string(method))) return true;
  return method == "HEAD" && methods.contains("GET");
}

}  // namespace

void Router::add(const std::vector<std::string>& methods, std::string_view pattern,
                 Handler handler) {
  add(methods, pattern, pattern, std::move(handler));
}

void Router::add(const std::vector<std::string>& methods, std::string_view pattern,
                 std::string_view label, Handler handler) {
  const std::string where = "route " + std::string(pattern);
  Route route;
  route.label = std::string(label);
  route.handler = std::move(handler);
  if (!route.handler) return fail(where + ": empty handler");
  if (route.label.empty()) return fail(where + ": empty label");
  if (methods.size() == 0) return fail(where + ": no method");
  for (std::string_view m : methods) {
    if (!isMethodToken(m)) return fail(where + ": bad method '" + std::string(m) + "'");
    route.methods.emplace(m);
  }

  auto raw = splitPath(pattern);
  if (!raw) return fail(where + ": pattern must start with '/'");
  std::set<std::string, std::less<>> param_names;
  for (std::string_view seg : *raw) {
    Segment segment;
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (!isParamName(name)) return fail(where + ": bad parameter name");
      if (!param_names.emplace(name).second) return fail(where + ": repeated parameter");
      segment.is_param = true;
      segment.text = std::string(name);
    } else {
      if (seg.empty()) return fail(where + ": empty segment");
      if (seg.find_first_of("{}%?#") != std::string_view::npos) {
        return fail(where + ": literal segment with '{', '}', '%', '?' or '#'");
      }
      segment.text = std::string(seg);
    }
    route.segments.push_back(std::move(segment));
  }

  for (const Route& other : routes_) {
    if (other.segments.size() != route.segments.size()) continue;
    bool same_shape = true;
    for (std::size_t i = 0; i < route.segments.size() && same_shape; ++i) {
      const Segment& a = route.segments[i];
      const Segment& b = other.segments[i];
      same_shape = a.is_param == b.is_param && (a.is_param || a.text == b.text);
    }
    if (!same_shape) continue;
    for (const std::string& m : route.methods) {
      if (other.methods.contains(m)) return fail(where + ": " + m + " registered twice");
    }
  }
  routes_.push_back(std::move(route));
}

void Router::fail(std::string message) {
  if (status_.isOk()) status_ = core::Status::invalidArgument("http router: " + message);
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  auto raw = splitPath(path);
  if (!raw) return result;
  std::vector<std::string> segments;
  segments.reserve(raw->size());
  for (std::string_view seg : *raw) {
    std::optional<std::string> decoded = core::percentDecode(seg, false);
    if (!decoded) return result;
    segments.push_back(std::move(*decoded));
  }

  // Specificity: one flag per segment, true for a literal; lexicographic
  // comparison makes the earliest literal win.
  const Route* best = nullptr;
  std::vector<bool> best_rank;
  const Route* best_path_only = nullptr;
  std::vector<bool> best_path_rank;
  std::set<std::string> allow;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<bool> rank;
    rank.reserve(segments.size());
    bool matched = true;
    for (std::size_t i = 0; i < segments.size() && matched; ++i) {
      const Segment& s = route.segments[i];
      matched = s.is_param ? !segments[i].empty() : s.text == segments[i];
      rank.push_back(!s.is_param);
    }
    if (!matched) continue;
    // At equal specificity a route that names the method beats HEAD-via-GET.
    rank.push_back(route.methods.contains(std::string(method)));
    allow.insert(route.methods.begin(), route.methods.end());
    if (route.methods.contains("GET")) allow.insert("HEAD");
    if (best_path_only == nullptr || rank > best_path_rank) {
      best_path_only = &route;
      best_path_rank = rank;
    }
    if (allowsMethod(route.methods, method) && (best == nullptr || rank > best_rank)) {
      best = &route;
      best_rank = std::move(rank);
    }
  }

  if (best != nullptr) {
    result.outcome = Match::Outcome::kMatched;
    result.handler = &best->handler;
    result.label = best->label;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (best->segments[i].is_param) result.params[best->segments[i].text] = segments[i];
    }
    return result;
  }
  if (best_path_only != nullptr) {
    result.outcome = Match::Outcome::kMethodNotAllowed;
    result.label = best_path_only->label;
    for (const std::string& m : allow) {
      if (!result.allow.empty()) result.allow += ", ";
      result.allow += m;
    }
  }
  return result;
}

}  // namespace cartrelay::app::http
