#include "app/whatsapp_event_handler.h"

#include <charconv>
#include <variant>

#include <soci/soci.h>

#include "compliance/whatsapp_templates.h"
#include "connectors/whatsapp/webhook_events.h"
#include "core/store/detail/errors.h"
#include "core/util/log.h"

namespace cartrelay::app {
namespace {

namespace detail = core::store::detail;
using core::Status;

std::optional<compliance::DeliveryState> stateOf(whatsapp::DeliveryStatus status) {
  switch (status) {
    case whatsapp::DeliveryStatus::kSent:
      return compliance::DeliveryState::kSent;
    case whatsapp::DeliveryStatus::kDelivered:
      return compliance::DeliveryState::kDelivered;
    case whatsapp::DeliveryStatus::kRead:
    case whatsapp::DeliveryStatus::kPlayed:  // a voice message listened to: read
      return compliance::DeliveryState::kRead;
    case whatsapp::DeliveryStatus::kFailed:
      return compliance::DeliveryState::kFailed;
  }
  return std::nullopt;
}

std::optional<std::int64_t> outboxIdOf(const std::string& callback_data) {
  std::int64_t id = 0;
  auto [end, ec] =
      std::from_chars(callback_data.data(), callback_data.data() + callback_data.size(), id);
  if (ec != std::errc() || end != callback_data.data() + callback_data.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

// A store error undoes the batch; anything else about one item is logged
// and the item skipped.
bool isStoreError(const Status& status) {
  return status.code() == Status::Code::kUnavailable || status.code() == Status::Code::kInternal;
}

Status skipped(std::string_view what, std::int64_t inbox_id, const Status& status) {
  if (isStoreError(status)) return status;
  core::log::warn("whatsapp.item_skipped").kv("item", what).kv("inbox_id", inbox_id).status(status);
  return Status::ok();
}

Status noteInbound(soci::session& s, const std::string& subject_ref, core::EpochMillis at,
                   core::EpochMillis now) {
  return detail::guarded("whatsapp_contacts.inbound", [&]() -> Status {
    std::string subject = subject_ref;
    std::int64_t inbound = at;
    std::int64_t updated = now;
    long long known = 0;
    s << "SELECT COUNT(*) FROM whatsapp_contacts WHERE subject_ref = :s", soci::use(subject),
        soci::into(known);
    if (known == 0) {
      s << "INSERT INTO whatsapp_contacts (subject_ref, last_inbound_at_ms, inbound_count,"
           " updated_at_ms) VALUES (:s, :at, 1, :now)",
          soci::use(subject), soci::use(inbound), soci::use(updated);
    } else {
      s << "UPDATE whatsapp_contacts SET inbound_count = inbound_count + 1, last_inbound_at_ms ="
           " CASE WHEN last_inbound_at_ms > :at THEN last_inbound_at_ms ELSE :at2 END,"
           " updated_at_ms = :now WHERE subject_ref = :s",
          soci::use(inbound), soci::use(inbound), soci::use(updated), soci::use(subject);
    }
    return Status::ok();
  });
}

// A template webhook into the registry the gate reads (rule 38).
Status noteTemplate(soci::session& s, const whatsapp::TemplateEvent& t, core::EpochMillis now) {
  compliance::MetaTemplate update;
  update.name = t.name;
  update.language = t.language;
  update.template_id = t.template_id;
  switch (t.kind) {
    case whatsapp::TemplateEventKind::kStatus:
      update.status = t.status;
      update.category = t.category;
      update.reason = t.reason;
      return compliance::whatsapp_templates::noteStatus(s, update, now);
    case whatsapp::TemplateEventKind::kQuality:
      update.quality = t.new_quality;
      return compliance::whatsapp_templates::noteQuality(s, update, now);
    case whatsapp::TemplateEventKind::kCategory:
      update.category = t.new_category;
      return compliance::whatsapp_templates::noteCategory(s, update, now);
    case whatsapp::TemplateEventKind::kComponents:
      break;
  }
  return Status::ok();
}

}  // namespace

Status WhatsAppEventHandler::confirmOptOut(soci::session& s, const std::string& phone,
                                           const std::string& step, std::int64_t inbox_id) const {
  if (confirmation_.gate == nullptr) return Status::ok();
  compliance::SendRequest request;
  request.shop_id = confirmation_.shop_id;
  request.phone = phone;
  request.template_name = std::string(compliance::kOptOutConfirmationTemplate);
  // A journey of its own: the dedupe key makes it one confirmation per
  // withdrawal, however often the webhook is delivered.
  request.journey = std::string(compliance::kOptOutConfirmationTemplate);
  request.step = step;
  auto submitted = confirmation_.gate->submitWithin(s, request);
  if (submitted.isOk() && !submitted->duplicate) {
    const compliance::Decision& d = submitted->decision;
    core::log::info("consent.opt_out_confirmation")
        .kv("outbox_id", submitted->outbox_id)
        .kv("decision", compliance::toString(d.outcome))
        .kv("reason", d.reason ? compliance::toString(*d.reason) : std::string_view());
  }
  return skipped("opt_out_confirmation", inbox_id, submitted.status());
}

Status WhatsAppEventHandler::handle(soci::session& s, const core::model::InboxEvent& event) const {
  auto parsed = whatsapp::parseWebhook(event.body);
  if (!parsed.isOk()) return parsed.status();
  for (const std::string& problem : parsed->problems) {
    core::log::warn("whatsapp.item_malformed").kv("inbox_id", event.id).kv("where", problem);
  }
  const core::EpochMillis now = clock_.nowMillis();
  for (const whatsapp::WebhookItem& item : parsed->items) {
    Status applied = Status::ok();
    if (const auto* st = std::get_if<whatsapp::StatusEvent>(&item.event)) {
      auto state = stateOf(st->status);
      if (!state) continue;
      compliance::StatusReport report;
      report.provider_message_id = st->wamid;
      report.status = *state;
      report.at_ms = st->timestamp_ms;
      report.outbox_id = outboxIdOf(st->biz_opaque_callback_data);
      if (!st->errors.empty()) report.error_code = st->errors.front().code;
      if (st->pricing) {
        report.pricing_category = st->pricing->category;
        report.pricing_type = st->pricing->type;
      }
      applied = skipped("status", event.id, delivery_.applyStatus(s, report).status());
    } else if (const auto* in = std::get_if<whatsapp::InboundMessage>(&item.event)) {
      if (in->from.empty()) continue;  // only a business-scoped id: no phone to act on
      const std::string phone = "+" + in->from;
      const std::string subject = keys_.hasher().hash("phone", phone);
      applied = noteInbound(s, subject, in->timestamp_ms, now);
      const auto said = [&](const whatsapp::KeywordMatcher& keywords) {
        return keywords.matches(in->text) ||
               (in->kind == whatsapp::InboundKind::kButton && keywords.matches(in->payload));
      };
      // Stop wins over start: a reply in both lists must not keep anyone
      // subscribed.
      const bool stop = said(opt_out_);
      if (applied.isOk() && !stop && said(opt_in_)) {
        applied = skipped("opt_in_keyword", event.id,
                          consent_
                              .record(s, compliance::WhatsAppSignal::kKeywordStart, phone,
                                      in->timestamp_ms, {{"wamid", in->wamid}, {"via", in->type}})
                              .status());
      }
      if (applied.isOk() && stop) {
        auto recorded =
            consent_.record(s, compliance::WhatsAppSignal::kKeywordStop, phone, in->timestamp_ms,
                            {{"wamid", in->wamid}, {"via", in->type}});
        applied = skipped("opt_out_keyword", event.id, recorded.status());
        if (applied.isOk() && recorded.isOk()) {
          core::log::info("consent.opt_out").kv("subject", subject).kv("via", "wa_keyword");
          applied = confirmOptOut(s, phone, "stop@" + std::to_string(in->timestamp_ms), event.id);
        }
      }
    } else if (const auto* pref = std::get_if<whatsapp::PreferenceEvent>(&item.event)) {
      if (pref->wa_id.empty() || pref->category != "marketing_messages") continue;
      if (pref->value != "stop" && pref->value != "resume") continue;
      const auto signal = pref->value == "stop" ? compliance::WhatsAppSignal::kPreferenceStop
                                                : compliance::WhatsAppSignal::kPreferenceResume;
      const std::string phone = "+" + pref->wa_id;
      auto recorded =
          consent_.record(s, signal, phone, pref->timestamp_ms, {{"detail", pref->detail}});
      applied = skipped("user_preferences", event.id, recorded.status());
      if (applied.isOk() && recorded.isOk() &&
          signal == compliance::WhatsAppSignal::kPreferenceStop) {
        applied =
            confirmOptOut(s, phone, "preference@" + std::to_string(pref->timestamp_ms), event.id);
      }
    } else if (const auto* t = std::get_if<whatsapp::TemplateEvent>(&item.event)) {
      const Status noted = noteTemplate(s, *t, now);
      applied = skipped("template", event.id, noted);
      if (noted.isOk() && t->kind == whatsapp::TemplateEventKind::kStatus &&
          t->status != "PENDING" &&
          compliance::availabilityOf(t->status) != compliance::TemplateAvailability::kApproved) {
        // Its journey steps now wait (TEMPLATE_PAUSED) or are dropped
        // (TEMPLATE_NOT_APPROVED): somebody has to fix the template.
        core::log::error("whatsapp.template_unusable")
            .kv("template", t->name)
            .kv("language", t->language)
            .kv("status", t->status)
            .kv("reason", t->reason);
      }
    } else if (const auto* err = std::get_if<whatsapp::ApiErrorEvent>(&item.event)) {
      core::log::warn("whatsapp.api_error")
          .kv("code", static_cast<std::int64_t>(err->error.code))
          .kv("title", err->error.title);
    }
    if (!applied.isOk()) return applied;
  }
  return Status::ok();
}

}  // namespace cartrelay::app
