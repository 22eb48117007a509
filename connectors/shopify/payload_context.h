#pragma once

#include <cstdint>
#include <string_view>

#include "core/model/inbox_event.h"
#include "core/ports/event_mapper.h"

namespace cartrelay::connectors::shopify {

// Everything a Shopify payload mapping needs besides the JSON itself. Built
// from an inbox event by makePayloadContext; tests and pollers that map a
// REST object directly build one by hand.
struct PayloadContext {
  core::ports::MappingContext shop;  // default phone region and currency
  // When a payload carries no updated_at (consent webhooks, nested customer
  // objects with "updated_at": null): X-Shopify-Triggered-At if the delivery
  // had it, else when the event was received. UTC epoch ms.
  std::int64_t fallback_time_ms = 0;
};

// The context for one stored event: the shop's facts and the fallback time
// from the triggered-at header in event.headers_json (a JSON object whose
// names are compared case-insensitively, with or without the "x-" prefix; the
// un-prefixed one wins, as in headers.h). Unreadable headers or a time that
// does not parse fall back to event.received_at_ms: the header is a hint, not
// part of the payload's contract. Pure.
PayloadContext makePayloadContext(const core::model::InboxEvent& event,
                                  const core::ports::MappingContext& shop);

// The Triggered-At header's time from a headers_json object, or 0 when absent
// or unreadable. Exposed for tests.
std::int64_t triggeredAtFromHeaders(std::string_view headers_json);

}  // namespace cartrelay::connectors::shopify
