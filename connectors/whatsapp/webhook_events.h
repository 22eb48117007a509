#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/util/clock.h"
#include "core/util/result.h"

// Splits one WhatsApp Cloud API webhook POST body into independent items
// (shared/reference/whatsapp-cloud-api.md §5, §6, §7).
//
// Meta batches up to 1,000 updates in one POST and retries the whole POST for
// up to 7 days if it is not acknowledged, so one malformed update must never
// cost the others (botpress PR #15083 lost inbound messages that way). Only a
// body that is not a WhatsApp webhook at all is an error; everything below the
// envelope is judged item by item.
//
// Everything here is a pure function of the body. Thread-safe.
namespace cartrelay::whatsapp {

// One entry of an `errors[]` array, either on a failed status or at the value
// level. `details` is `error_data.details`. These strings are Meta's, but a
// future error could echo request content, so treat them as data, not as log
// text.
struct ErrorDetail {
  int code = 0;
  std::string title;
  std::string message;
  std::string details;

  bool operator==(const ErrorDetail&) const = default;
};

// The `pricing` object of a status. `model` is `pricing_model` ("CBP" before
// July 2025, "PMP" after); `type` is "regular", "free_customer_service", ...
// (PMP only); `category` is "marketing", "utility", "service", ...
struct Pricing {
  std::string category;
  std::string type;
  std::string model;
  std::optional<bool> billable;

  bool operator==(const Pricing&) const = default;
};

// `statuses[].status`. Meta documents exactly these five (§5 "Statuses").
enum class DeliveryStatus { kSent, kDelivered, kRead, kPlayed, kFailed };

// "sent" | "delivered" | "read" | "played" | "failed": Meta's wire value.
std::string_view toString(DeliveryStatus status);

// Inverse of toString; exact, lower-case match. std::nullopt for anything else.
std::optional<DeliveryStatus> parseDeliveryStatus(std::string_view text);

// An outbound message changed state. Order is not guaranteed and duplicates
// happen (§5): callers keep their own state monotonic.
struct StatusEvent {
  std::string wamid;  // the id the send call returned
  DeliveryStatus status = DeliveryStatus::kSent;
  std::string recipient_id;  // wa_id (phone digits); may be empty once BSUIDs roll out
  core::EpochMillis timestamp_ms = 0;
  std::string biz_opaque_callback_data;  // echoed from the send request, "" if none
  std::vector<ErrorDetail> errors;       // non-empty for kFailed as Meta sends them
  std::optional<Pricing> pricing;        // absent on many v24+ statuses

  bool operator==(const StatusEvent&) const = default;
};

// What kind of inbound message this is, as far as cartrelay cares.
//   kText         type "text": `text` is the body
//   kButton       type "button" (a template quick-reply click): `text` is the
//                 button label, `payload` its payload
//   kInteractive  type "interactive": for button_reply/list_reply `text` is the
//                 title and `payload` the id; other sub-types leave both empty
//   kOther        anything else (media, reaction, location, "unsupported", ...):
//                 only `type` says what it was
enum class InboundKind { kText, kButton, kInteractive, kOther };

// "text" | "button" | "interactive" | "other".
std::string_view toString(InboundKind kind);

// A message a user sent to one of our numbers. Holds personal data (`from`,
// `user_id`, `text`): never log it.
struct InboundMessage {
  std::string wamid;
  std::string from;     // wa_id (phone digits); may be empty if Meta sends only a user_id
  std::string user_id;  // business-scoped user id ("US.…") when Meta sends one, else ""
  core::EpochMillis timestamp_ms = 0;
  InboundKind kind = InboundKind::kOther;
  std::string type;           // Meta's `type` string, as sent
  std::string text;           // see InboundKind
  std::string payload;        // see InboundKind
  std::string context_wamid;  // `context.id`: the message this replies to, "" if none

  bool operator==(const InboundMessage&) const = default;
};

// A `user_preferences` update: the user stopped or resumed marketing messages
// inside WhatsApp (§6). Holds personal data (`wa_id`, `user_id`).
struct PreferenceEvent {
  std::string wa_id;     // may be empty if only a user_id is sent
  std::string user_id;   // BSUID when known, else ""
  std::string category;  // "marketing_messages"
  std::string value;     // ASCII lower-cased: "stop", "resume", "signup", ...
  std::string detail;    // Meta's human-readable explanation
  core::EpochMillis timestamp_ms = 0;

  bool operator==(const PreferenceEvent&) const = default;
};

// Which template webhook produced a TemplateEvent:
//   kStatus      field message_template_status_update
//   kQuality     field message_template_quality_update
//   kCategory    field template_category_update
//   kComponents  field message_template_components_update
enum class TemplateEventKind { kStatus, kQuality, kCategory, kComponents };

// "status" | "quality" | "category" | "components" (used in dedupe keys).
std::string_view toString(TemplateEventKind kind);

// A change to one of our message templates (§7). Fields that the kind does
// not carry are empty.
struct TemplateEvent {
  TemplateEventKind kind = TemplateEventKind::kStatus;
  std::string template_id;  // `message_template_id` as decimal text
  std::string name;         // `message_template_name`
  std::string language;     // `message_template_language`, e.g. "en_US"
  std::string category;     // `message_template_category` (kStatus), e.g. "MARKETING"
  std::string status;       // kStatus: `event`, e.g. APPROVED, REJECTED, PAUSED, DISABLED
  std::string reason;       // kStatus: `reason`, e.g. NONE, INVALID_FORMAT
  std::string previous_quality, new_quality;    // kQuality: GREEN, YELLOW, RED, UNKNOWN
  std::string previous_category, new_category;  // kCategory
  // The entry's `time` (or the value's `timestamp`); std::nullopt when neither is sent.
  std::optional<core::EpochMillis> timestamp_ms;

  bool operator==(const TemplateEvent&) const = default;
};

// An app- or system-level error reported in `value.errors[]` of a change
// (not tied to one message).
struct ApiErrorEvent {
  ErrorDetail error;
  std::optional<core::EpochMillis> timestamp_ms;  // the entry's `time`, if sent

  bool operator==(const ApiErrorEvent&) const = default;
};

using WebhookEvent =
    std::variant<StatusEvent, InboundMessage, PreferenceEvent, TemplateEvent, ApiErrorEvent>;

// One independent update from a webhook body.
struct WebhookItem {
  std::string waba_id;          // `entry[].id`: the WhatsApp Business Account
  std::string phone_number_id;  // `value.metadata.phone_number_id`; "" for template events
  // Stable across redeliveries of the same update, so the caller can drop
  // repeats (Meta retries, and retries go to every subscribed app):
  //   status:<wamid>:<status>
  //   message:<wamid>
  //   preference:<wa_id or user_id>:<category>:<value>:<unix seconds>
  //   template:<template id>:<kind>:<event / new quality / new category>:<unix seconds>
  //   error:<code>:<entry time in unix seconds>
  // Parts that are absent are left empty ("error:131000:"). A preference key
  // contains the user's phone number: it is personal data like the event.
  std::string dedupe_key;
  WebhookEvent event;

  bool operator==(const WebhookItem&) const = default;
};

// The result of parsing one body.
struct ParsedWebhook {
  // In body order: entries, then changes, then each array in the order
  // statuses, messages, user_preferences, errors.
  std::vector<WebhookItem> items;
  // One line per skipped item, or per ignored malformed optional field, e.g.
  // "entry[0].changes[1].value.statuses[2]: missing id". Lines name the place
  // and the fault only, never a value from the body, so they are safe to log.
  std::vector<std::string> problems;
  // Changes whose `field` this parser does not handle (account_update,
  // phone_number_quality_update, ...). They are dropped without a problem
  // line so that a field Meta adds later does not flood the logs.
  std::size_t ignored_changes = 0;
};

// Parses a webhook POST body (the raw bytes; the signature is checked
// elsewhere, see signature.h).
//
// Returns kInvalidArgument only when the body is not JSON, not an object, or
// its `object` is not "whatsapp_business_account"; the message never quotes
// the body. Otherwise returns every item it could read, with a line in
// `problems` for each one it could not. Handled fields: "messages" (statuses,
// messages, errors), "user_preferences", "message_template_status_update",
// "message_template_quality_update", "template_category_update",
// "message_template_components_update".
//
// Timestamps are Unix seconds, as a string or a number, converted to epoch
// milliseconds.
core::Result<ParsedWebhook> parseWebhook(std::string_view raw_body);

}  // namespace cartrelay::whatsapp
