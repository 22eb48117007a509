#include "tests/support/fake_cloud_api.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "connectors/whatsapp/error_taxonomy.h"
#include "connectors/whatsapp/signature.h"
#include "connectors/whatsapp/webhook_events.h"
#include "tests/support/fake_http_server.h"
#include "tests/support/fixtures.h"
#include "tests/support/http_client.h"

// Self-test of the fake WhatsApp Cloud API: it must accept what Meta's
// documented requests look like, refuse what they do not, fail on demand,
// and produce webhooks that cartrelay's own signature check and parser read
// like the fixtures. The fake is checked against cartrelay's code only where
// both sides implement a published fact (signature, error codes, webhook
// shapes), never against cartrelay's request builder.
namespace cartrelay::testing {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

constexpr milliseconds kWait{10'000};
const std::string kAppSecret = "fake-meta-app-secret";

Json fixture(const std::string& name) { return Json::parse(readFixture("whatsapp/" + name)); }

HttpResult sendMessage(const FakeCloudApi& api, const std::string& body, const std::string& token) {
  return httpRequest(api.port(), "POST", api.messagesPath(), body,
                     {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
}

HttpResult sendMessage(const FakeCloudApi& api, const Json& body) {
  return sendMessage(api, body.dump(), api.options().access_token);
}

Json parsed(const HttpResult& result) {
  return Json::parse(result.body, nullptr, /*allow_exceptions=*/false);
}

int errorCode(const HttpResult& result) {
  const Json body = parsed(result);
  if (!body.is_object() || !body.contains("error")) return 0;
  return body["error"].value("code", 0);
}

std::string errorDetails(const HttpResult& result) {
  const Json body = parsed(result);
  if (!body.is_object() || !body.contains("error")) return "";
  return body["error"].value("error_data", Json::object()).value("details", "");
}

whatsapp::ErrorAction actionFor(const HttpResult& result) {
  return whatsapp::classifyError(whatsapp::parseCloudApiError(result.status, result.body)).action;
}

// Every key path of a JSON document with the type found there, e.g.
// "entry[].changes[].value.statuses[].timestamp:string". Array elements share
// one path, so the set describes a document's shape, not its values.
void collectShape(const Json& json, const std::string& path, std::set<std::string>* out) {
  out->insert(path + ":" + json.type_name());
  if (json.is_object()) {
    for (auto it = json.begin(); it != json.end(); ++it)
      collectShape(it.value(), path + "." + it.key(), out);
  } else if (json.is_array()) {
    for (const Json& element : json) collectShape(element, path + "[]", out);
  }
}

// The shape without every path that contains one of `ignored` (a key).
std::set<std::string> shape(const Json& json, const std::vector<std::string>& ignored = {}) {
  std::set<std::string> all;
  collectShape(json, "", &all);
  std::set<std::string> out;
  for (const std::string& path : all) {
    bool skip = false;
    for (const std::string& key : ignored) {
      if (path.find("." + key + ":") != std::string::npos ||
          path.find("." + key + ".") != std::string::npos ||
          path.find("." + key + "[") != std::string::npos) {
        skip = true;
      }
    }
    if (!skip) out.insert(path);
  }
  return out;
}

std::vector<whatsapp::WebhookItem> items(const std::string& body) {
  const auto result = whatsapp::parseWebhook(body);
  EXPECT_TRUE(result.isOk()) << result.status().message();
  if (!result.isOk()) return {};
  EXPECT_TRUE(result->problems.empty()) << result->problems.front();
  return result->items;
}

bool signatureVerifies(const std::string& header, const std::string& body,
                       const std::string& secret = kAppSecret) {
  const std::vector<std::string> secrets = {secret};
  return whatsapp::verifySignature(header, body, secrets).isOk();
}

// A FakeHttpServer standing in for cartrelay's webhook endpoint.
struct Receiver {
  std::atomic<int> status{200};
  FakeHttpServer server{[this](const RecordedRequest&) {
    FakeResponse response;
    response.status = status.load();
    response.body = "{}";
    return response;
  }};
};

// ------------------------------------------------------------------ sends

TEST(FakeCloudApi, AcceptsTheFixtureRequests) {
  FakeCloudApi api;
  EXPECT_FALSE(api.waitForAccepted(1, milliseconds(1)));
  const std::vector<std::string> names = {
      "send_template_request_named_params.json", "send_template_request_positional_params.json",
      "constructed_send_template_abandoned_cart_tr.json", "send_text_request.json"};
  const std::set<std::string> response_shape = shape(fixture("send_response.json"));
  std::set<std::string> wamids;
  for (const std::string& name : names) {
    const Json request = fixture(name);
    const HttpResult result = sendMessage(api, request);
    ASSERT_EQ(result.status, 200) << name << ": " << result.body;
    const Json answer = parsed(result);
    EXPECT_EQ(shape(answer), response_shape) << name;
    EXPECT_EQ(answer["messaging_product"], "whatsapp");
    EXPECT_EQ(answer["contacts"][0]["input"], request["to"]);
    EXPECT_EQ(answer["contacts"][0]["wa_id"], request["to"].get<std::string>().substr(1));
    const std::string wamid = answer["messages"][0]["id"].get<std::string>();
    EXPECT_EQ(wamid.rfind("wamid.", 0), 0u) << wamid;
    wamids.insert(wamid);
  }
  EXPECT_EQ(wamids.size(), names.size()) << "wamids must be unique";
  EXPECT_TRUE(api.waitForAccepted(names.size(), milliseconds(1)));
  EXPECT_TRUE(api.invalidRequests().empty());

  const std::vector<FakeCloudApi::AcceptedMessage> accepted = api.accepted();
  ASSERT_EQ(accepted.size(), 4u);
  EXPECT_EQ(accepted[0].type, "template");
  EXPECT_EQ(accepted[0].template_name, "order_confirmation");
  EXPECT_EQ(accepted[0].language, "en_US");
  EXPECT_EQ(accepted[0].components,
            fixture("send_template_request_named_params.json")["template"]["components"]);

  const Json cart = fixture("constructed_send_template_abandoned_cart_tr.json");
  EXPECT_EQ(accepted[2].to, "+905551234567");
  EXPECT_EQ(accepted[2].wa_id, "905551234567");
  EXPECT_EQ(accepted[2].template_name, "abandoned_cart_reminder");
  EXPECT_EQ(accepted[2].language, "tr");
  EXPECT_EQ(accepted[2].biz_opaque_callback_data, cart["biz_opaque_callback_data"]);
  EXPECT_EQ(accepted[2].components, cart["template"]["components"]);
  EXPECT_EQ(Json::parse(accepted[2].request_body), cart);

  EXPECT_EQ(accepted[3].type, "text");
  EXPECT_EQ(accepted[3].text_body, fixture("send_text_request.json")["text"]["body"]);
  EXPECT_TRUE(accepted[3].components.is_null());
  for (std::size_t i = 1; i < accepted.size(); ++i) {
    EXPECT_GE(accepted[i].received_steady_ms, accepted[i - 1].received_steady_ms);
    EXPECT_GT(accepted[i].received_epoch_ms, 1'700'000'000'000);
  }
}

TEST(FakeCloudApi, AcceptsTheSdkTemplateWithAllParameterTypes) {
  // template_object_all_param_types_sdk.json is the template object only, with
  // placeholder name and language: put it in the send envelope.
  Json tmpl = fixture("template_object_all_param_types_sdk.json");
  tmpl["name"] = "all_param_types";
  tmpl["language"]["code"] = "en_US";
  tmpl["components"][0]["parameters"][0]["image"]["link"] = "https://example.com/a.jpg";
  Json request = fixture("send_template_request_positional_params.json");
  request["template"] = tmpl;
  FakeCloudApi api;
  const HttpResult result = sendMessage(api, request);
  EXPECT_EQ(result.status, 200) << result.body;
}

struct Broken {
  const char* what;
  const char* fixture;
  std::function<void(Json&)> mutate;
  const char* details;  // must appear in error_data.details
};

TEST(FakeCloudApi, RejectsMalformedSendsWithCode100NamingTheField) {
  const char* kCart = "constructed_send_template_abandoned_cart_tr.json";
  const char* kNamed = "send_template_request_named_params.json";
  const char* kText = "send_text_request.json";
  const std::vector<Broken> cases = {
      {"index as a number", kCart, [](Json& j) { j["template"]["components"][2]["index"] = 0; },
       "template.components[2].index must be a string"},
      {"missing language", kCart, [](Json& j) { j["template"].erase("language"); },
       "template.language is missing"},
      {"currency amount as a string", kCart,
       [](Json& j) {
         j["template"]["components"][1]["parameters"][1]["currency"]["amount_1000"] = "1249900";
       },
       "template.components[1].parameters[1].currency.amount_1000 must be a JSON integer"},
      {"currency amount as a float", kCart,
       [](Json& j) {
         j["template"]["components"][1]["parameters"][1]["currency"]["amount_1000"] = 1249.9;
       },
       "amount_1000"},
      {"lower-case currency code", kCart,
       [](Json& j) { j["template"]["components"][1]["parameters"][1]["currency"]["code"] = "try"; },
       "currency.code"},
      {"named and positional mixed", kNamed,
       [](Json& j) { j["template"]["components"][0]["parameters"][1].erase("parameter_name"); },
       "template.components[0].parameters[1].parameter_name must be on every body parameter"},
      {"letters in to", kCart, [](Json& j) { j["to"] = "+90555ABC4567"; }, "to must be"},
      {"too short to", kCart, [](Json& j) { j["to"] = "+1234567"; }, "to must be"},
      {"wrong product", kCart, [](Json& j) { j["messaging_product"] = "sms"; },
       "messaging_product"},
      {"missing product", kCart, [](Json& j) { j.erase("messaging_product"); },
       "messaging_product is missing"},
      {"group recipient", kCart, [](Json& j) { j["recipient_type"] = "group"; }, "recipient_type"},
      {"misspelt key", kCart,
       [](Json& j) {
         j["biz_opaque_callbackdata"] = j["biz_opaque_callback_data"];
         j.erase("biz_opaque_callback_data");
       },
       "biz_opaque_callbackdata is not a known field"},
      {"callback data as a number", kCart, [](Json& j) { j["biz_opaque_callback_data"] = 7; },
       "biz_opaque_callback_data"},
      {"upper-case template name", kNamed,
       [](Json& j) { j["template"]["name"] = "Order_Confirmation"; }, "template.name"},
      {"quick reply with a text parameter", kCart,
       [](Json& j) {
         j["template"]["components"][3]["parameters"][0] = {{"type", "text"}, {"text", "STOP"}};
       },
       "must be \"payload\""},
      {"url button without parameters", kCart,
       [](Json& j) { j["template"]["components"][2].erase("parameters"); },
       "template.components[2].parameters is missing"},
      {"unknown sub_type", kCart,
       [](Json& j) { j["template"]["components"][2]["sub_type"] = "phone_number"; }, "sub_type"},
      {"duplicate button index", kCart,
       [](Json& j) { j["template"]["components"][3]["index"] = "0"; }, "used by another button"},
      {"ftp media link", kCart,
       [](Json& j) {
         j["template"]["components"][0]["parameters"][0]["image"]["link"] = "ftp://x/a.jpg";
       },
       "image.link must be an http(s) URL"},
      {"image in the body", kNamed,
       [](Json& j) {
         j["template"]["components"][0]["parameters"][0] = {
             {"type", "image"}, {"image", {{"link", "https://example.com/a.jpg"}}}};
       },
       "header only"},
      {"empty text parameter", kNamed,
       [](Json& j) { j["template"]["components"][0]["parameters"][0]["text"] = ""; },
       "parameters[0].text must not be empty"},
      {"unknown component", kNamed,
       [](Json& j) { j["template"]["components"][0]["type"] = "footer"; }, "type must be"},
      {"type template without template", kNamed, [](Json& j) { j.erase("template"); },
       "template is missing"},
      {"unknown message type", kText, [](Json& j) { j["type"] = "image"; }, "type must be"},
      {"empty text body", kText, [](Json& j) { j["text"]["body"] = ""; },
       "text.body must not be empty"},
      {"preview_url as a string", kText, [](Json& j) { j["text"]["preview_url"] = "true"; },
       "text.preview_url"},
      {"text and template", kText,
       [](Json& j) {
         j["template"] = {{"name", "x"}};
       },
       "template must not be present"},
  };
  FakeCloudApi api;
  for (const Broken& c : cases) {
    SCOPED_TRACE(c.what);
    Json request = fixture(c.fixture);
    c.mutate(request);
    const HttpResult result = sendMessage(api, request);
    EXPECT_EQ(result.status, 400) << result.body;
    const Json body = parsed(result);
    ASSERT_TRUE(body.is_object()) << result.body;
    EXPECT_EQ(body["error"]["code"], 100);
    EXPECT_EQ(body["error"]["message"], "(#100) Invalid parameter");
    EXPECT_EQ(body["error"]["type"], "OAuthException");
    EXPECT_EQ(body["error"]["error_data"]["messaging_product"], "whatsapp");
    EXPECT_TRUE(body["error"]["fbtrace_id"].is_string());
    EXPECT_NE(errorDetails(result).find(c.details), std::string::npos) << errorDetails(result);
    const auto rejections = api.rejections();
    ASSERT_FALSE(rejections.empty());
    EXPECT_EQ(rejections.back().cause, FakeCloudApi::RejectCause::kInvalidRequest);
    EXPECT_EQ(rejections.back().details, errorDetails(result));
    EXPECT_EQ(rejections.back().body, request.dump());
  }
  EXPECT_EQ(api.acceptedCount(), 0u);
  EXPECT_EQ(api.invalidRequests().size(), cases.size());
}

TEST(FakeCloudApi, RejectsBodiesThatAreNotJson) {
  FakeCloudApi api;
  const std::string token = api.options().access_token;
  EXPECT_EQ(errorCode(sendMessage(api, "{\"messaging_product\":", token)), 100);
  EXPECT_EQ(errorCode(sendMessage(api, "[]", token)), 100);
  const HttpResult form =
      httpRequest(api.port(), "POST", api.messagesPath(), fixture("send_text_request.json").dump(),
                  {{"Authorization", "Bearer " + token},
                   {"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 400);
  EXPECT_NE(errorDetails(form).find("Content-Type"), std::string::npos);
  EXPECT_EQ(api.acceptedCount(), 0u);
}

TEST(FakeCloudApi, WrongOrMissingTokenAnswersTheExpiredTokenFixture) {
  FakeCloudApi api;
  const Json token_fixture = fixture("error_190_token_expired.json");
  const std::string request = fixture("send_text_request.json").dump();

  const HttpResult wrong = sendMessage(api, request, "another-token");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(parsed(wrong), token_fixture);
  EXPECT_EQ(actionFor(wrong), whatsapp::ErrorAction::kHalt);
  const HttpResult missing = httpRequest(api.port(), "POST", api.messagesPath(), request,
                                         {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(errorCode(missing), 190);

  api.setTokenValid(false);
  const HttpResult expired = sendMessage(api, request, api.options().access_token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(parsed(expired), token_fixture);
  api.setTokenValid(true);
  EXPECT_EQ(sendMessage(api, request, api.options().access_token).status, 200);

  const auto rejections = api.rejections();
  ASSERT_EQ(rejections.size(), 3u);
  EXPECT_EQ(rejections[0].cause, FakeCloudApi::RejectCause::kBadToken);
  EXPECT_EQ(rejections[1].cause, FakeCloudApi::RejectCause::kBadToken);
  EXPECT_EQ(rejections[2].cause, FakeCloudApi::RejectCause::kInjected);
  EXPECT_EQ(api.invalidRequests().size(), 2u);
}

TEST(FakeCloudApi, RoutesLikeTheGraphApi) {
  FakeCloudApi::Options options;
  options.version = "v24.0";
  options.phone_number_id = "1122334455667";
  FakeCloudApi api(options);
  EXPECT_EQ(api.messagesPath(), "/v24.0/1122334455667/messages");
  const std::string body = fixture("send_text_request.json").dump();
  const std::map<std::string, std::string> headers = {
      {"Authorization", "Bearer " + options.access_token}, {"Content-Type", "application/json"}};

  const HttpResult other_number =
      httpRequest(api.port(), "POST", "/v24.0/106540352242922/messages", body, headers);
  EXPECT_EQ(other_number.status, 400);
  EXPECT_EQ(errorCode(other_number), 100);
  EXPECT_NE(errorDetails(other_number).find("phone number id"), std::string::npos);

  EXPECT_EQ(httpRequest(api.port(), "POST", "/v23.0/1122334455667/messages", body, headers).status,
            404);
  EXPECT_EQ(httpRequest(api.port(), "POST", "/v24.0/1122334455667/media", body, headers).status,
            404);
  EXPECT_EQ(httpRequest(api.port(), "GET", api.messagesPath(), "", headers).status, 405);
  EXPECT_EQ(httpRequest(api.port(), "POST", api.templatesPath(), body, headers).status, 405);
  EXPECT_EQ(httpRequest(api.port(), "POST", api.messagesPath(), body, headers).status, 200);
  EXPECT_EQ(api.invalidRequests().size(), 5u);
  EXPECT_EQ(api.requestCount(), 6u);
}

TEST(FakeCloudApi, ListsTheTemplatesTheTestSet) {
  FakeCloudApi api;
  const Json templates = Json::array({{{"name", "abandoned_cart_reminder"},
                                       {"language", "tr"},
                                       {"status", "APPROVED"},
                                       {"category", "MARKETING"},
                                       {"id", "1689556908129832"},
                                       {"quality_score", {{"score", "GREEN"}}}}});
  api.setTemplates(templates);
  EXPECT_THROW(api.setTemplates(Json::object()), std::invalid_argument);
  const HttpResult list = httpRequest(api.port(), "GET", api.templatesPath() + "?limit=100", "",
                                      {{"Authorization", "Bearer " + api.options().access_token}});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(parsed(list)["data"], templates);
  EXPECT_TRUE(parsed(list)["paging"].is_object());

  EXPECT_EQ(httpRequest(api.port(), "GET", api.templatesPath()).status, 401);
  const HttpResult other_waba =
      httpRequest(api.port(), "GET", "/" + api.options().version + "/999/message_templates", "",
                  {{"Authorization", "Bearer " + api.options().access_token}});
  EXPECT_EQ(other_waba.status, 400);
}

TEST(FakeCloudApi, ConcurrentSendsGetUniqueWamids) {
  FakeCloudApi api;
  const std::string body = fixture("constructed_send_template_abandoned_cart_tr.json").dump();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        if (sendMessage(api, body, api.options().access_token).status == 200) ++ok;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 40);
  std::set<std::string> wamids;
  for (const auto& message : api.accepted()) wamids.insert(message.wamid);
  EXPECT_EQ(wamids.size(), 40u);
  EXPECT_EQ(api.maxAcceptedInAnyWindow(1'000'000'000), 40u);
}

// ------------------------------------------------------- programmed failures

TEST(FakeCloudApi, FailNextWithAnswersMetaErrorsWithoutAWamid) {
  FakeCloudApi api;
  const Json request = fixture("constructed_send_template_abandoned_cart_tr.json");

  api.failNextWith(131056, 2);
  for (int i = 0; i < 2; ++i) {
    const HttpResult result = sendMessage(api, request);
    EXPECT_EQ(result.status, 400);
    const Json body = parsed(result);
    EXPECT_EQ(body["error"]["code"], 131056);
    EXPECT_EQ(body["error"]["message"],
              "(#131056) (Business Account, Consumer Account) pair rate limit hit");
    EXPECT_EQ(body["error"]["type"], "OAuthException");
    EXPECT_EQ(body["error"]["error_data"]["messaging_product"], "whatsapp");
    EXPECT_FALSE(body.contains("messages"));
    EXPECT_EQ(actionFor(result), whatsapp::ErrorAction::kRetryRecipient);
  }
  EXPECT_EQ(sendMessage(api, request).status, 200);

  api.failNextWith(131047);
  const HttpResult reengage = sendMessage(api, fixture("send_text_request.json"));
  EXPECT_EQ(errorCode(reengage), 131047);
  EXPECT_EQ(errorDetails(reengage),
            fixture("error_131047_reengagement_error_object.json")["error_data"]["details"]);
  EXPECT_EQ(actionFor(reengage), whatsapp::ErrorAction::kNever);

  api.failNextWith(190, 1, 401);
  const HttpResult token = sendMessage(api, request);
  EXPECT_EQ(token.status, 401);
  EXPECT_EQ(parsed(token), fixture("error_190_token_expired.json"));

  api.failNextWith(131000, 1, 500, "custom details");
  const HttpResult generic = sendMessage(api, request);
  EXPECT_EQ(generic.status, 500);
  EXPECT_EQ(errorDetails(generic), "custom details");
  EXPECT_EQ(actionFor(generic), whatsapp::ErrorAction::kRetryBounded);

  // A malformed request is refused for what it is and leaves the plan alone.
  api.failNextWith(131026);
  Json broken = request;
  broken["template"].erase("language");
  EXPECT_EQ(errorCode(sendMessage(api, broken)), 100);
  EXPECT_EQ(errorCode(sendMessage(api, request)), 131026);
  EXPECT_EQ(sendMessage(api, request).status, 200);

  EXPECT_EQ(api.acceptedCount(), 2u);
  EXPECT_EQ(api.invalidRequests().size(), 1u);
  EXPECT_EQ(api.rejections().size(), 7u);
}

TEST(FakeCloudApi, FailRecipientUntilCleared) {
  FakeCloudApi api;
  const Json cart = fixture("constructed_send_template_abandoned_cart_tr.json");
  const Json other = fixture("send_template_request_named_params.json");
  api.failRecipient("905551234567", 131050);
  for (int i = 0; i < 3; ++i) {
    const HttpResult result = sendMessage(api, cart);
    EXPECT_EQ(result.status, 400);
    EXPECT_EQ(errorCode(result), 131050);
    EXPECT_EQ(actionFor(result), whatsapp::ErrorAction::kOptOut);
  }
  EXPECT_EQ(sendMessage(api, other).status, 200);
  api.clearRecipientFailure("905551234567");
  EXPECT_EQ(sendMessage(api, cart).status, 200);
  const auto rejections = api.rejections();
  ASSERT_EQ(rejections.size(), 3u);
  EXPECT_EQ(rejections[0].to, "+905551234567");
  EXPECT_EQ(rejections[0].cause, FakeCloudApi::RejectCause::kInjected);
}

TEST(FakeCloudApi, ThroughputLimitAnswers130429ForTheExcess) {
  FakeCloudApi api;
  api.setThroughputLimit(3);
  const Json request = fixture("send_template_request_positional_params.json");
  const auto start = std::chrono::steady_clock::now();
  std::vector<int> statuses;
  for (int i = 0; i < 6; ++i) {
    const HttpResult result = sendMessage(api, request);
    statuses.push_back(result.status);
    if (result.status != 200) {
      EXPECT_EQ(errorCode(result), 130429);
      EXPECT_EQ(actionFor(result), whatsapp::ErrorAction::kRetry);
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // The first three always fit; the rest depend on how fast this machine
  // sent them, but never more than 3 in any second.
  EXPECT_EQ(statuses[0], 200);
  EXPECT_EQ(statuses[1], 200);
  EXPECT_EQ(statuses[2], 200);
  EXPECT_LE(api.maxAcceptedInAnyWindow(1000), 3u);
  if (elapsed < milliseconds(900)) {
    EXPECT_EQ(api.acceptedCount(), 3u);
  }
  EXPECT_EQ(api.rejections().size(), 6u - api.acceptedCount());
  EXPECT_TRUE(api.invalidRequests().empty());
  EXPECT_EQ(api.maxAcceptedInAnyWindow(1'000'000'000), api.acceptedCount());
}

TEST(FakeCloudApi, TransportFailuresPassThroughToTheServer) {
  FakeCloudApi api;
  api.setHangLimitMs(100);
  api.failNext(FailureMode::kCloseConnection);
  api.failNext(FailureMode::kHang);
  const Json request = fixture("send_text_request.json");
  EXPECT_EQ(sendMessage(api, request).status, 0);
  EXPECT_EQ(sendMessage(api, request).status, 0);
  EXPECT_EQ(sendMessage(api, request).status, 200);
  EXPECT_EQ(api.requestCount(), 3u);
  EXPECT_EQ(api.acceptedCount(), 1u);
  EXPECT_TRUE(api.rejections().empty());
}

// ---------------------------------------------------------------- webhooks

TEST(FakeCloudApi, StatusBodiesHaveTheFixtureShapes) {
  FakeCloudApi api;
  FakeCloudApi::StatusOptions priced;
  priced.pricing = FakeCloudApi::Pricing{};
  // Meta's own example (v23 and earlier) has `conversation`, which Meta drops
  // from v24.0 on (reference §5); the fake never sends it.
  EXPECT_EQ(shape(Json::parse(api.statusBody("wamid.A", "sent", "16505551234", priced))),
            shape(fixture("webhook_status_sent_marketing_pmp.json"), {"conversation"}));

  EXPECT_EQ(shape(Json::parse(api.statusBody("wamid.A", "failed", "16505551234"))),
            shape(fixture("webhook_status_failed.json")));

  FakeCloudApi::StatusOptions tracked;
  tracked.biz_opaque_callback_data = "cart:EXAMPLE-123";
  EXPECT_EQ(shape(Json::parse(api.statusBody("wamid.A", "delivered", "16505551234", tracked))),
            shape(fixture("webhook_status_sent_biz_opaque_callback_data_pywa.json"),
                  {"conversation", "pricing", "contacts"}));

  const Json body = Json::parse(api.statusBody("wamid.A", "read", "16505551234"));
  EXPECT_EQ(body["entry"][0]["id"], api.options().waba_id);
  const Json& value = body["entry"][0]["changes"][0]["value"];
  EXPECT_EQ(value["metadata"]["phone_number_id"], api.options().phone_number_id);
  EXPECT_EQ(value["metadata"]["display_phone_number"], api.options().display_phone_number);
}

TEST(FakeCloudApi, StatusBodiesParseAsCartrelayReadsThem) {
  FakeCloudApi api;
  FakeCloudApi::StatusOptions sent;
  sent.timestamp_s = 1750030073;
  sent.biz_opaque_callback_data = "cart:EXAMPLE-123";
  sent.pricing = FakeCloudApi::Pricing{};
  FakeCloudApi::StatusOptions failed;
  failed.timestamp_s = 1751142888;
  failed.errors.push_back(FakeCloudApi::StatusError{
      131049, "This message was not delivered to maintain healthy ecosystem engagement.",
      "This message was not delivered to maintain healthy ecosystem engagement.",
      "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."});
  const std::string body = api.statusesBody(
      {{"wamid.A", "sent", "905551234567", sent}, {"wamid.B", "failed", "905551234568", failed}});
  const auto parsed_items = items(body);
  ASSERT_EQ(parsed_items.size(), 2u);

  const auto& first = std::get<whatsapp::StatusEvent>(parsed_items[0].event);
  EXPECT_EQ(first.wamid, "wamid.A");
  EXPECT_EQ(first.status, whatsapp::DeliveryStatus::kSent);
  EXPECT_EQ(first.recipient_id, "905551234567");
  EXPECT_EQ(first.timestamp_ms, 1750030073000);
  EXPECT_EQ(first.biz_opaque_callback_data, "cart:EXAMPLE-123");
  ASSERT_TRUE(first.pricing.has_value());
  EXPECT_EQ(first.pricing->model, "PMP");
  EXPECT_EQ(first.pricing->category, "marketing");
  EXPECT_EQ(first.pricing->type, "regular");

  const auto& second = std::get<whatsapp::StatusEvent>(parsed_items[1].event);
  EXPECT_EQ(second.status, whatsapp::DeliveryStatus::kFailed);
  ASSERT_EQ(second.errors.size(), 1u);
  EXPECT_EQ(second.errors[0].code, 131049);
  EXPECT_EQ(parsed_items[1].phone_number_id, api.options().phone_number_id);
}

TEST(FakeCloudApi, InboundBodiesHaveTheFixtureShapesAndParse) {
  FakeCloudApi api;
  const std::string text = api.inboundTextBody("16505551234", "STOP");
  EXPECT_EQ(shape(Json::parse(text)), shape(fixture("webhook_inbound_text.json")));
  const auto text_items = items(text);
  ASSERT_EQ(text_items.size(), 1u);
  const auto& message = std::get<whatsapp::InboundMessage>(text_items[0].event);
  EXPECT_EQ(message.kind, whatsapp::InboundKind::kText);
  EXPECT_EQ(message.text, "STOP");
  EXPECT_EQ(message.from, "16505551234");
  EXPECT_EQ(message.wamid.rfind("wamid.", 0), 0u);

  const std::string button =
      api.buttonReplyBody("16505551234", "STOP_MARKETING", "Stop promotions", "wamid.CTX");
  // pywa's fixture adds the business-scoped user ids, which the fake omits.
  EXPECT_EQ(shape(Json::parse(button)),
            shape(fixture("webhook_button_reply.json"), {"user_id", "parent_user_id"}));
  const auto button_items = items(button);
  ASSERT_EQ(button_items.size(), 1u);
  const auto& click = std::get<whatsapp::InboundMessage>(button_items[0].event);
  EXPECT_EQ(click.kind, whatsapp::InboundKind::kButton);
  EXPECT_EQ(click.payload, "STOP_MARKETING");
  EXPECT_EQ(click.text, "Stop promotions");
  EXPECT_EQ(click.context_wamid, "wamid.CTX");

  const std::string stop = api.userPreferencesBody("16505551234", "stop", 1731705721);
  EXPECT_EQ(shape(Json::parse(stop)), shape(fixture("webhook_user_preferences_resume.json")));
  const std::string resume = api.userPreferencesBody("16505551234", "resume", 1731705721);
  Json resume_fixture = fixture("webhook_user_preferences_resume.json");
  resume_fixture["entry"][0]["id"] = api.options().waba_id;
  EXPECT_EQ(Json::parse(resume), resume_fixture);
  const auto stop_items = items(stop);
  ASSERT_EQ(stop_items.size(), 1u);
  const auto& preference = std::get<whatsapp::PreferenceEvent>(stop_items[0].event);
  EXPECT_EQ(preference.value, "stop");
  EXPECT_EQ(preference.category, "marketing_messages");
  EXPECT_EQ(preference.detail, "User requested to stop marketing messages");

  const std::string approved = api.templateStatusBody(
      "APPROVED", 1689556908129832, "order_confirmation", "en_US", "UTILITY", "NONE", 1751247548);
  EXPECT_EQ(Json::parse(approved), fixture("webhook_template_status_approved.json"));
  const auto template_items = items(approved);
  ASSERT_EQ(template_items.size(), 1u);
  const auto& event = std::get<whatsapp::TemplateEvent>(template_items[0].event);
  EXPECT_EQ(event.status, "APPROVED");
  EXPECT_EQ(event.name, "order_confirmation");
}

TEST(FakeCloudApi, SignatureVerifiesWithCartrelaysCheck) {
  FakeCloudApi api;
  api.setWebhookTarget(1, "secret");
  // Published vector 2 of SOURCES.md: HMAC-SHA256(key "secret", "test").
  EXPECT_EQ(api.signatureFor("test"),
            "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914");

  api.setWebhookTarget(1, kAppSecret);
  const std::string body = api.statusBody("wamid.A", "delivered", "905551234567");
  const std::string header = api.signatureFor(body);
  EXPECT_TRUE(signatureVerifies(header, body));
  EXPECT_EQ(header, whatsapp::computeSignatureHeader(kAppSecret, body));
  std::string tampered = body;
  tampered.replace(tampered.find("delivered"), 9, "read     ");
  EXPECT_FALSE(signatureVerifies(header, tampered));
  EXPECT_FALSE(signatureVerifies(header, body, "another-secret"));
}

TEST(FakeCloudApi, PostReachesTheReceiverWithAnExactSignedBody) {
  Receiver cartrelay;
  FakeCloudApi api;
  EXPECT_EQ(api.post("{}").status, 0) << "no target yet";
  api.setWebhookTarget(cartrelay.server.port(), kAppSecret);

  const std::string body = api.inboundTextBody("905551234567", "DURDUR İPTAL");
  const FakeCloudApi::PostResult result = api.post(body);
  EXPECT_EQ(result.status, 200);
  cartrelay.status = 401;
  EXPECT_EQ(api.postUnsigned(body).status, 401);
  EXPECT_EQ(api.postWithSignature(body, "sha256=00").status, 401);

  const auto received = cartrelay.server.requests();
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[0].method, "POST");
  EXPECT_EQ(received[0].path, "/webhooks/whatsapp");
  EXPECT_EQ(received[0].body, body);
  EXPECT_EQ(received[0].header("content-type").value_or(""), "application/json");
  const std::string signature = received[0].header("x-hub-signature-256").value_or("");
  EXPECT_TRUE(signatureVerifies(signature, received[0].body)) << signature;
  EXPECT_FALSE(received[1].header("x-hub-signature-256").has_value());
  EXPECT_EQ(received[2].header("x-hub-signature-256").value_or(""), "sha256=00");

  const auto posted = api.postedWebhooks();
  ASSERT_EQ(posted.size(), 4u);
  EXPECT_EQ(posted[0].result.status, 0);
  EXPECT_EQ(posted[1].signature.value_or(""), signature);
  EXPECT_FALSE(posted[2].signature.has_value());
  EXPECT_EQ(posted[3].result.status, 401);
  EXPECT_FALSE(posted[1].automatic);
}

TEST(FakeCloudApi, AutoStatusesFollowEachAcceptedSendInOrder) {
  Receiver cartrelay;
  FakeCloudApi api;
  api.setWebhookTarget(cartrelay.server.port(), kAppSecret);
  FakeCloudApi::AutoStatusOptions options;
  options.pricing_on_sent = FakeCloudApi::Pricing{};
  api.setAutoStatuses({"sent", "delivered"}, options);

  const Json cart = fixture("constructed_send_template_abandoned_cart_tr.json");
  const HttpResult first = sendMessage(api, cart);
  ASSERT_EQ(first.status, 200);
  api.failNextWith(131026);
  EXPECT_EQ(sendMessage(api, cart).status, 400);  // refused: no statuses for it
  const HttpResult second = sendMessage(api, fixture("send_text_request.json"));
  ASSERT_EQ(second.status, 200);
  ASSERT_TRUE(api.waitForPosted(4, kWait));

  const auto received = cartrelay.server.requests();
  ASSERT_EQ(received.size(), 4u);
  std::vector<whatsapp::StatusEvent> events;
  for (const RecordedRequest& request : received) {
    EXPECT_TRUE(
        signatureVerifies(request.header("x-hub-signature-256").value_or(""), request.body));
    const auto parsed_items = items(request.body);
    ASSERT_EQ(parsed_items.size(), 1u);
    events.push_back(std::get<whatsapp::StatusEvent>(parsed_items[0].event));
  }
  const std::string first_wamid = parsed(first)["messages"][0]["id"].get<std::string>();
  const std::string second_wamid = parsed(second)["messages"][0]["id"].get<std::string>();
  EXPECT_EQ(events[0].wamid, first_wamid);
  EXPECT_EQ(events[0].status, whatsapp::DeliveryStatus::kSent);
  EXPECT_EQ(events[0].biz_opaque_callback_data, cart["biz_opaque_callback_data"]);
  EXPECT_EQ(events[0].recipient_id, "905551234567");
  EXPECT_TRUE(events[0].pricing.has_value());
  EXPECT_EQ(events[1].wamid, first_wamid);
  EXPECT_EQ(events[1].status, whatsapp::DeliveryStatus::kDelivered);
  EXPECT_FALSE(events[1].pricing.has_value());
  EXPECT_EQ(events[2].wamid, second_wamid);
  EXPECT_EQ(events[2].biz_opaque_callback_data, "");
  EXPECT_EQ(events[3].wamid, second_wamid);
  EXPECT_EQ(events[3].status, whatsapp::DeliveryStatus::kDelivered);
  for (const auto& webhook : api.postedWebhooks()) EXPECT_TRUE(webhook.automatic);
  EXPECT_EQ(api.autoStatusesDropped(), 0u);
}

TEST(FakeCloudApi, AutoStatusesWithoutATargetAreDroppedAndCounted) {
  FakeCloudApi api;
  api.setAutoStatuses({"sent", "read"});
  EXPECT_EQ(sendMessage(api, fixture("send_text_request.json")).status, 200);
  EXPECT_EQ(api.autoStatusesDropped(), 2u);
  EXPECT_TRUE(api.postedWebhooks().empty());
}

TEST(FakeCloudApi, DestructorDropsStatusesStillWaiting) {
  Receiver cartrelay;
  {
    FakeCloudApi api;
    api.setWebhookTarget(cartrelay.server.port(), kAppSecret);
    FakeCloudApi::AutoStatusOptions later;
    later.delay = std::chrono::minutes(10);
    api.setAutoStatuses({"sent"}, later);
    EXPECT_EQ(sendMessage(api, fixture("send_text_request.json")).status, 200);
  }  // must return without waiting for the 10 minutes
  EXPECT_EQ(cartrelay.server.requestCount(), 0u);
}

}  // namespace
}  // namespace cartrelay::testing
