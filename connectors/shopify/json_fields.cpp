#include "connectors/shopify/json_fields.h"

#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/util/decimal.h"
#include "core/util/text.h"

namespace cartrelay::connectors::shopify {

namespace {

using core::Result;
using core::Status;

// What an absent member reads as; JsonField points at it rather than owning a
// null of its own so views stay cheap to copy.
const nlohmann::json& nullJson() {
  static const nlohmann::json kNull;
  return kNull;
}

}  // namespace

Result<nlohmann::json> parseJsonBody(std::string_view body) {
  try {
    return nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::parse_error& e) {
    return Status::invalidArgument("body is not valid JSON (at byte " + std::to_string(e.byte) +
                                   ")");
  }
}

JsonField::JsonField(const nlohmann::json& value, std::string path)
    : value_(&value), path_(std::move(path)) {}

JsonField JsonField::operator[](std::string_view key) const {
  std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  if (value_->is_object()) {
    const auto it = value_->find(key);
    if (it != value_->end()) return JsonField(*it, std::move(path));
  }
  return JsonField(nullJson(), std::move(path));
}

bool JsonField::isNull() const { return value_->is_null(); }

bool JsonField::isObject() const { return value_->is_object(); }

Status JsonField::requireObject() const {
  return isObject() ? Status::ok() : error("expected an object");
}

Result<std::vector<JsonField>> JsonField::elements() const {
  std::vector<JsonField> out;
  if (isNull()) return out;
  if (!value_->is_array()) return error("expected an array");
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) {
    out.emplace_back((*value_)[i], path_ + "[" + std::to_string(i) + "]");
  }
  return out;
}

Result<std::string> JsonField::text() const {
  if (isNull()) return std::string();
  if (!value_->is_string()) return error("expected a string");
  return value_->get<std::string>();
}

Result<std::string> JsonField::requiredText() const {
  CARTRELAY_ASSIGN_OR_RETURN(std::string value, text());
  if (value.empty()) return error("missing");
  return value;
}

Result<std::string> JsonField::id() const {
  if (isNull()) return std::string();
  if (value_->is_number_unsigned()) return std::to_string(value_->get<std::uint64_t>());
  if (value_->is_number_integer()) return std::to_string(value_->get<std::int64_t>());
  if (value_->is_string()) return value_->get<std::string>();
  return error("expected an integer id");
}

Result<std::string> JsonField::requiredId() const {
  CARTRELAY_ASSIGN_OR_RETURN(std::string value, id());
  if (value.empty()) return error("missing");
  return value;
}

Result<std::int64_t> JsonField::integer() const {
  if (isNull()) return error("missing");
  if (value_->is_number_unsigned()) {
    const auto value = value_->get<std::uint64_t>();
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return error("integer out of range");
    }
    return static_cast<std::int64_t>(value);
  }
  if (value_->is_number_integer()) return value_->get<std::int64_t>();
  return error("expected an integer");
}

Result<bool> JsonField::flag() const {
  if (isNull()) return false;
  if (!value_->is_boolean()) return error("expected true or false");
  return value_->get<bool>();
}

Result<std::int64_t> JsonField::minorUnits(int exponent) const {
  if (isNull()) return error("missing");
  std::string text;
  if (value_->is_string()) {
    text = value_->get<std::string>();
  } else if (value_->is_number()) {
    // The JSON text of the number ("421.88"), so no binary rounding creeps in.
    text = value_->dump();
  } else {
    return error("expected a decimal string");
  }
  Result<std::int64_t> minor = core::parseDecimalMinor(text, exponent);
  if (!minor.isOk()) return error("expected a decimal string");
  return minor;
}

Result<std::optional<core::EpochMillis>> JsonField::time() const {
  CARTRELAY_ASSIGN_OR_RETURN(std::string value, text());
  if (value.empty()) return std::optional<core::EpochMillis>();
  Result<core::EpochMillis> parsed = core::parseIso8601(value);
  if (!parsed.isOk()) return error("expected an ISO 8601 time");
  return std::optional<core::EpochMillis>(parsed.value());
}

Result<std::vector<std::string>> JsonField::tags() const {
  std::vector<std::string> out;
  auto add = [&out](std::string_view tag) {
    tag = core::trimAsciiWhitespace(tag);
    if (!tag.empty()) out.emplace_back(tag);
  };
  if (value_->is_array()) {
    CARTRELAY_ASSIGN_OR_RETURN(std::vector<JsonField> items, elements());
    for (const JsonField& item : items) {
      CARTRELAY_ASSIGN_OR_RETURN(std::string tag, item.text());
      add(tag);
    }
    return out;
  }
  CARTRELAY_ASSIGN_OR_RETURN(std::string joined, text());
  std::string_view rest = joined;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    add(rest.substr(0, comma));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

Status JsonField::error(std::string_view expectation) const {
  return Status::invalidArgument((path_.empty() ? std::string("body") : path_) + ": " +
                                 std::string(expectation));
}

}  // namespace cartrelay::connectors::shopify
