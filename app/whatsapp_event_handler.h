#pragma once

#include <cstdint>
#include <string>

#include "compliance/outbox_delivery.h"
#include "compliance/send_gate.h"
#include "compliance/whatsapp_consent.h"
#include "connectors/whatsapp/opt_out_keywords.h"
#include "core/ports/inbox_event_handler.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"

namespace cartrelay::app {

// What a stored WhatsApp Cloud API webhook means for cartrelay, applied
// item by item inside the inbox processor's transaction
// (whatsapp-cloud-api.md §5-7):
//   statuses          OutboxDelivery::applyStatus (monotonic; a wamid not
//                     yet stored is buffered); biz_opaque_callback_data is
//                     our outbox id; the first error's code for `failed`
//   messages          the customer-service window and engagement counts
//                     (whatsapp_contacts); a text or button reply matching
//                     compliance.opt_out_keywords is a withdrawal; one
//                     matching compliance.opt_in_keywords is evidence
//   user_preferences  marketing_messages stop -> withdrawal, resume ->
//                     evidence
// A withdrawal by keyword or by user_preferences is answered with the
// opt-out confirmation (OptOutConfirmation), submitted to the gate in the
// same transaction: one per withdrawal (its time is the journey step), and
// the gate lets it go only inside the customer service window.
//   template updates  whatsapp_templates (status, category, quality)
//   errors            logged
//
// Items are independent: one that cannot be applied (an unparseable
// phone, a status for a message that never existed) is logged and skipped,
// never losing the others. Only a body that is not a WhatsApp webhook at
// all is refused (kInvalidArgument: the event is quarantined); store errors
// are returned (the batch is retried). Idempotent: statuses only move
// forward, a repeated withdrawal changes no state.
//
// Ownership: every reference must outlive the handler. Thread-safety:
// immutable.
// Where the confirmation of an opt-out goes through: the gate, with the
// built-in kOptOutConfirmationTemplate configured, and the shop it is
// recorded under (the business number is the installation's, so one shop
// speaks for all). No gate: no confirmation is sent.
struct OptOutConfirmation {
  const compliance::SendGate* gate = nullptr;
  std::int64_t shop_id = 0;
};

class WhatsAppEventHandler final : public core::ports::InboxEventHandler {
 public:
  WhatsAppEventHandler(const compliance::OutboxDelivery& delivery,
                       const compliance::WhatsAppConsent& consent, whatsapp::KeywordMatcher opt_out,
                       whatsapp::KeywordMatcher opt_in, const core::KeyRing& keys,
                       const core::Clock& clock, OptOutConfirmation confirmation = {})
      : delivery_(delivery),
        consent_(consent),
        opt_out_(std::move(opt_out)),
        opt_in_(std::move(opt_in)),
        keys_(keys),
        clock_(clock),
        confirmation_(confirmation) {}

  core::Status handle(soci::session& s, const core::model::InboxEvent& event) const override;

 private:
  // Submits the confirmation of the withdrawal `step` names to `phone`.
  // Store errors are returned; anything else is logged and skipped.
  core::Status confirmOptOut(soci::session& s, const std::string& phone, const std::string& step,
                             std::int64_t inbox_id) const;

  const compliance::OutboxDelivery& delivery_;
  const compliance::WhatsAppConsent& consent_;
  whatsapp::KeywordMatcher opt_out_;
  whatsapp::KeywordMatcher opt_in_;
  const core::KeyRing& keys_;
  const core::Clock& clock_;
  OptOutConfirmation confirmation_;
};

}  // namespace cartrelay::app
