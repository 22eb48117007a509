#include "connectors/whatsapp/webhook_events.h"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"

namespace cartrelay::whatsapp {
namespace {

using cartrelay::testing::readFixture;
using Json = nlohmann::json;

ParsedWebhook parseFixture(const std::string& name) {
  const core::Result<ParsedWebhook> parsed = parseWebhook(readFixture("whatsapp/" + name));
  EXPECT_TRUE(parsed.isOk()) << name << ": " << parsed.status().toString();
  return parsed.isOk() ? *parsed : ParsedWebhook{};
}

ParsedWebhook parseJson(const Json& body) {
  const core::Result<ParsedWebhook> parsed = parseWebhook(body.dump());
  EXPECT_TRUE(parsed.isOk()) << parsed.status().toString();
  return parsed.isOk() ? *parsed : ParsedWebhook{};
}

// The single item of a one-update fixture, as the expected event type.
template <typename Event>
Event only(const ParsedWebhook& parsed) {
  EXPECT_TRUE(parsed.problems.empty()) << parsed.problems.front();
  EXPECT_EQ(parsed.items.size(), 1u);
  if (parsed.items.size() != 1 || !std::holds_alternative<Event>(parsed.items[0].event)) {
    ADD_FAILURE() << "not a single item of the expected type";
    return Event{};
  }
  return std::get<Event>(parsed.items[0].event);
}

Json envelope(Json changes, Json entry_extra = Json::object()) {
  Json entry = {{"id", "102290129340398"}, {"changes", std::move(changes)}};
  entry.update(entry_extra);
  return {{"object", "whatsapp_business_account"}, {"entry", Json::array({entry})}};
}

Json messagesChange(Json value) {
  value["messaging_product"] = "whatsapp";
  value["metadata"] = {{"display_phone_number", "15550783881"},
                       {"phone_number_id", "106540352242922"}};
  return {{"field", "messages"}, {"value", std::move(value)}};
}

Json status(const std::string& wamid, const std::string& state = "delivered") {
  return {{"id", wamid},
          {"status", state},
          {"timestamp", "1750030073"},
          {"recipient_id", "905321234567"}};
}

Json textMessage(const std::string& wamid, const std::string& body) {
  return {{"from", "905321234567"},
          {"id", wamid},
          {"timestamp", "1749416383"},
          {"type", "text"},
          {"text", {{"body", body}}}};
}

// ---------------------------------------------------------------- statuses

TEST(WhatsAppWebhookEvents, StatusSentPywa) {
  const ParsedWebhook parsed = parseFixture("webhook_status_sent_pywa.json");
  const StatusEvent s = only<StatusEvent>(parsed);
  EXPECT_EQ(s.wamid, "wamid.xyzxyz");
  EXPECT_EQ(s.status, DeliveryStatus::kSent);
  EXPECT_EQ(s.recipient_id, "972987654321");
  EXPECT_EQ(s.timestamp_ms, 1698266945000);
  EXPECT_TRUE(s.errors.empty());
  ASSERT_TRUE(s.pricing.has_value());
  EXPECT_EQ(s.pricing->category, "service");
  EXPECT_EQ(s.pricing->model, "CBP");
  EXPECT_EQ(s.pricing->type, "");
  EXPECT_EQ(s.pricing->billable, std::optional<bool>(true));
  EXPECT_EQ(parsed.items[0].phone_number_id, "1122334455667");
  EXPECT_EQ(parsed.items[0].waba_id, "5467539754836534");
  EXPECT_EQ(parsed.items[0].dedupe_key, "status:wamid.xyzxyz:sent");
}

TEST(WhatsAppWebhookEvents, StatusDeliveredAndReadPywa) {
  const ParsedWebhook delivered = parseFixture("webhook_status_delivered_pywa.json");
  EXPECT_EQ(only<StatusEvent>(delivered).status, DeliveryStatus::kDelivered);
  EXPECT_EQ(delivered.items[0].dedupe_key, "status:wamid.xyzxyz:delivered");

  const ParsedWebhook read = parseFixture("webhook_status_read_pywa.json");
  const StatusEvent s = only<StatusEvent>(read);
  EXPECT_EQ(s.status, DeliveryStatus::kRead);
  EXPECT_EQ(s.timestamp_ms, 1689380458000);
  EXPECT_EQ(read.items[0].dedupe_key, "status:wamid.xyzxyz:read");
}

TEST(WhatsAppWebhookEvents, StatusFailed131049) {
  const ParsedWebhook parsed = parseFixture("webhook_status_failed.json");
  const StatusEvent s = only<StatusEvent>(parsed);
  EXPECT_EQ(s.status, DeliveryStatus::kFailed);
  EXPECT_EQ(s.wamid, "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0QUQ2MjA4NEYyRkExNjMyREUA");
  EXPECT_EQ(s.recipient_id, "16505551234");
  EXPECT_EQ(s.timestamp_ms, 1751142888000);
  EXPECT_FALSE(s.pricing.has_value());
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].code, 131049);
  EXPECT_EQ(s.errors[0].title,
            "This message was not delivered to maintain healthy ecosystem engagement.");
  EXPECT_EQ(s.errors[0].message, s.errors[0].title);
  EXPECT_EQ(s.errors[0].details,
            "In order to maintain a healthy ecosystem engagement, the message failed to be "
            "delivered.");
  EXPECT_EQ(parsed.items[0].phone_number_id, "106540352242922");
}

TEST(WhatsAppWebhookEvents, StatusFailed130472Pywa) {
  const StatusEvent s = only<StatusEvent>(parseFixture("webhook_status_failed_130472_pywa.json"));
  EXPECT_EQ(s.status, DeliveryStatus::kFailed);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].code, 130472);
  EXPECT_EQ(s.errors[0].title, "User's number is part of an experiment");
  EXPECT_EQ(s.errors[0].details,
            "Failed to send message because this user's phone number is part of an experiment");
}

TEST(WhatsAppWebhookEvents, StatusEchoesBizOpaqueCallbackData) {
  const StatusEvent s =
      only<StatusEvent>(parseFixture("webhook_status_sent_biz_opaque_callback_data_pywa.json"));
  EXPECT_EQ(s.biz_opaque_callback_data, "some data");
  EXPECT_EQ(s.status, DeliveryStatus::kSent);
}

TEST(WhatsAppWebhookEvents, StatusV24WithoutConversationOrPricing) {
  const ParsedWebhook parsed = parseFixture("webhook_status_v24_no_conversation_no_pricing.json");
  const StatusEvent s = only<StatusEvent>(parsed);
  EXPECT_EQ(s.status, DeliveryStatus::kSent);
  EXPECT_EQ(s.timestamp_ms, 1750030073000);
  EXPECT_FALSE(s.pricing.has_value());
  EXPECT_EQ(s.biz_opaque_callback_data, "");
}

TEST(WhatsAppWebhookEvents, StatusMarketingPerMessagePricing) {
  const StatusEvent s = only<StatusEvent>(parseFixture("webhook_status_sent_marketing_pmp.json"));
  ASSERT_TRUE(s.pricing.has_value());
  EXPECT_EQ(s.pricing->model, "PMP");
  EXPECT_EQ(s.pricing->type, "regular");
  EXPECT_EQ(s.pricing->category, "marketing");
  EXPECT_EQ(s.pricing->billable, std::optional<bool>(true));
}

TEST(WhatsAppWebhookEvents, DeliveryStatusNamesRoundTrip) {
  for (const DeliveryStatus s :
       {DeliveryStatus::kSent, DeliveryStatus::kDelivered, DeliveryStatus::kRead,
        DeliveryStatus::kPlayed, DeliveryStatus::kFailed}) {
    EXPECT_EQ(parseDeliveryStatus(toString(s)), s);
  }
  EXPECT_EQ(toString(DeliveryStatus::kPlayed), "played");
  EXPECT_EQ(parseDeliveryStatus("READ"), std::nullopt);
  EXPECT_EQ(parseDeliveryStatus("deleted"), std::nullopt);
  EXPECT_EQ(parseDeliveryStatus(""), std::nullopt);
}

// ----------------------------------------------------------------- inbound

TEST(WhatsAppWebhookEvents, InboundTextMetaDocs) {
  const ParsedWebhook parsed = parseFixture("webhook_inbound_text.json");
  const InboundMessage m = only<InboundMessage>(parsed);
  EXPECT_EQ(m.wamid, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
  EXPECT_EQ(m.from, "16505551234");
  EXPECT_EQ(m.user_id, "");
  EXPECT_EQ(m.timestamp_ms, 1749416383000);
  EXPECT_EQ(m.kind, InboundKind::kText);
  EXPECT_EQ(m.type, "text");
  EXPECT_EQ(m.text, "Does it come in another color?");
  EXPECT_EQ(m.payload, "");
  EXPECT_EQ(m.context_wamid, "");
  EXPECT_EQ(parsed.items[0].phone_number_id, "106540352242922");
  EXPECT_EQ(parsed.items[0].waba_id, "102290129340398");
  EXPECT_EQ(parsed.items[0].dedupe_key, "message:" + m.wamid);
}

TEST(WhatsAppWebhookEvents, InboundTextSignedRawBody) {
  const ParsedWebhook parsed = parseFixture("webhook_inbound_text_signed_raw_body.json");
  const InboundMessage m = only<InboundMessage>(parsed);
  EXPECT_EQ(m.from, "972544401243");
  EXPECT_EQ(m.text, "Hey there! I am using PyWa.");
  EXPECT_EQ(m.timestamp_ms, 1730231903000);
  EXPECT_EQ(parsed.items[0].phone_number_id, "277321005464405");
}

TEST(WhatsAppWebhookEvents, TemplateQuickReplyButton) {
  const InboundMessage m = only<InboundMessage>(parseFixture("webhook_button_reply.json"));
  EXPECT_EQ(m.kind, InboundKind::kButton);
  EXPECT_EQ(m.type, "button");
  EXPECT_EQ(m.payload, "callback_data");
  EXPECT_EQ(m.text, "title");
  EXPECT_EQ(m.context_wamid, "wamid.xyzxyz==");
  EXPECT_EQ(m.wamid, "wamid.xsidjw");
  EXPECT_EQ(m.from, "972987654321");
  // The contact with the same wa_id carries the business-scoped user id.
  EXPECT_EQ(m.user_id, "US.13491208655302741918");
}

TEST(WhatsAppWebhookEvents, InteractiveButtonReply) {
  const InboundMessage m =
      only<InboundMessage>(parseFixture("webhook_interactive_button_reply.json"));
  EXPECT_EQ(m.kind, InboundKind::kInteractive);
  EXPECT_EQ(m.type, "interactive");
  EXPECT_EQ(m.payload, "callback_data");
  EXPECT_EQ(m.text, "title");
  EXPECT_EQ(m.context_wamid, "wamid.xyzxyz");
  EXPECT_EQ(m.timestamp_ms, 1698266730000);
}

TEST(WhatsAppWebhookEvents, InteractiveListReply) {
  const ParsedWebhook parsed = parseFixture("webhook_interactive_list_reply.json");
  const InboundMessage m = only<InboundMessage>(parsed);
  EXPECT_EQ(m.kind, InboundKind::kInteractive);
  EXPECT_EQ(m.payload, "callback_data");
  EXPECT_EQ(m.text, "title");
  EXPECT_EQ(m.wamid, "wamid.zyzxyz");
  EXPECT_EQ(parsed.items[0].waba_id, "1234567890987654321");
}

TEST(WhatsAppWebhookEvents, OtherMessageTypesKeepTheirType) {
  Json image = {{"from", "905321234567"},
                {"id", "wamid.image"},
                {"timestamp", "1749416383"},
                {"type", "image"},
                {"image", {{"id", "123"}, {"mime_type", "image/jpeg"}}}};
  Json unsupported = {{"from", "905321234567"},
                      {"id", "wamid.unsupported"},
                      {"timestamp", "1749416383"},
                      {"type", "unsupported"},
                      {"errors", Json::array({{{"code", 131051}}})}};
  const ParsedWebhook parsed = parseJson(
      envelope(Json::array({messagesChange({{"messages", Json::array({image, unsupported})}})})));
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.items.size(), 2u);
  const auto& first = std::get<InboundMessage>(parsed.items[0].event);
  EXPECT_EQ(first.kind, InboundKind::kOther);
  EXPECT_EQ(first.type, "image");
  EXPECT_EQ(first.text, "");
  EXPECT_EQ(std::get<InboundMessage>(parsed.items[1].event).type, "unsupported");
}

TEST(WhatsAppWebhookEvents, InboundWithoutFromButWithUserIdIsKept) {
  // Kapso: do not assume wa_id/from is always present once BSUIDs roll out.
  Json by_field = textMessage("wamid.a", "STOP");
  by_field.erase("from");
  by_field["from_user_id"] = "US.111";
  Json by_contact = textMessage("wamid.b", "STOP");
  by_contact.erase("from");
  Json value = {{"messages", Json::array({by_field})}};
  Json value_with_contact = {{"contacts", Json::array({{{"user_id", "US.222"}}})},
                             {"messages", Json::array({by_contact})}};
  const ParsedWebhook parsed =
      parseJson(envelope(Json::array({messagesChange(value), messagesChange(value_with_contact)})));
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.items.size(), 2u);
  EXPECT_EQ(std::get<InboundMessage>(parsed.items[0].event).user_id, "US.111");
  EXPECT_EQ(std::get<InboundMessage>(parsed.items[0].event).from, "");
  EXPECT_EQ(std::get<InboundMessage>(parsed.items[1].event).user_id, "US.222");
}

TEST(WhatsAppWebhookEvents, InboundWithNeitherFromNorUserIdIsSkipped) {
  Json message = textMessage("wamid.a", "STOP");
  message.erase("from");
  const ParsedWebhook parsed =
      parseJson(envelope(Json::array({messagesChange({{"messages", Json::array({message})}})})));
  EXPECT_TRUE(parsed.items.empty());
  ASSERT_EQ(parsed.problems.size(), 1u);
  EXPECT_EQ(parsed.problems[0], "entry[0].changes[0].value.messages[0]: missing from");
}

// ------------------------------------------------------------- preferences

TEST(WhatsAppWebhookEvents, UserPreferencesResume) {
  const ParsedWebhook parsed = parseFixture("webhook_user_preferences_resume.json");
  const PreferenceEvent p = only<PreferenceEvent>(parsed);
  EXPECT_EQ(p.wa_id, "16505551234");
  EXPECT_EQ(p.user_id, "");
  EXPECT_EQ(p.category, "marketing_messages");
  EXPECT_EQ(p.value, "resume");
  EXPECT_EQ(p.detail, "User requested to resume marketing messages");
  EXPECT_EQ(p.timestamp_ms, 1731705721000);  // a JSON number here, not a string
  EXPECT_EQ(parsed.items[0].phone_number_id, "106540352242922");
  EXPECT_EQ(parsed.items[0].dedupe_key,
            "preference:16505551234:marketing_messages:resume:1731705721");
}

TEST(WhatsAppWebhookEvents, UserPreferencesSignupDoesNotBorrowAnotherContactsUserId) {
  const PreferenceEvent p =
      only<PreferenceEvent>(parseFixture("webhook_user_preferences_signup_pywa.json"));
  EXPECT_EQ(p.value, "signup");
  EXPECT_EQ(p.wa_id, "16505551234");
  // The fixture's only contact is a different wa_id (972987654321).
  EXPECT_EQ(p.user_id, "");
}

TEST(WhatsAppWebhookEvents, UserPreferencesStopIsLowerCased) {
  Json value = {{"user_preferences", Json::array({{{"wa_id", "905321234567"},
                                                   {"detail", "User requested to stop marketing"},
                                                   {"category", "marketing_messages"},
                                                   {"value", "STOP"},
                                                   {"timestamp", "1731705721"}}})}};
  const ParsedWebhook parsed =
      parseJson(envelope(Json::array({{{"field", "user_preferences"}, {"value", value}}})));
  const PreferenceEvent p = only<PreferenceEvent>(parsed);
  EXPECT_EQ(p.value, "stop");
  EXPECT_EQ(p.timestamp_ms, 1731705721000);
  EXPECT_EQ(parsed.items[0].dedupe_key,
            "preference:905321234567:marketing_messages:stop:1731705721");
}

// --------------------------------------------------------------- templates

TEST(WhatsAppWebhookEvents, TemplateStatusApproved) {
  const ParsedWebhook parsed = parseFixture("webhook_template_status_approved.json");
  const TemplateEvent t = only<TemplateEvent>(parsed);
  EXPECT_EQ(t.kind, TemplateEventKind::kStatus);
  EXPECT_EQ(t.template_id, "1689556908129832");  // a JSON integer, every digit kept
  EXPECT_EQ(t.name, "order_confirmation");
  EXPECT_EQ(t.language, "en_US");
  EXPECT_EQ(t.status, "APPROVED");
  EXPECT_EQ(t.reason, "NONE");
  EXPECT_EQ(t.category, "UTILITY");
  EXPECT_EQ(t.timestamp_ms, std::optional<core::EpochMillis>(1751247548000));
  EXPECT_EQ(parsed.items[0].phone_number_id, "");
  EXPECT_EQ(parsed.items[0].waba_id, "102290129340398");
  EXPECT_EQ(parsed.items[0].dedupe_key, "template:1689556908129832:status:APPROVED:1751247548");
}

TEST(WhatsAppWebhookEvents, TemplateStatusRejected) {
  const TemplateEvent t =
      only<TemplateEvent>(parseFixture("webhook_template_status_rejected.json"));
  EXPECT_EQ(t.status, "REJECTED");
  EXPECT_EQ(t.reason, "INVALID_FORMAT");
  EXPECT_EQ(t.name, "abandoned_cart");
  EXPECT_EQ(t.language, "en");
  EXPECT_EQ(t.category, "MARKETING");
}

TEST(WhatsAppWebhookEvents, TemplateQualityUpdate) {
  const ParsedWebhook parsed = parseFixture("webhook_template_quality_update.json");
  const TemplateEvent t = only<TemplateEvent>(parsed);
  EXPECT_EQ(t.kind, TemplateEventKind::kQuality);
  EXPECT_EQ(t.template_id, "806312974732579");
  EXPECT_EQ(t.name, "welcome_template");
  EXPECT_EQ(t.previous_quality, "GREEN");
  EXPECT_EQ(t.new_quality, "YELLOW");
  EXPECT_EQ(t.status, "");
  EXPECT_EQ(parsed.items[0].dedupe_key, "template:806312974732579:quality:YELLOW:1674864290");
}

TEST(WhatsAppWebhookEvents, TemplateCategoryAndComponentsUpdates) {
  Json category = {{"field", "template_category_update"},
                   {"value",
                    {{"message_template_id", "123"},
                     {"message_template_name", "cart_reminder"},
                     {"message_template_language", "tr"},
                     {"previous_category", "UTILITY"},
                     {"new_category", "MARKETING"}}}};
  Json components = {{"field", "message_template_components_update"},
                     {"value",
                      {{"message_template_id", 456},
                       {"message_template_name", "cart_reminder"},
                       {"message_template_language", "tr"}}}};
  const ParsedWebhook parsed =
      parseJson(envelope(Json::array({category, components}), {{"time", 1751247548}}));
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.items.size(), 2u);
  const auto& c = std::get<TemplateEvent>(parsed.items[0].event);
  EXPECT_EQ(c.kind, TemplateEventKind::kCategory);
  EXPECT_EQ(c.previous_category, "UTILITY");
  EXPECT_EQ(c.new_category, "MARKETING");
  EXPECT_EQ(parsed.items[0].dedupe_key, "template:123:category:MARKETING:1751247548");
  EXPECT_EQ(std::get<TemplateEvent>(parsed.items[1].event).kind, TemplateEventKind::kComponents);
  EXPECT_EQ(parsed.items[1].dedupe_key, "template:456:components::1751247548");
}

// ------------------------------------------------------------- api errors

TEST(WhatsAppWebhookEvents, ValueLevelErrorsBecomeApiErrorEvents) {
  Json value = {{"errors", Json::array({{{"code", 131000},
                                         {"title", "Something went wrong"},
                                         {"message", "Something went wrong"},
                                         {"error_data", {{"details", "Unknown error"}}}}})}};
  const ParsedWebhook parsed =
      parseJson(envelope(Json::array({messagesChange(value)}), {{"time", 1751247548}}));
  const ApiErrorEvent e = only<ApiErrorEvent>(parsed);
  EXPECT_EQ(e.error.code, 131000);
  EXPECT_EQ(e.error.title, "Something went wrong");
  EXPECT_EQ(e.error.details, "Unknown error");
  EXPECT_EQ(e.timestamp_ms, std::optional<core::EpochMillis>(1751247548000));
  EXPECT_EQ(parsed.items[0].phone_number_id, "106540352242922");
  EXPECT_EQ(parsed.items[0].dedupe_key, "error:131000:1751247548");
}

// ---------------------------------------------------------------- batches

TEST(WhatsAppWebhookEvents, OneBadItemNeverCostsTheOthers) {
  Json bad_status = status("wamid.s2");
  bad_status.erase("id");
  Json unknown_status = status("wamid.s3", "deleted");
  Json bad_time = status("wamid.s4");
  bad_time["timestamp"] = "yesterday";
  Json no_body = textMessage("wamid.m2", "secret text");
  no_body.erase("text");

  Json entry0_changes = Json::array(
      {messagesChange({{"statuses", Json::array({status("wamid.s1"), bad_status, unknown_status,
                                                 bad_time, status("wamid.s5", "read")})}}),
       messagesChange({{"messages", Json::array({textMessage("wamid.m1", "STOP"), no_body,
                                                 textMessage("wamid.m3", "İptal")})}}),
       {{"field", "messages"}, {"value", "not an object"}},
       {{"value", Json::object()}}});
  Json template_change = {{"field", "message_template_quality_update"},
                          {"value", {{"new_quality_score", "RED"}}}};
  Json good_template = {{"field", "message_template_status_update"},
                        {"value", {{"event", "PAUSED"}, {"message_template_id", 77}}}};
  Json body = {{"object", "whatsapp_business_account"},
               {"entry", Json::array({{{"id", "1"}, {"changes", entry0_changes}},
                                      "not an entry",
                                      {{"id", "2"},
                                       {"time", 1751247548},
                                       {"changes", Json::array({template_change, good_template})}},
                                      {{"id", "3"}}})}};

  const ParsedWebhook parsed = parseJson(body);
  std::vector<std::string> keys;
  for (const WebhookItem& item : parsed.items) keys.push_back(item.dedupe_key);
  EXPECT_EQ(keys, (std::vector<std::string>{"status:wamid.s1:delivered", "status:wamid.s5:read",
                                            "message:wamid.m1", "message:wamid.m3",
                                            "template:77:status:PAUSED:1751247548"}));
  EXPECT_EQ(parsed.problems,
            (std::vector<std::string>{
                "entry[0].changes[0].value.statuses[1]: missing id",
                "entry[0].changes[0].value.statuses[2].status: unknown value",
                "entry[0].changes[0].value.statuses[3].timestamp: expected unix seconds",
                "entry[0].changes[1].value.messages[1]: missing text.body",
                "entry[0].changes[2].value: expected an object",
                "entry[0].changes[3]: missing field",
                "entry[1]: expected an object",
                "entry[2].changes[0].value: missing message_template_id",
                "entry[3]: missing changes",
            }));
  EXPECT_EQ(std::get<InboundMessage>(parsed.items[3].event).text, "İptal");
}

TEST(WhatsAppWebhookEvents, ProblemsNeverQuoteValues) {
  // Wrong types and malformed values everywhere, each holding something that
  // must not reach a log line.
  const std::string phone = "905329998877";
  const std::string secret = "my private message";
  Json message = textMessage("wamid.x", secret);
  message["from"] = 905329998877;
  message["text"] = {{"body", 42}};
  Json message2 = textMessage("wamid.y", secret);
  message2["timestamp"] = secret;
  Json st = status("wamid.z");
  st["recipient_id"] = Json::array({phone});
  st["pricing"] = phone;
  st["errors"] = Json::array({{{"code", phone + "x"}, {"title", secret}}});
  Json preference = {{"wa_id", phone}, {"category", 5}, {"value", secret}, {"timestamp", 1}};
  Json body =
      envelope(Json::array({messagesChange({{"messages", Json::array({message, message2})},
                                            {"statuses", Json::array({st})},
                                            {"contacts", phone}}),
                            {{"field", "user_preferences"},
                             {"value", {{"user_preferences", Json::array({preference})}}}}}));

  const ParsedWebhook parsed = parseJson(body);
  ASSERT_FALSE(parsed.problems.empty());
  for (const std::string& problem : parsed.problems) {
    EXPECT_EQ(problem.find(phone), std::string::npos) << problem;
    EXPECT_EQ(problem.find(secret), std::string::npos) << problem;
    EXPECT_EQ(problem.find("9053"), std::string::npos) << problem;
    EXPECT_EQ(problem.rfind("entry[0].changes[", 0), 0u) << problem;
  }
  // The status survives its malformed optional fields.
  ASSERT_EQ(parsed.items.size(), 1u);
  const auto& s = std::get<StatusEvent>(parsed.items[0].event);
  EXPECT_EQ(s.recipient_id, "");
  EXPECT_FALSE(s.pricing.has_value());
  EXPECT_TRUE(s.errors.empty());
}

TEST(WhatsAppWebhookEvents, UnknownFieldsAreIgnoredWithoutProblems) {
  Json changes =
      Json::array({{{"field", "account_update"}, {"value", {{"event", "VERIFIED_ACCOUNT"}}}},
                   {{"field", "phone_number_quality_update"}, {"value", "anything"}},
                   {{"field", "some_field_meta_adds_in_2027"}},
                   messagesChange({{"statuses", Json::array({status("wamid.s1")})}})});
  const ParsedWebhook parsed = parseJson(envelope(changes));
  EXPECT_TRUE(parsed.problems.empty());
  EXPECT_EQ(parsed.ignored_changes, 3u);
  ASSERT_EQ(parsed.items.size(), 1u);
  EXPECT_EQ(parsed.items[0].dedupe_key, "status:wamid.s1:delivered");
}

TEST(WhatsAppWebhookEvents, ThousandStatusesInOneBody) {
  Json statuses = Json::array();
  for (int i = 0; i < 1000; ++i) statuses.push_back(status("wamid." + std::to_string(i), "sent"));
  const ParsedWebhook parsed =
      parseJson(envelope(Json::array({messagesChange({{"statuses", statuses}})})));
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.items.size(), 1000u);
  std::set<std::string> keys;
  for (const WebhookItem& item : parsed.items) keys.insert(item.dedupe_key);
  EXPECT_EQ(keys.size(), 1000u);
  EXPECT_EQ(std::get<StatusEvent>(parsed.items[999].event).wamid, "wamid.999");
}

TEST(WhatsAppWebhookEvents, RedeliveryGivesTheSameKeys) {
  const std::string body = readFixture("whatsapp/webhook_user_preferences_resume.json");
  const core::Result<ParsedWebhook> first = parseWebhook(body);
  const core::Result<ParsedWebhook> again = parseWebhook(body);
  ASSERT_TRUE(first.isOk() && again.isOk());
  EXPECT_EQ(first->items, again->items);
}

TEST(WhatsAppWebhookEvents, TimestampsAsStringsOrNumbers) {
  Json as_number = status("wamid.n");
  as_number["timestamp"] = 1750030073;
  Json as_string = status("wamid.s");
  Json negative = status("wamid.neg");
  negative["timestamp"] = -5;
  Json fraction = status("wamid.f");
  fraction["timestamp"] = 1750030073.5;
  Json signed_text = status("wamid.t");
  signed_text["timestamp"] = "+1750030073";
  const ParsedWebhook parsed = parseJson(envelope(Json::array({messagesChange(
      {{"statuses", Json::array({as_number, as_string, negative, fraction, signed_text})}})})));
  ASSERT_EQ(parsed.items.size(), 2u);
  EXPECT_EQ(std::get<StatusEvent>(parsed.items[0].event).timestamp_ms, 1750030073000);
  EXPECT_EQ(std::get<StatusEvent>(parsed.items[1].event).timestamp_ms, 1750030073000);
  EXPECT_EQ(parsed.problems.size(), 3u);
}

// ------------------------------------------------------------- envelopes

TEST(WhatsAppWebhookEvents, NotAWebhookIsInvalidArgument) {
  for (const std::string body :
       {"", "not json", "{\"object\":\"whatsapp_business_account\",", "[1,2]", "\"text\"",
        "{\"entry\":[]}", "{\"object\":\"page\",\"entry\":[]}", "{\"object\":7}"}) {
    const core::Result<ParsedWebhook> parsed = parseWebhook(body);
    ASSERT_FALSE(parsed.isOk()) << body;
    EXPECT_EQ(parsed.status().code(), core::Status::Code::kInvalidArgument) << body;
  }
}

TEST(WhatsAppWebhookEvents, SyntaxErrorMessageDoesNotQuoteTheBody) {
  const core::Result<ParsedWebhook> parsed =
      parseWebhook("{\"object\":\"whatsapp_business_account\",\"from\":\"905321234567\" oops");
  ASSERT_FALSE(parsed.isOk());
  EXPECT_EQ(parsed.status().message().find("905321234567"), std::string::npos);
  EXPECT_EQ(parsed.status().message().find("oops"), std::string::npos);
}

TEST(WhatsAppWebhookEvents, EmptyOrMissingEntries) {
  const core::Result<ParsedWebhook> empty =
      parseWebhook(R"({"object":"whatsapp_business_account","entry":[]})");
  ASSERT_TRUE(empty.isOk());
  EXPECT_TRUE(empty->items.empty());
  EXPECT_TRUE(empty->problems.empty());

  const core::Result<ParsedWebhook> missing =
      parseWebhook(R"({"object":"whatsapp_business_account"})");
  ASSERT_TRUE(missing.isOk());
  EXPECT_EQ(missing->problems, std::vector<std::string>{"entry: missing"});

  const core::Result<ParsedWebhook> wrong =
      parseWebhook(R"({"object":"whatsapp_business_account","entry":{}})");
  ASSERT_TRUE(wrong.isOk());
  EXPECT_EQ(wrong->problems, std::vector<std::string>{"entry: expected an array"});
}

}  // namespace
}  // namespace cartrelay::whatsapp
