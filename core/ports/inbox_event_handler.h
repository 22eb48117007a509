#pragma once

#include "core/model/inbox_event.h"
#include "core/util/status.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::ports {

// Processes one stored inbox event whose effects are not a shop's
// ChangeSet (the WhatsApp Cloud API's webhooks: delivery statuses, inbound
// replies, opt-outs, template updates), inside the inbox processor's batch
// transaction, so its writes commit together with the event's new state.
//
// Contract: idempotent (a redelivered event, or a batch retried after a
// store failure, changes nothing twice). Errors: kInvalidArgument or
// kPermanent quarantine the event (its writes are rolled back to the
// event's savepoint); any other code is a store failure that undoes the
// batch and is retried. Messages must not contain personal data.
//
// Thread-safety: called from the processor's thread only; implementations
// state their own.
class InboxEventHandler {
 public:
  virtual ~InboxEventHandler() = default;
  virtual Status handle(soci::session& s, const model::InboxEvent& event) const = 0;
};

}  // namespace cartrelay::core::ports
