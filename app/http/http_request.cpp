#include "app/http/http_request.h"

#include <algorithm>

#include "core/util/text.h"
#include "core/util/url_encoding.h"

namespace cartrelay::app::http {
void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_,
                [name](const Field& f) { return core::equalsIgnoringAsciiCase(f.first, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const Field& f : fields_) {
    if (core::equalsIgnoringAsciiCase(f.first, name)) return std::string_view(f.second);
  }
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::queryParam(std::string_view name) const {
  for (const auto& [key, value] : query_params) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view HttpRequest::pathParam(std::string_view name) const {
  auto it = path_params.find(name);
  return it == path_params.end() ? std::string_view() : std::string_view(it->second);
}

QueryParams parseQuery(std::string_view query) {
  QueryParams params;
  for (auto [raw_name, raw_value] : core::splitQueryPairs(query)) {
    std::optional<std::string> name = core::percentDecode(raw_name, true);
    std::optional<std::string> value = core::percentDecode(raw_value, true);
    params.emplace_back(name ? std::move(*name) : std::string(raw_name),
                        value ? std::move(*value) : std::string(raw_value));
  }
  return params;
}

}  // namespace cartrelay::app::http
