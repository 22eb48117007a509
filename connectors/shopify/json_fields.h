#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/util/clock.h"
#include "core/util/result.h"
#include "core/util/status.h"

// The one place the Shopify payload mappings read JSON. Every accessor checks
// the type before reading, so nothing here throws, and every error names the
// field by its path ("line_items[2].price: expected a decimal string") and
// never quotes the value: payloads carry personal data and these messages end
// up in the inbox's quarantine reason and in logs.
namespace cartrelay::connectors::shopify {

// Parses a webhook body. kInvalidArgument "body is not valid JSON (at byte N)"
// on a syntax error; the parser's own message is dropped because it quotes
// the bytes around the error.
core::Result<nlohmann::json> parseJsonBody(std::string_view body);

// A read-only view of one JSON value plus its path from the payload root.
// An absent key reads like JSON null, so optional fields need no special
// case. Does not own the value: the json it was made from must outlive it.
//
// Conventions shared by the accessors: JSON null (or absence) gives the
// "unknown" value (empty string, std::nullopt, false, empty vector); a value
// of the wrong type is kInvalidArgument.
class JsonField {
 public:
  // `path` names `value` in messages; "" for the payload root.
  JsonField(const nlohmann::json& value, std::string path);
  JsonField(const JsonField&) = default;
  JsonField& operator=(const JsonField&) = default;
  JsonField(JsonField&&) noexcept = default;
  JsonField& operator=(JsonField&&) noexcept = default;
  ~JsonField() = default;

  const std::string& path() const { return path_; }

  // The member `key`; a null field when this is not an object or has no such key.
  JsonField operator[](std::string_view key) const;

  bool isNull() const;
  bool isObject() const;

  // OK for an object; "<path>: expected an object" otherwise (null included).
  core::Status requireObject() const;

  // The elements of an array, with paths "<path>[i]"; null gives none.
  core::Result<std::vector<JsonField>> elements() const;

  // A string as its exact UTF-8 bytes; null gives "".
  core::Result<std::string> text() const;

  // text(), which must be non-empty: "<path>: missing" otherwise.
  core::Result<std::string> requiredText() const;

  // A platform id as decimal text. Shopify ids are integers up to 2^63 and
  // are read as int64/uint64, never through double; a string id is taken
  // as-is. Null gives ""; a fraction, bool or object is an error.
  core::Result<std::string> id() const;

  // id(), which must be non-empty: "<path>: missing" otherwise.
  core::Result<std::string> requiredId() const;

  // An integer (quantities); null is "<path>: missing".
  core::Result<std::int64_t> integer() const;

  // A boolean; null gives false.
  core::Result<bool> flag() const;

  // An amount in integer minor units with `exponent` fraction digits, via
  // core::parseDecimalMinor. Shopify sends amounts as strings ("421.88"); a
  // JSON number is read through its JSON text, never as a double. Null is
  // "<path>: missing"; anything that is not a plain decimal is
  // "<path>: expected a decimal string".
  core::Result<std::int64_t> minorUnits(int exponent) const;

  // An ISO 8601 time (core::parseIso8601); null gives std::nullopt.
  core::Result<std::optional<core::EpochMillis>> time() const;

  // Shopify tags: a comma-separated string ("tag1, tag2", REST and webhooks)
  // or an array of strings (GraphQL), trimmed, empty entries dropped.
  core::Result<std::vector<std::string>> tags() const;

 private:
  core::Status error(std::string_view expectation) const;

  const nlohmann::json* value_;  // never null
  std::string path_;
};

}  // namespace cartrelay::connectors::shopify
