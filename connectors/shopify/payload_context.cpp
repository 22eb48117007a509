#include "connectors/shopify/payload_context.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "connectors/shopify/json_fields.h"
#include "core/util/clock.h"
#include "core/util/text.h"

namespace cartrelay::connectors::shopify {

namespace {

constexpr std::string_view kTriggeredAt = "shopify-triggered-at";
constexpr std::string_view kPrefixedTriggeredAt = "x-shopify-triggered-at";

}  // namespace

std::int64_t triggeredAtFromHeaders(std::string_view headers_json) {
  // Non-throwing parse: a bad header blob must not fail the mapping.
  const nlohmann::json headers =
      nlohmann::json::parse(headers_json.begin(), headers_json.end(), nullptr, false);
  if (!headers.is_object()) return 0;
  std::optional<std::string> plain;
  std::optional<std::string> prefixed;
  for (const auto& [name, value] : headers.items()) {
    if (!value.is_string()) continue;
    const std::string lower = core::asciiLower(name);
    if (lower == kTriggeredAt) plain = value.get<std::string>();
    if (lower == kPrefixedTriggeredAt) prefixed = value.get<std::string>();
  }
  const std::optional<std::string>& chosen = plain ? plain : prefixed;
  if (!chosen) return 0;
  const core::Result<core::EpochMillis> parsed = core::parseIso8601(*chosen);
  return parsed.isOk() ? parsed.value() : 0;
}

PayloadContext makePayloadContext(const core::model::InboxEvent& event,
                                  const core::ports::MappingContext& shop) {
  PayloadContext context;
  context.shop = shop;
  const std::int64_t triggered = triggeredAtFromHeaders(event.headers_json);
  context.fallback_time_ms = triggered != 0 ? triggered : event.received_at_ms;
  return context;
}

}  // namespace cartrelay::connectors::shopify
