#pragma once

#include <cstdint>
#include <string>

#include "core/model/change_set.h"
#include "core/model/inbox_event.h"
#include "core/util/result.h"

namespace cartrelay::core::ports {

// Per-shop facts a mapping needs and the payload does not carry.
struct MappingContext {
  std::string country;   // ISO 3166-1 alpha-2: default region for phone numbers
  std::string currency;  // ISO 4217: used when the payload names none
  // WooCommerce: the order/customer meta key whose value records the
  // shopper's WhatsApp opt-in; empty = none configured.
  std::string consent_meta_key;
};

// A connector's mapping from one stored inbox event to the normalised model.
//
// Contract: pure. The result depends only on the event (topic, headers_json,
// body, received_at_ms) and the context; no I/O, no clock, no globals. The
// same event mapped twice gives the same ChangeSet.
//
// Errors: kInvalidArgument when the body is not what the topic promises
// (malformed JSON, a required field missing or of the wrong type, an amount
// that is not a decimal): the inbox quarantines the event with the message,
// which must not contain personal data. An unknown topic is not an error: it
// maps to an empty ChangeSet with `ignored_because` set.
//
// Thread-safety: implementations are immutable and may be shared.
class EventMapper {
 public:
  virtual ~EventMapper() = default;
  virtual Result<model::ChangeSet> map(const model::InboxEvent& event,
                                       const MappingContext& context) const = 0;
};

}  // namespace cartrelay::core::ports
