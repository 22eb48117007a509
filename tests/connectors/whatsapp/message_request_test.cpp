#include "connectors/whatsapp/message_request.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"

namespace cartrelay::whatsapp {
namespace {

using cartrelay::testing::readFixture;
using nlohmann::json;

json fixture(const std::string& name) { return json::parse(readFixture("whatsapp/" + name)); }

// The layout of Meta's order_confirmation example (templates/overview).
TemplateLayout orderConfirmation(bool named) {
  TemplateLayout layout;
  layout.meta_name = "order_confirmation";
  layout.language = "en_US";
  layout.named_params = named;
  layout.body = {{"first_name", ParamType::kText}, {"order_number", ParamType::kText}};
  return layout;
}

const json kOrderParams = {{"first_name", "Jessica"}, {"order_number", "SKBUP2-4CPIG9"}};

// The hand-made Turkish abandoned-cart example, configured the way an
// operator would write it in the INI.
TemplateLayout abandonedCartTr() {
  TemplateLayout layout;
  layout.meta_name = "abandoned_cart_reminder";
  layout.language = "tr";
  layout.named_params = false;
  layout.body = *parseBodyParams("first_name, cart_total:currency, expires:date_time");
  layout.buttons = *parseButtons("url:cart_link, quick_reply:STOP_MARKETING");
  EXPECT_TRUE(parseHeader("image:product_image", &layout).isOk());
  return layout;
}

json abandonedCartParams() {
  return {{"first_name", "Ayşe"},
          {"cart_total", "1249.90 TRY"},
          {"cart_total_fallback", "1.249,90 TL"},
          {"expires", "12 Mayıs 2026"},
          {"cart_link", "r/EXAMPLE-123?t=opaque-token"},
          {"product_image", "https://shop.example.com/img/product-42.jpg"}};
}

json buildOk(const TemplateLayout& layout, const json& params,
             std::string_view to = "+905551234567", std::string_view callback = "") {
  auto built = buildTemplateRequest(layout, to, params, callback);
  EXPECT_TRUE(built.isOk()) << built.status().toString();
  return built.isOk() ? *built : json();
}

// The body parameters of a built request.
json bodyParams(const json& request) {
  for (const json& component : request["template"]["components"]) {
    if (component["type"] == "body") return component["parameters"];
  }
  return json();
}

// Asserts kInvalidArgument whose message names `param` and quotes none of
// `secrets` (values and the phone number are personal data).
void expectParamError(const core::Status& status, std::string_view param,
                      const std::vector<std::string>& secrets) {
  ASSERT_FALSE(status.isOk());
  EXPECT_EQ(status.code(), core::Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find(param), std::string::npos) << status.message();
  for (const std::string& secret : secrets) {
    EXPECT_EQ(status.message().find(secret), std::string::npos)
        << status.message() << " quotes " << secret;
  }
}

TEST(WhatsAppMessageRequest, NamedParamsMatchMetaExample) {
  EXPECT_EQ(buildOk(orderConfirmation(true), kOrderParams, "+16505551234"),
            fixture("send_template_request_named_params.json"));
}

TEST(WhatsAppMessageRequest, PositionalParamsMatchMetaExample) {
  EXPECT_EQ(buildOk(orderConfirmation(false), kOrderParams, "+16505551234"),
            fixture("send_template_request_positional_params.json"));
}

TEST(WhatsAppMessageRequest, PositionalParamsFollowLayoutOrderNotParamsOrder) {
  TemplateLayout layout = orderConfirmation(false);
  std::swap(layout.body[0], layout.body[1]);
  const json params = bodyParams(buildOk(layout, kOrderParams));
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0]["text"], "SKBUP2-4CPIG9");
  EXPECT_EQ(params[1]["text"], "Jessica");
}

TEST(WhatsAppMessageRequest, TurkishAbandonedCartMatchesConstructedExample) {
  EXPECT_EQ(buildOk(abandonedCartTr(), abandonedCartParams(), "+905551234567",
                    "cart:EXAMPLE-123;campaign:abandoned_cart_1"),
            fixture("constructed_send_template_abandoned_cart_tr.json"));
}

TEST(WhatsAppMessageRequest, AllParamTypesMatchSdkTemplateObject) {
  // The Node SDK's TemplateObject uses placeholders we cannot reproduce
  // as-is: its image link "http(s)://URL" is not a URL (our builder only
  // emits https links), and its "language.policy": "deterministic" is a
  // field we do not send (Meta's current send examples omit it). So the
  // link is substituted and the language compared by code; the components,
  // which are the point of the fixture, must match exactly.
  json expected = fixture("template_object_all_param_types_sdk.json");
  const std::string link = "https://cdn.example.com/header.png";
  expected["components"][0]["parameters"][0]["image"]["link"] = link;

  TemplateLayout layout;
  layout.meta_name = "TEMPLATE_NAME";
  layout.language = "LANGUAGE_AND_LOCALE_CODE";
  layout.named_params = false;
  layout.body = *parseBodyParams("text_string, value:currency, date:date_time");
  layout.buttons = *parseButtons("quick_reply:PAYLOAD, quick_reply:PAYLOAD");
  ASSERT_TRUE(parseHeader("image:header_link", &layout).isOk());
  const json params = {{"text_string", "TEXT_STRING"},
                       {"value", "1 USD"},
                       {"value_fallback", "VALUE"},
                       {"date", "MONTH DAY, YEAR"},
                       {"header_link", link}};

  const json built = buildOk(layout, params)["template"];
  EXPECT_EQ(built["name"], expected["name"]);
  EXPECT_EQ(built["language"]["code"], expected["language"]["code"]);
  EXPECT_EQ(built["components"], expected["components"]);
}

TEST(WhatsAppMessageRequest, CurrencyAmountIsExactThousandths) {
  TemplateLayout layout = orderConfirmation(true);
  layout.body = {{"total", ParamType::kCurrency}};
  struct Case {
    std::string value;
    std::int64_t amount_1000;
    std::string code;
  };
  for (const Case& c : std::vector<Case>{{"249.90 TRY", 249900, "TRY"},
                                         {"1299 EUR", 1299000, "EUR"},
                                         {"0.5 USD", 500, "USD"},
                                         {"1.234 KWD", 1234, "KWD"},
                                         {"0 JPY", 0, "JPY"},
                                         {"0.10 USD", 100, "USD"},
                                         {"999999999999999.999 TRY", 999999999999999999, "TRY"},
                                         {"  19.99\tGBP ", 19990, "GBP"}}) {
    const json p = bodyParams(buildOk(layout, {{"total", c.value}}))[0];
    EXPECT_EQ(p["type"], "currency") << c.value;
    EXPECT_EQ(p["parameter_name"], "total") << c.value;
    EXPECT_EQ(p["currency"]["amount_1000"], c.amount_1000) << c.value;
    EXPECT_TRUE(p["currency"]["amount_1000"].is_number_integer()) << c.value;
    EXPECT_EQ(p["currency"]["code"], c.code) << c.value;
    // Without "<name>_fallback" the original text is the fallback.
    EXPECT_EQ(p["currency"]["fallback_value"], c.value);
  }
}

TEST(WhatsAppMessageRequest, CurrencyFallbackParamIsUsed) {
  TemplateLayout layout = orderConfirmation(true);
  layout.body = {{"total", ParamType::kCurrency}};
  const json p =
      bodyParams(buildOk(layout, {{"total", "249.90 TRY"}, {"total_fallback", "249,90 TL"}}))[0];
  EXPECT_EQ(p["currency"]["fallback_value"], "249,90 TL");
  EXPECT_EQ(p["currency"]["amount_1000"], 249900);
}

TEST(WhatsAppMessageRequest, BadCurrencyIsRejectedWithoutQuotingIt) {
  TemplateLayout layout = orderConfirmation(true);
  layout.body = {{"cart_total", ParamType::kCurrency}};
  for (const std::string bad :
       {"249,90 TRY", "1.2345 TRY", "-5 TRY", "+5 TRY", "249.90", "TRY 249.90", "249.90 try",
        "249.90 TRYX", "249.90 TR", "1e3 USD", ".5 USD", "5. USD", "1 000 USD", "1.2.3 USD",
        "1234567890123456 USD", "249.90 T1Y", "249.90 TRY extra", "NaN USD"}) {
    const auto built = buildTemplateRequest(layout, "+905551234567", {{"cart_total", bad}}, "");
    expectParamError(built.status(), "cart_total", {bad});
  }
}

TEST(WhatsAppMessageRequest, DateTimeAndNumbersAsText) {
  TemplateLayout layout = orderConfirmation(true);
  layout.body = {{"count", ParamType::kText},
                 {"ratio", ParamType::kText},
                 {"big", ParamType::kText},
                 {"negative", ParamType::kText},
                 {"when", ParamType::kDateTime}};
  const json params = {{"count", 42},
                       {"ratio", 2.5},
                       {"big", 18446744073709551615ULL},
                       {"negative", -7},
                       {"when", "12 Mayıs 2026"}};
  const json p = bodyParams(buildOk(layout, params));
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0], json({{"type", "text"}, {"parameter_name", "count"}, {"text", "42"}}));
  EXPECT_EQ(p[1]["text"], "2.5");
  EXPECT_EQ(p[2]["text"], "18446744073709551615");
  EXPECT_EQ(p[3]["text"], "-7");
  EXPECT_EQ(p[4], json({{"type", "date_time"},
                        {"parameter_name", "when"},
                        {"date_time", {{"fallback_value", "12 Mayıs 2026"}}}}));
}

TEST(WhatsAppMessageRequest, UrlButtonCarriesSuffixAndStringIndex) {
  TemplateLayout layout = orderConfirmation(true);
  layout.body.clear();
  layout.buttons = {{TemplateButton::Kind::kQuickReply, "STOP_MARKETING"},
                    {TemplateButton::Kind::kUrl, "cart_link"}};
  const json components = buildOk(layout, {{"cart_link", "r/abc?t=tok"}})["template"]["components"];
  ASSERT_EQ(components.size(), 2u);
  EXPECT_EQ(components[0], json::parse(R"({"type":"button","sub_type":"quick_reply","index":"0",
      "parameters":[{"type":"payload","payload":"STOP_MARKETING"}]})"));
  EXPECT_EQ(components[1], json::parse(R"({"type":"button","sub_type":"url","index":"1",
      "parameters":[{"type":"text","text":"r/abc?t=tok"}]})"));
  EXPECT_TRUE(components[1]["index"].is_string());
}

// What the gate put in place of a tracked link's target goes out like any
// other value: the token as the URL button's suffix, the link as body text.
TEST(WhatsAppMessageRequest, TrackedLinksGoOutAsSuffixAndText) {
  TemplateLayout layout = orderConfirmation(true);
  layout.body = *parseBodyParams("cart_page:link");
  layout.buttons = *parseButtons("tracked_url:cart_url");
  const std::string token = "AbCdEfGhIjKlMnOpQrSt_-";
  const std::string link = "https://relay.example/cr/r/" + token;
  const json components =
      buildOk(layout, {{"cart_page", link}, {"cart_url", token}})["template"]["components"];
  ASSERT_EQ(components.size(), 2u);
  EXPECT_EQ(components[0]["parameters"][0],
            json({{"type", "text"}, {"parameter_name", "cart_page"}, {"text", link}}));
  EXPECT_EQ(components[1], json::parse(R"({"type":"button","sub_type":"url","index":"0",
      "parameters":[{"type":"text","text":"AbCdEfGhIjKlMnOpQrSt_-"}]})"));
}

TEST(WhatsAppMessageRequest, MediaHeaders) {
  for (const auto& [spec, type] : std::vector<std::pair<std::string, std::string>>{
           {"image:media", "image"}, {"video:media", "video"}, {"document:media", "document"}}) {
    TemplateLayout layout = orderConfirmation(true);
    layout.body.clear();
    ASSERT_TRUE(parseHeader(spec, &layout).isOk());
    const std::string link = "https://cdn.example.com:8443/a/b.bin?x=1";
    const json components = buildOk(layout, {{"media", link}})["template"]["components"];
    ASSERT_EQ(components.size(), 1u);
    json media = {{"type", type}};
    media[type] = {{"link", link}};
    const json expected = {{"type", "header"}, {"parameters", json::array({media})}};
    EXPECT_EQ(components[0], expected) << spec;
  }
}

TEST(WhatsAppMessageRequest, BadHeaderLinkIsRejectedWithoutQuotingIt) {
  TemplateLayout layout = orderConfirmation(true);
  layout.body.clear();
  ASSERT_TRUE(parseHeader("image:product_image", &layout).isOk());
  for (const std::string bad :
       {"http://shop.example.com/a.jpg", "ftp://shop.example.com/a.jpg", "https://",
        "https:///a.jpg", "https://shop example.com/a.jpg", "https://shop.example.com/a b.jpg",
        "javascript:alert(1)", "shop.example.com/a.jpg", "https://user:pw@shop.example.com/a.jpg",
        "https://shop.example.com:/a.jpg", "https://shop.example.com:99999x/a.jpg",
        "https://.example.com/a.jpg", "https://shöp.example.com/a.jpg"}) {
    const auto built = buildTemplateRequest(layout, "+905551234567", {{"product_image", bad}}, "");
    expectParamError(built.status(), "product_image", {bad});
  }
  // Upper-case scheme is still https.
  EXPECT_TRUE(
      buildTemplateRequest(layout, "+905551234567", {{"product_image", "HTTPS://a.example/x"}}, "")
          .isOk());
}

TEST(WhatsAppMessageRequest, EmptyComponentsAreOmitted) {
  TemplateLayout layout = orderConfirmation(true);
  layout.body.clear();
  const json built = buildOk(layout, json::object());
  EXPECT_FALSE(built["template"].contains("components"));
  EXPECT_EQ(built["template"],
            json({{"name", "order_confirmation"}, {"language", {{"code", "en_US"}}}}));

  const json body_only = buildOk(orderConfirmation(true), kOrderParams);
  ASSERT_EQ(body_only["template"]["components"].size(), 1u);
  EXPECT_EQ(body_only["template"]["components"][0]["type"], "body");
}

TEST(WhatsAppMessageRequest, CallbackDataIsTopLevelOnlyWhenSet) {
  const TemplateLayout layout = orderConfirmation(true);
  EXPECT_FALSE(buildOk(layout, kOrderParams).contains("biz_opaque_callback_data"));
  EXPECT_EQ(buildOk(layout, kOrderParams, "+905551234567", "cart:1")["biz_opaque_callback_data"],
            "cart:1");
  const auto too_long =
      buildTemplateRequest(layout, "+905551234567", kOrderParams, std::string(513, 'x'));
  EXPECT_EQ(too_long.status().code(), core::Status::Code::kInvalidArgument);
  EXPECT_TRUE(
      buildTemplateRequest(layout, "+905551234567", kOrderParams, std::string(512, 'x')).isOk());
}

TEST(WhatsAppMessageRequest, ParamErrorsNameTheParamNotTheValue) {
  const TemplateLayout layout = orderConfirmation(true);
  const std::string phone = "+905551234567";
  auto build = [&](const json& params) {
    return buildTemplateRequest(layout, phone, params, "").status();
  };
  expectParamError(build({{"first_name", "Jessica"}}), "order_number", {phone, "Jessica"});
  for (const json& wrong : {json(true), json(nullptr), json::array({"a"}), json::object()}) {
    expectParamError(build({{"first_name", "Jessica"}, {"order_number", wrong}}), "order_number",
                     {phone, "Jessica"});
  }
  expectParamError(build({{"first_name", ""}, {"order_number", "X"}}), "first_name", {phone});
  expectParamError(build({{"first_name", "Jess\xff"}, {"order_number", "X"}}), "first_name",
                   {phone, "Jess"});
  expectParamError(build({{"first_name", "Ay\xc5"}, {"order_number", "X"}}), "first_name", {phone});
  // A URL button's suffix param is required like any other.
  TemplateLayout with_button = layout;
  with_button.buttons = {{TemplateButton::Kind::kUrl, "cart_link"}};
  expectParamError(buildTemplateRequest(with_button, phone, kOrderParams, "").status(), "cart_link",
                   {phone});
}

TEST(WhatsAppMessageRequest, OtherInvalidInput) {
  const TemplateLayout layout = orderConfirmation(true);
  for (const std::string bad_phone :
       {"", "905551234567", "+", "+0905551234567", "+90 555 123 45 67", "+1234567890123456",
        "+123456", "+90555123456a"}) {
    const auto s = buildTemplateRequest(layout, bad_phone, kOrderParams, "").status();
    EXPECT_EQ(s.code(), core::Status::Code::kInvalidArgument) << bad_phone;
    if (!bad_phone.empty()) {
      EXPECT_EQ(s.message().find(bad_phone), std::string::npos);
    }
  }
  EXPECT_EQ(buildTemplateRequest(layout, "+905551234567", json::array(), "").status().code(),
            core::Status::Code::kInvalidArgument);
  TemplateLayout nameless = layout;
  nameless.meta_name.clear();
  EXPECT_FALSE(buildTemplateRequest(nameless, "+905551234567", kOrderParams, "").isOk());
  TemplateLayout headless = layout;
  headless.header = HeaderMedia::kImage;
  EXPECT_FALSE(buildTemplateRequest(headless, "+905551234567", kOrderParams, "").isOk());
  EXPECT_FALSE(buildTemplateRequest(layout, "+905551234567", kOrderParams, "cart:\xc3\x28").isOk());
}

TEST(WhatsAppMessageRequest, BuiltRequestsAlwaysSerialise) {
  // dump() throws on invalid UTF-8; everything the builder accepts must dump.
  const json built = buildOk(abandonedCartTr(), abandonedCartParams());
  EXPECT_NO_THROW((void)built.dump());
  EXPECT_NE(built.dump().find("Ay\xc5\x9f"
                              "e"),
            std::string::npos);
}

TEST(WhatsAppMessageRequest, TextMatchesMetaExample) {
  const auto built = buildTextRequest(
      "+16505555555", "Here's the info you requested! https://www.meta.com/quest/quest-3/", true,
      "");
  ASSERT_TRUE(built.isOk()) << built.status().toString();
  EXPECT_EQ(*built, fixture("send_text_request.json"));
}

TEST(WhatsAppMessageRequest, TextLimitsAndCallbackData) {
  const auto with_cb = buildTextRequest("+905551234567", "Merhaba", false, "cart:9");
  ASSERT_TRUE(with_cb.isOk());
  EXPECT_EQ((*with_cb)["text"], json({{"preview_url", false}, {"body", "Merhaba"}}));
  EXPECT_EQ((*with_cb)["biz_opaque_callback_data"], "cart:9");

  EXPECT_FALSE(buildTextRequest("+905551234567", "", false, "").isOk());
  EXPECT_FALSE(buildTextRequest("+905551234567", "bad \xff", false, "").isOk());
  EXPECT_FALSE(buildTextRequest("905551234567", "Merhaba", false, "").isOk());
  // 4096 characters is the limit, counted in characters, not bytes.
  std::string turkish;
  for (int i = 0; i < 4096; ++i) turkish += "\xc4\xb1";  // U+0131 dotless i
  EXPECT_TRUE(buildTextRequest("+905551234567", turkish, false, "").isOk());
  EXPECT_FALSE(buildTextRequest("+905551234567", turkish + "x", false, "").isOk());
}

TEST(WhatsAppTemplateConfig, ParseBodyParams) {
  const auto parsed =
      parseBodyParams("first_name, cart_total:currency, expires:date_time, cart_page:link");
  ASSERT_TRUE(parsed.isOk()) << parsed.status().toString();
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_EQ((*parsed)[3].name, "cart_page");
  EXPECT_EQ((*parsed)[3].type, ParamType::kLink);
  EXPECT_EQ((*parsed)[0].name, "first_name");
  EXPECT_EQ((*parsed)[0].type, ParamType::kText);
  EXPECT_EQ((*parsed)[1].name, "cart_total");
  EXPECT_EQ((*parsed)[1].type, ParamType::kCurrency);
  EXPECT_EQ((*parsed)[2].name, "expires");
  EXPECT_EQ((*parsed)[2].type, ParamType::kDateTime);

  const auto typed = parseBodyParams(" a:text ,b ");
  ASSERT_TRUE(typed.isOk());
  EXPECT_EQ(typed->size(), 2u);
  EXPECT_EQ((*typed)[1].type, ParamType::kText);

  const auto empty = parseBodyParams("  ");
  ASSERT_TRUE(empty.isOk());
  EXPECT_TRUE(empty->empty());
}

TEST(WhatsAppTemplateConfig, ParseBodyParamsErrorsQuoteTheToken) {
  for (const auto& [bad, token] :
       std::vector<std::pair<std::string, std::string>>{{"a,,b", "''"},
                                                        {"a,", "''"},
                                                        {"a:money", "money"},
                                                        {"First_Name", "First_Name"},
                                                        {"first name", "first name"},
                                                        {"a, b:date, c", "date"},
                                                        {":text", ":text"},
                                                        {"a,a:currency", "'a' appears twice"}}) {
    const auto parsed = parseBodyParams(bad);
    ASSERT_FALSE(parsed.isOk()) << bad;
    EXPECT_EQ(parsed.status().code(), core::Status::Code::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find(token), std::string::npos)
        << parsed.status().message();
  }
}

TEST(WhatsAppTemplateConfig, ParseButtons) {
  const auto parsed = parseButtons("url:cart_link, quick_reply:STOP_MARKETING");
  ASSERT_TRUE(parsed.isOk()) << parsed.status().toString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ((*parsed)[0].kind, TemplateButton::Kind::kUrl);
  EXPECT_EQ((*parsed)[0].value, "cart_link");
  EXPECT_EQ((*parsed)[1].kind, TemplateButton::Kind::kQuickReply);
  EXPECT_EQ((*parsed)[1].value, "STOP_MARKETING");
  // A payload keeps its inner spaces and colons.
  const auto payload = parseButtons("quick_reply: Beni listeden çıkar: evet ");
  ASSERT_TRUE(payload.isOk());
  EXPECT_EQ((*payload)[0].value, "Beni listeden çıkar: evet");
  EXPECT_TRUE(parseButtons("").isOk());
  const auto tracked = parseButtons("tracked_url:cart_url");
  ASSERT_TRUE(tracked.isOk()) << tracked.status().toString();
  EXPECT_EQ((*tracked)[0].kind, TemplateButton::Kind::kTrackedUrl);
  EXPECT_EQ((*tracked)[0].value, "cart_url");

  for (const std::string bad :
       {"url:", "url", "url:Cart-Link", "phone:+90555", "quick_reply:", "quick_reply",
        "url:a,,quick_reply:X", "URL:a", "tracked_url:", "tracked_url:Cart-Url", "tracked:x"}) {
    EXPECT_EQ(parseButtons(bad).status().code(), core::Status::Code::kInvalidArgument) << bad;
  }
  std::string eleven = "quick_reply:A";
  for (int i = 0; i < 10; ++i) eleven += ",quick_reply:A";
  EXPECT_FALSE(parseButtons(eleven).isOk());
}

TEST(WhatsAppTemplateConfig, ParseHeader) {
  TemplateLayout layout;
  ASSERT_TRUE(parseHeader("image:product_image", &layout).isOk());
  EXPECT_EQ(layout.header, HeaderMedia::kImage);
  EXPECT_EQ(layout.header_param, "product_image");
  ASSERT_TRUE(parseHeader(" video : clip ", &layout).isOk());
  EXPECT_EQ(layout.header, HeaderMedia::kVideo);
  EXPECT_EQ(layout.header_param, "clip");
  ASSERT_TRUE(parseHeader("document:invoice", &layout).isOk());
  EXPECT_EQ(layout.header, HeaderMedia::kDocument);
  ASSERT_TRUE(parseHeader("none", &layout).isOk());
  EXPECT_EQ(layout.header, HeaderMedia::kNone);
  EXPECT_TRUE(layout.header_param.empty());

  ASSERT_TRUE(parseHeader("image:kept", &layout).isOk());
  for (const std::string bad :
       {"", "image", "image:", "gif:x", "IMAGE:x", "none:x", "text:x", "image:Bad-Name"}) {
    const core::Status s = parseHeader(bad, &layout);
    EXPECT_EQ(s.code(), core::Status::Code::kInvalidArgument) << bad;
    // A failed parse leaves the layout as it was.
    EXPECT_EQ(layout.header, HeaderMedia::kImage);
    EXPECT_EQ(layout.header_param, "kept");
  }
}

}  // namespace
}  // namespace cartrelay::whatsapp
