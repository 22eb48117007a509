#include "connectors/whatsapp/webhook_events.h"

#include <cstdint>
#include <exception>
#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "connectors/whatsapp/webhook_fields.h"
#include "core/util/text.h"

namespace cartrelay::whatsapp {

namespace {

using namespace webhook_fields;  // NOLINT(google-build-using-namespace): this file's own helpers

constexpr std::string_view kObject = "whatsapp_business_account";

// The fields shared by every item of one change.
struct ChangeContext {
  std::string waba_id;
  std::string phone_number_id;
  std::optional<EpochMillis> entry_time_ms;
};

Result<WebhookItem> parseStatus(const Json& object, const std::string& path,
                                const ChangeContext& context, Problems& problems) {
  if (!object.is_object()) return Status::invalidArgument(path + ": expected an object");
  StatusEvent event;
  CARTRELAY_ASSIGN_OR_RETURN(event.wamid, requiredString(object, "id", path));
  CARTRELAY_ASSIGN_OR_RETURN(const std::string status, requiredString(object, "status", path));
  const std::optional<DeliveryStatus> parsed = parseDeliveryStatus(status);
  // A status Meta adds later cannot be mapped onto the outbox's states, so
  // it is reported rather than guessed at.
  if (!parsed) return Status::invalidArgument(join(path, "status") + ": unknown value");
  event.status = *parsed;
  CARTRELAY_ASSIGN_OR_RETURN(event.timestamp_ms, requiredTimestamp(object, "timestamp", path));
  // recipient_id is the phone number today; BSUID-only recipients may come
  // without it (§5 "Identity change"), and the wamid is what matters here.
  event.recipient_id = optionalString(object, "recipient_id", path, problems);
  event.biz_opaque_callback_data =
      optionalString(object, "biz_opaque_callback_data", path, problems);

  const std::string errors_path = join(path, "errors");
  const std::vector<const Json*> errors = arrayMember(object, "errors", path, problems);
  for (std::size_t i = 0; i < errors.size(); ++i) {
    Result<ErrorDetail> error = parseError(*errors[i], indexed(errors_path, i), problems);
    if (error.isOk()) {
      event.errors.push_back(*std::move(error));
    } else {
      problems.add(error.status());
    }
  }

  // `conversation` is not read: Meta stopped sending it in v24 and pricing
  // carries the billing facts.
  if (const Json* pricing = member(object, "pricing"); pricing != nullptr) {
    const std::string pricing_path = join(path, "pricing");
    if (pricing->is_object()) {
      Pricing p;
      p.category = optionalString(*pricing, "category", pricing_path, problems);
      p.type = optionalString(*pricing, "type", pricing_path, problems);
      p.model = optionalString(*pricing, "pricing_model", pricing_path, problems);
      if (const Json* billable = member(*pricing, "billable"); billable != nullptr) {
        if (billable->is_boolean()) {
          p.billable = billable->get<bool>();
        } else {
          problems.add(join(pricing_path, "billable"), "expected a boolean (ignored)");
        }
      }
      event.pricing = std::move(p);
    } else {
      problems.add(pricing_path, "expected an object (ignored)");
    }
  }

  WebhookItem item;
  item.waba_id = context.waba_id;
  item.phone_number_id = context.phone_number_id;
  item.dedupe_key = "status:" + event.wamid + ":" + std::string(toString(event.status));
  item.event = std::move(event);
  return item;
}

// A nested object member read leniently: a wrong type is noted and reads as
// absent, because the item is still worth having without it.
const Json* optionalObject(const Json& object, std::string_view key, const std::string& path,
                           Problems& problems) {
  const Json* value = member(object, key);
  if (value == nullptr) return nullptr;
  if (!value->is_object()) {
    problems.add(join(path, key), "expected an object (ignored)");
    return nullptr;
  }
  return value;
}

Result<WebhookItem> parseMessage(const Json& object, const std::string& path,
                                 const ChangeContext& context, const std::vector<Contact>& contacts,
                                 Problems& problems) {
  if (!object.is_object()) return Status::invalidArgument(path + ": expected an object");
  InboundMessage message;
  CARTRELAY_ASSIGN_OR_RETURN(message.wamid, requiredString(object, "id", path));
  CARTRELAY_ASSIGN_OR_RETURN(message.timestamp_ms, requiredTimestamp(object, "timestamp", path));
  CARTRELAY_ASSIGN_OR_RETURN(message.type, requiredString(object, "type", path));

  // Kapso warns that `from` may go once BSUIDs roll out (§5 "Identity
  // change"): a message is usable as long as either identity is there.
  message.from = optionalString(object, "from", path, problems);
  message.user_id = optionalString(object, "from_user_id", path, problems);
  if (message.user_id.empty()) message.user_id = userIdFor(message.from, contacts);
  if (message.from.empty() && message.user_id.empty()) return missing(path, "from");

  if (const Json* reply_to = optionalObject(object, "context", path, problems)) {
    message.context_wamid = optionalString(*reply_to, "id", join(path, "context"), problems);
  }

  if (message.type == "text") {
    message.kind = InboundKind::kText;
    // The body is the point of a text message (it may be "STOP"), so a text
    // message without one is malformed rather than empty.
    const Json* text = member(object, "text");
    if (text == nullptr || !text->is_object()) return missing(path, "text.body");
    CARTRELAY_ASSIGN_OR_RETURN(message.text, requiredString(*text, "body", join(path, "text")));
  } else if (message.type == "button") {
    // A template quick-reply click (§5, §6: a STOP_MARKETING payload).
    message.kind = InboundKind::kButton;
    if (const Json* button = optionalObject(object, "button", path, problems)) {
      const std::string button_path = join(path, "button");
      message.text = optionalString(*button, "text", button_path, problems);
      message.payload = optionalString(*button, "payload", button_path, problems);
    }
  } else if (message.type == "interactive") {
    message.kind = InboundKind::kInteractive;
    if (const Json* interactive = optionalObject(object, "interactive", path, problems)) {
      const std::string interactive_path = join(path, "interactive");
      for (const std::string_view reply_key : {"button_reply", "list_reply"}) {
        if (const Json* reply =
                optionalObject(*interactive, reply_key, interactive_path, problems)) {
          const std::string reply_path = join(interactive_path, reply_key);
          message.text = optionalString(*reply, "title", reply_path, problems);
          message.payload = optionalString(*reply, "id", reply_path, problems);
          break;
        }
      }
    }
  } else {
    message.kind = InboundKind::kOther;
  }

  WebhookItem item;
  item.waba_id = context.waba_id;
  item.phone_number_id = context.phone_number_id;
  item.dedupe_key = "message:" + message.wamid;
  item.event = std::move(message);
  return item;
}

Result<WebhookItem> parsePreference(const Json& object, const std::string& path,
                                    const ChangeContext& context,
                                    const std::vector<Contact>& contacts, Problems& problems) {
  if (!object.is_object()) return Status::invalidArgument(path + ": expected an object");
  PreferenceEvent event;
  event.wa_id = optionalString(object, "wa_id", path, problems);
  event.user_id = optionalString(object, "user_id", path, problems);
  if (event.user_id.empty()) event.user_id = userIdFor(event.wa_id, contacts);
  if (event.wa_id.empty() && event.user_id.empty()) return missing(path, "wa_id");
  CARTRELAY_ASSIGN_OR_RETURN(event.category, requiredString(object, "category", path));
  CARTRELAY_ASSIGN_OR_RETURN(std::string value, requiredString(object, "value", path));
  event.value = core::asciiLower(value);
  event.detail = optionalString(object, "detail", path, problems);
  CARTRELAY_ASSIGN_OR_RETURN(event.timestamp_ms, requiredTimestamp(object, "timestamp", path));

  WebhookItem item;
  item.waba_id = context.waba_id;
  item.phone_number_id = context.phone_number_id;
  item.dedupe_key = "preference:" + (event.wa_id.empty() ? event.user_id : event.wa_id) + ":" +
                    event.category + ":" + event.value + ":" + secondsText(event.timestamp_ms);
  item.event = std::move(event);
  return item;
}

Result<WebhookItem> parseTemplateChange(TemplateEventKind kind, const Json& value,
                                        const std::string& path, const ChangeContext& context,
                                        Problems& problems) {
  TemplateEvent event;
  event.kind = kind;
  CARTRELAY_ASSIGN_OR_RETURN(event.template_id, requiredId(value, "message_template_id", path));
  event.name = optionalString(value, "message_template_name", path, problems);
  event.language = optionalString(value, "message_template_language", path, problems);
  std::string changed_to;  // the part of the dedupe key that says what changed
  // Each case is a block: CARTRELAY_ASSIGN_OR_RETURN declares a local.
  switch (kind) {
    case TemplateEventKind::kStatus: {
      CARTRELAY_ASSIGN_OR_RETURN(event.status, requiredString(value, "event", path));
      event.reason = optionalString(value, "reason", path, problems);
      event.category = optionalString(value, "message_template_category", path, problems);
      changed_to = event.status;
      break;
    }
    case TemplateEventKind::kQuality: {
      event.previous_quality = optionalString(value, "previous_quality_score", path, problems);
      CARTRELAY_ASSIGN_OR_RETURN(event.new_quality,
                                 requiredString(value, "new_quality_score", path));
      changed_to = event.new_quality;
      break;
    }
    case TemplateEventKind::kCategory: {
      event.previous_category = optionalString(value, "previous_category", path, problems);
      CARTRELAY_ASSIGN_OR_RETURN(event.new_category, requiredString(value, "new_category", path));
      changed_to = event.new_category;
      break;
    }
    case TemplateEventKind::kComponents:
      break;
  }
  event.timestamp_ms = context.entry_time_ms;
  if (!event.timestamp_ms) {
    event.timestamp_ms = optionalTimestamp(value, "timestamp", path, problems);
  }

  WebhookItem item;
  item.waba_id = context.waba_id;
  item.dedupe_key = "template:" + event.template_id + ":" + std::string(toString(kind)) + ":" +
                    changed_to + ":" + secondsText(event.timestamp_ms);
  item.event = std::move(event);
  return item;
}

Result<WebhookItem> parseApiError(const Json& object, const std::string& path,
                                  const ChangeContext& context, Problems& problems) {
  ApiErrorEvent event;
  CARTRELAY_ASSIGN_OR_RETURN(event.error, parseError(object, path, problems));
  event.timestamp_ms = context.entry_time_ms;

  WebhookItem item;
  item.waba_id = context.waba_id;
  item.phone_number_id = context.phone_number_id;
  item.dedupe_key =
      "error:" + std::to_string(event.error.code) + ":" + secondsText(event.timestamp_ms);
  item.event = std::move(event);
  return item;
}

// Runs one item's parser so that nothing it does can cost the other items:
// an error becomes a problem line, and so does an unexpected exception (the
// accessors check types before reading, so none is expected).
template <typename Parse>
void collect(const std::string& path, Parse&& parse, ParsedWebhook& out) {
  Problems problems(out.problems);
  try {
    Result<WebhookItem> item = parse(problems);
    if (item.isOk()) {
      out.items.push_back(*std::move(item));
    } else {
      problems.add(item.status());
    }
  } catch (const std::exception&) {
    problems.add(path, "unreadable");
  }
}

// field "messages": statuses, inbound messages and value-level errors.
void parseMessagesValue(const Json& value, const std::string& path, const ChangeContext& context,
                        ParsedWebhook& out) {
  Problems problems(out.problems);
  const std::vector<Contact> contacts = readContacts(value, path, problems);

  const std::vector<const Json*> statuses = arrayMember(value, "statuses", path, problems);
  for (std::size_t i = 0; i < statuses.size(); ++i) {
    const std::string item_path = indexed(join(path, "statuses"), i);
    collect(
        item_path, [&](Problems& p) { return parseStatus(*statuses[i], item_path, context, p); },
        out);
  }
  const std::vector<const Json*> messages = arrayMember(value, "messages", path, problems);
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string item_path = indexed(join(path, "messages"), i);
    collect(
        item_path,
        [&](Problems& p) { return parseMessage(*messages[i], item_path, context, contacts, p); },
        out);
  }
  const std::vector<const Json*> errors = arrayMember(value, "errors", path, problems);
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const std::string item_path = indexed(join(path, "errors"), i);
    collect(
        item_path, [&](Problems& p) { return parseApiError(*errors[i], item_path, context, p); },
        out);
  }
}

void parsePreferencesValue(const Json& value, const std::string& path, const ChangeContext& context,
                           ParsedWebhook& out) {
  Problems problems(out.problems);
  const std::vector<Contact> contacts = readContacts(value, path, problems);
  const std::vector<const Json*> preferences =
      arrayMember(value, "user_preferences", path, problems);
  if (member(value, "user_preferences") == nullptr) {
    problems.add(path, "missing user_preferences");
  }
  for (std::size_t i = 0; i < preferences.size(); ++i) {
    const std::string item_path = indexed(join(path, "user_preferences"), i);
    collect(
        item_path,
        [&](Problems& p) {
          return parsePreference(*preferences[i], item_path, context, contacts, p);
        },
        out);
  }
}

std::optional<TemplateEventKind> templateKindFor(std::string_view field) {
  if (field == "message_template_status_update") return TemplateEventKind::kStatus;
  if (field == "message_template_quality_update") return TemplateEventKind::kQuality;
  if (field == "template_category_update") return TemplateEventKind::kCategory;
  if (field == "message_template_components_update") return TemplateEventKind::kComponents;
  return std::nullopt;
}

void parseChange(const Json& change, const std::string& path, ChangeContext context,
                 ParsedWebhook& out) {
  Problems problems(out.problems);
  if (!change.is_object()) return problems.add(path, "expected an object");
  const Result<std::string> field = requiredString(change, "field", path);
  if (!field.isOk()) return problems.add(field.status());

  const std::optional<TemplateEventKind> template_kind = templateKindFor(*field);
  const bool handled = *field == "messages" || *field == "user_preferences" || template_kind;
  if (!handled) {
    ++out.ignored_changes;
    return;
  }

  const std::string value_path = join(path, "value");
  const Json* value = member(change, "value");
  if (value == nullptr) return problems.add(path, "missing value");
  if (!value->is_object()) return problems.add(value_path, "expected an object");

  if (template_kind) {
    collect(
        value_path,
        [&](Problems& p) {
          return parseTemplateChange(*template_kind, *value, value_path, context, p);
        },
        out);
    return;
  }

  if (const Json* metadata = optionalObject(*value, "metadata", value_path, problems)) {
    context.phone_number_id =
        optionalString(*metadata, "phone_number_id", join(value_path, "metadata"), problems);
  }
  if (*field == "messages") {
    parseMessagesValue(*value, value_path, context, out);
  } else {
    parsePreferencesValue(*value, value_path, context, out);
  }
}

void parseEntry(const Json& entry, const std::string& path, ParsedWebhook& out) {
  Problems problems(out.problems);
  if (!entry.is_object()) return problems.add(path, "expected an object");
  ChangeContext context;
  if (const Json* id = member(entry, "id"); id != nullptr) {
    if (std::optional<std::string> text = idText(*id)) {
      context.waba_id = *std::move(text);
    } else {
      problems.add(join(path, "id"), "expected a string or integer id (ignored)");
    }
  }
  context.entry_time_ms = optionalTimestamp(entry, "time", path, problems);

  if (member(entry, "changes") == nullptr) return problems.add(path, "missing changes");
  const std::vector<const Json*> changes = arrayMember(entry, "changes", path, problems);
  for (std::size_t i = 0; i < changes.size(); ++i) {
    parseChange(*changes[i], indexed(join(path, "changes"), i), context, out);
  }
}

}  // namespace

std::string_view toString(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::kSent:
      return "sent";
    case DeliveryStatus::kDelivered:
      return "delivered";
    case DeliveryStatus::kRead:
      return "read";
    case DeliveryStatus::kPlayed:
      return "played";
    case DeliveryStatus::kFailed:
      return "failed";
  }
  return "sent";
}

std::optional<DeliveryStatus> parseDeliveryStatus(std::string_view text) {
  for (const DeliveryStatus status :
       {DeliveryStatus::kSent, DeliveryStatus::kDelivered, DeliveryStatus::kRead,
        DeliveryStatus::kPlayed, DeliveryStatus::kFailed}) {
    if (text == toString(status)) return status;
  }
  return std::nullopt;
}

std::string_view toString(InboundKind kind) {
  switch (kind) {
    case InboundKind::kText:
      return "text";
    case InboundKind::kButton:
      return "button";
    case InboundKind::kInteractive:
      return "interactive";
    case InboundKind::kOther:
      return "other";
  }
  return "other";
}

std::string_view toString(TemplateEventKind kind) {
  switch (kind) {
    case TemplateEventKind::kStatus:
      return "status";
    case TemplateEventKind::kQuality:
      return "quality";
    case TemplateEventKind::kCategory:
      return "category";
    case TemplateEventKind::kComponents:
      return "components";
  }
  return "status";
}

Result<ParsedWebhook> parseWebhook(std::string_view raw_body) {
  Json body;
  try {
    body = Json::parse(raw_body.begin(), raw_body.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() quotes the bytes around the error, which may be personal data.
    return Status::invalidArgument("body is not valid JSON (at byte " + std::to_string(e.byte) +
                                   ")");
  } catch (const nlohmann::json::exception&) {
    return Status::invalidArgument("body is not valid JSON");
  }
  if (!body.is_object()) return Status::invalidArgument("body is not a JSON object");
  const Json* object = member(body, "object");
  if (object == nullptr || !object->is_string() || object->get<std::string>() != kObject) {
    return Status::invalidArgument("object is not whatsapp_business_account");
  }

  ParsedWebhook out;
  Problems problems(out.problems);
  if (member(body, "entry") == nullptr) {
    problems.add("entry", "missing");
    return out;
  }
  const std::vector<const Json*> entries = arrayMember(body, "entry", "", problems);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    parseEntry(*entries[i], indexed("entry", i), out);
  }
  return out;
}

}  // namespace cartrelay::whatsapp
