// `cartrelay replay`: the real binary signs payload files like the platform
// and POSTs them. A small in-test HTTP server checks every request with the
// connectors' own signature verification; a second test replays to the real
// daemon.
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include "connectors/shopify/signature.h"
#include "connectors/woocommerce/signature.h"
#include "core/util/text.h"
#include "tests/e2e/daemon_harness.h"
#include "tests/support/fixtures.h"

namespace cartrelay::testing {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// What the platform-like server received, headers lower-cased.
struct Received {
  std::string path;
  std::map<std::string, std::string> headers;
  std::string body;
  bool signature_ok = false;
};

// An HTTP server on 127.0.0.1:<ephemeral> that accepts what a shop's
// platform would send: 200 when the signature verifies under `secret` with
// the connector's own check, 401 otherwise. Records every request.
class PlatformSink {
 public:
  explicit PlatformSink(std::string secret) : secret_(std::move(secret)) {
    auto params = Poco::Net::HTTPServerParams::Ptr(new Poco::Net::HTTPServerParams);
    params->setMaxThreads(2);
    server_ = std::make_unique<Poco::Net::HTTPServer>(
        new Factory(this), Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)),
        params);
    server_->start();
  }
  PlatformSink(const PlatformSink&) = delete;
  PlatformSink& operator=(const PlatformSink&) = delete;
  ~PlatformSink() { server_->stopAll(true); }

  int port() const { return server_->port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

  std::vector<Received> received() const {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }

 private:
  class Handler : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(PlatformSink* sink) : sink_(sink) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      Received r;
      r.path = request.getURI();
      for (const auto& [name, value] : request) {
        r.headers[core::asciiLower(name)] = value;
      }
      Poco::StreamCopier::copyToString(request.stream(), r.body);
      std::vector<std::string> secrets{sink_->secret_};
      if (r.headers.count("x-shopify-hmac-sha256")) {
        r.signature_ok = connectors::shopify::verifyWebhookHmac(r.headers["x-shopify-hmac-sha256"],
                                                                r.body, secrets)
                             .isOk();
      } else if (r.headers.count("x-wc-webhook-signature")) {
        r.signature_ok = connectors::woocommerce::verifyWebhookSignature(
                             r.headers["x-wc-webhook-signature"], r.body, secrets)
                             .isOk();
      }
      {
        std::lock_guard<std::mutex> lock(sink_->mu_);
        sink_->received_.push_back(r);
      }
      response.setStatus(r.signature_ok ? Poco::Net::HTTPResponse::HTTP_OK
                                        : Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED);
      response.send() << (r.signature_ok ? "ok" : "bad signature\nsecond line");
    }

   private:
    PlatformSink* sink_;
  };
  class Factory : public Poco::Net::HTTPRequestHandlerFactory {
   public:
    explicit Factory(PlatformSink* sink) : sink_(sink) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
      return new Handler(sink_);
    }

   private:
    PlatformSink* sink_;
  };

  std::string secret_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  mutable std::mutex mu_;
  std::vector<Received> received_;
};

// Every file in shared/fixtures/<platform> and the topic its name stands for;
// std::nullopt for files that are not webhook payloads (REST responses, the
// HMAC test vector), which replay refuses without --topic.
const std::map<std::string, std::optional<std::string>>& expectedShopifyTopics() {
  static const std::map<std::string, std::optional<std::string>> kTopics = {
      {"checkouts_create.json", "checkouts/create"},
      {"checkouts_delete.json", "checkouts/delete"},
      {"checkouts_update.json", "checkouts/update"},
      {"customers_create.json", "customers/create"},
      {"customers_data_request.json", "customers/data_request"},
      {"customers_delete.json", "customers/delete"},
      {"customers_email_marketing_consent_update.json", "customers_email_marketing_consent/update"},
      {"customers_marketing_consent_update.json", "customers_marketing_consent/update"},
      {"customers_redact.json", "customers/redact"},
      {"customers_update.json", "customers/update"},
      {"customers_whats_app_marketing_consent_update.json",
       "customers_whats_app_marketing_consent/update"},
      {"hmac_vector_body_orders_create_legacy.json", std::nullopt},
      {"orders_create.json", "orders/create"},
      {"orders_delete.json", "orders/delete"},
      {"rest_2025-07_get_checkouts.json", std::nullopt},
      {"rest_2025-07_get_customer.json", std::nullopt},
      {"rest_2025-07_get_order.json", std::nullopt},
      {"shop_redact.json", "shop/redact"},
  };
  return kTopics;
}

const std::map<std::string, std::optional<std::string>>& expectedWooTopics() {
  static const std::map<std::string, std::optional<std::string>> kTopics = {
      {"customer_created.json", "customer.created"},
      {"order_created.json", "order.created"},
      {"rest_v3_coupon_create_response.json", std::nullopt},
      {"rest_v3_customer_get.json", std::nullopt},
      {"rest_v3_order_get.json", std::nullopt},
      {"rest_v3_orders_list.json", std::nullopt},
  };
  return kTopics;
}

// The .json files of a fixture folder, by name.
std::set<std::string> fixtureFiles(const std::string& platform) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(fixturePath(platform))) {
    if (entry.path().extension() == ".json") names.insert(entry.path().filename().string());
  }
  return names;
}

// A configuration whose daemon listens on 0.0.0.0:<port>, so replay's
// default URL must turn it into 127.0.0.1:<port>.
std::string writeReplayConfig(const TempDir& dir, int port, const std::string& secret) {
  return dir.writeFile(
      "replay.ini", "[daemon]\nlisten = 0.0.0.0:" + std::to_string(port) + "\nstate_dir = " +
                        dir.path() + "\nkey_dir = " + dir.file("keys") + "\ndatabase = sqlite://" +
                        dir.file("x.db") + "\n[whatsapp]\nsandbox_log = " + dir.file("s.jsonl") +
                        "\n[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
                        "api_version = 2026-07\nwebhook_secret = " +
                        secret +
                        "\n[shop.woo]\nplatform = woocommerce\n"
                        "base_url = https://woo.example.com\nwebhook_secret = " +
                        secret + "\n");
}

CommandResult replay(const std::string& config, std::vector<std::string> args) {
  std::vector<std::string> argv{CARTRELAY_BINARY, "replay", "--config", config};
  argv.insert(argv.end(), args.begin(), args.end());
  return runCommand(argv);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

TEST(Replay, TopicTableCoversEveryFixtureAndAgreesWithSources) {
  // A new fixture file must be added to the tables above (and so to the rule).
  std::set<std::string> shopify_listed, woo_listed;
  for (const auto& [name, topic] : expectedShopifyTopics()) shopify_listed.insert(name);
  for (const auto& [name, topic] : expectedWooTopics()) woo_listed.insert(name);
  EXPECT_EQ(fixtureFiles("shopify"), shopify_listed);
  EXPECT_EQ(fixtureFiles("woocommerce"), woo_listed);

  // SOURCES.md names each webhook file's topic: "| `file` | `topic` |".
  std::string sources = readFile(fixturePath("shopify/SOURCES.md"));
  std::regex row(R"(\| `([a-z0-9_\-]+\.json)` \| `([a-z_/]+)`)");
  int checked = 0;
  for (std::sregex_iterator it(sources.begin(), sources.end(), row), end; it != end; ++it) {
    auto expected = expectedShopifyTopics().find((*it)[1].str());
    ASSERT_NE(expected, expectedShopifyTopics().end()) << (*it)[1].str();
    if (!expected->second) continue;  // not a webhook payload name
    EXPECT_EQ(*expected->second, (*it)[2].str()) << (*it)[1].str();
    ++checked;
  }
  EXPECT_EQ(checked, 14);
}

TEST(Replay, SignsEveryShopifyFixtureAsShopifyDoesWithTheTopicFromItsName) {
  PlatformSink sink("test_secret");
  TempDir dir;
  const std::string config = writeReplayConfig(dir, sink.port(), "test_secret");

  std::vector<std::string> args{"--shop", "acme"};
  std::vector<std::string> files;
  for (const auto& [name, topic] : expectedShopifyTopics()) {
    if (topic) files.push_back(fixturePath("shopify/" + name));
  }
  args.insert(args.end(), files.begin(), files.end());
  CommandResult r = replay(config, args);
  ASSERT_EQ(r.exit_code, 0) << r.output;

  std::vector<Received> got = sink.received();
  ASSERT_EQ(got.size(), files.size());
  std::set<std::string> delivery_ids;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const Received& req = got[i];
    const std::string name = std::filesystem::path(files[i]).filename().string();
    SCOPED_TRACE(name);
    EXPECT_EQ(req.path, "/webhooks/shopify/acme");
    EXPECT_TRUE(req.signature_ok);
    EXPECT_EQ(req.body, readFixture("shopify/" + name)) << "exact bytes, not re-serialised";
    EXPECT_EQ(req.headers.at("x-shopify-topic"), *expectedShopifyTopics().at(name));
    EXPECT_EQ(req.headers.at("x-shopify-shop-domain"), "acme.myshopify.com");
    EXPECT_EQ(req.headers.at("x-shopify-api-version"), "2026-07");
    EXPECT_EQ(req.headers.at("content-type"), "application/json");
    const std::string& event_id = req.headers.at("x-shopify-event-id");
    EXPECT_TRUE(std::regex_match(event_id, kUuid)) << event_id;
    EXPECT_TRUE(std::regex_match(req.headers.at("x-shopify-webhook-id"), kUuid));
    EXPECT_TRUE(std::regex_match(req.headers.at("x-shopify-triggered-at"),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")));
    delivery_ids.insert(event_id);
    // One output line per file: file, status, topic, delivery id.
    EXPECT_TRUE(contains(r.output, files[i] + "  200  " + *expectedShopifyTopics().at(name) + "  " +
                                       event_id + "\n"))
        << r.output;
  }
  EXPECT_EQ(delivery_ids.size(), files.size()) << "a fresh id per file";

  // The published test vector signs the same way: the HMAC is Shopify's.
  EXPECT_EQ(connectors::shopify::computeWebhookHmac("test_secret",
                                                    readFixture("shopify/orders_create.json")),
            "OG3tSTZOV/txloqPatAsPKzAkorQUPFAouVSEVH0XyQ=");
}

TEST(Replay, SignsWooCommerceFixturesWithResourceAndEventHeaders) {
  PlatformSink sink("test_secret");
  TempDir dir;
  const std::string config = writeReplayConfig(dir, sink.port(), "test_secret");
  CommandResult r = replay(config, {"--shop", "woo", fixturePath("woocommerce/order_created.json"),
                                    fixturePath("woocommerce/customer_created.json")});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<Received> got = sink.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].path, "/webhooks/woocommerce/woo");
  EXPECT_TRUE(got[0].signature_ok);
  EXPECT_EQ(got[0].headers.at("x-wc-webhook-signature"),
            "dbd8cN7BISGillqMsi0zMR+0Y9kuiw/6Hcjf+nwkYE0=");
  EXPECT_EQ(got[0].headers.at("x-wc-webhook-topic"), "order.created");
  EXPECT_EQ(got[0].headers.at("x-wc-webhook-resource"), "order");
  EXPECT_EQ(got[0].headers.at("x-wc-webhook-event"), "created");
  EXPECT_EQ(got[0].headers.at("x-wc-webhook-source"), "https://woo.example.com/");
  EXPECT_FALSE(got[0].headers.at("x-wc-webhook-id").empty());
  EXPECT_TRUE(std::regex_match(got[0].headers.at("x-wc-webhook-delivery-id"), kUuid));
  EXPECT_EQ(got[1].headers.at("x-wc-webhook-topic"), "customer.created");
  EXPECT_EQ(got[1].headers.at("x-wc-webhook-signature"),
            "sNckI1YvbX9ghicGcBF4n4gwzNFfma5ZPf5c18+Ti0I=");
}

TEST(Replay, TopicAndDeliveryIdFlagsAndUnusualFileNames) {
  PlatformSink sink("test_secret");
  TempDir dir;
  const std::string config = writeReplayConfig(dir, sink.port(), "test_secret");

  // Names the rule must read: multi-word verbs, a suffix after the first '.'.
  const std::string body = R"({"id":1})";
  std::map<std::string, std::string> names = {
      {"orders_partially_fulfilled.json", "orders/partially_fulfilled"},
      {"orders_updated.retry-2.json", "orders/updated"},
      {"app_uninstalled.json", "app/uninstalled"},
      {"draft_orders_create.json", "draft_orders/create"},
  };
  std::vector<std::string> args{"--shop", "acme"};
  for (const auto& [name, topic] : names) args.push_back(dir.writeFile(name, body));
  CommandResult r = replay(config, args);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::vector<Received> got = sink.received();
  ASSERT_EQ(got.size(), names.size());
  std::size_t i = 0;
  for (const auto& [name, topic] : names) {
    EXPECT_EQ(got[i++].headers.at("x-shopify-topic"), topic) << name;
  }

  // WooCommerce: Abandoned Cart Lite's own resource and events.
  CommandResult wcap =
      replay(config, {"--shop", "woo", dir.writeFile("wcap_cart_cutoff.json", body),
                      dir.writeFile("product_restored.json", body)});
  ASSERT_EQ(wcap.exit_code, 0) << wcap.output;
  got = sink.received();
  ASSERT_EQ(got.size(), names.size() + 2);
  EXPECT_EQ(got[names.size()].headers.at("x-wc-webhook-topic"), "wcap_cart.cutoff");
  EXPECT_EQ(got[names.size()].headers.at("x-wc-webhook-resource"), "wcap_cart");
  EXPECT_EQ(got[names.size()].headers.at("x-wc-webhook-event"), "cutoff");
  EXPECT_EQ(got[names.size() + 1].headers.at("x-wc-webhook-topic"), "product.restored");

  // --topic overrides the name (and lets a REST response be replayed).
  CommandResult forced =
      replay(config, {"--shop", "acme", "--topic", "orders/updated", "--delivery-id",
                      "replay-fixed-1", fixturePath("shopify/rest_2025-07_get_order.json")});
  ASSERT_EQ(forced.exit_code, 0) << forced.output;
  got = sink.received();
  ASSERT_EQ(got.size(), names.size() + 3);
  EXPECT_EQ(got.back().headers.at("x-shopify-topic"), "orders/updated");
  EXPECT_EQ(got.back().headers.at("x-shopify-event-id"), "replay-fixed-1");
  EXPECT_EQ(got.back().headers.at("x-shopify-webhook-id"), "replay-fixed-1");
  EXPECT_TRUE(contains(forced.output, "orders/updated  replay-fixed-1")) << forced.output;
}

TEST(Replay, RefusesBeforeSendingAnything) {
  PlatformSink sink("test_secret");
  TempDir dir;
  const std::string config = writeReplayConfig(dir, sink.port(), "test_secret");
  const std::string good = fixturePath("shopify/orders_create.json");

  // Every non-webhook fixture name is refused, naming the file, exit 2.
  for (const auto& [name, topic] : expectedShopifyTopics()) {
    if (topic) continue;
    CommandResult r = replay(config, {"--shop", "acme", good, fixturePath("shopify/" + name)});
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.output;
    EXPECT_TRUE(contains(r.output, name + ": cannot tell the shopify topic")) << r.output;
  }
  for (const auto& [name, topic] : expectedWooTopics()) {
    if (topic) continue;
    CommandResult r = replay(config, {"--shop", "woo", fixturePath("woocommerce/" + name)});
    EXPECT_EQ(r.exit_code, 2) << name << ": " << r.output;
  }
  const std::vector<std::vector<std::string>> usage = {
      {good},                                                      // no --shop
      {"--shop", "acme"},                                          // no file
      {"--shop", "nosuchshop", good},                              // unknown shop
      {"--shop", "acme", dir.file("missing.json")},                // unreadable
      {"--shop", "acme", "--delivery-id", "x", good, good},        // id for two files
      {"--shop", "acme", "--url", "ftp://127.0.0.1/", good},       // not http
      {"--shop", "acme", "--url", "http://192.0.2.7:8080", good},  // plain http, not loopback
      {"--shop", "acme", "--bogus", good},                         // unknown flag
  };
  for (const auto& args : usage) {
    CommandResult r = replay(config, args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
  }
  EXPECT_TRUE(sink.received().empty()) << "nothing may be sent when the batch is refused";
}

TEST(Replay, NonSuccessAnswersAndAnUnreachableDaemonExitOne) {
  PlatformSink sink("the_platform_secret");
  TempDir dir;
  const std::string config = writeReplayConfig(dir, sink.port(), "another_secret");
  const std::string file = fixturePath("shopify/orders_create.json");
  CommandResult r = replay(config, {"--shop", "acme", file});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, file + "  401  orders/create")) << r.output;
  EXPECT_TRUE(contains(r.output, "HTTP 401: bad signature second line")) << r.output;

  int closed_port = 0;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = socket.address().port();
  }
  CommandResult down = replay(
      config,
      {"--shop", "acme", "--url", "http://127.0.0.1:" + std::to_string(closed_port) + "/", file});
  EXPECT_EQ(down.exit_code, 1) << down.output;
  EXPECT_TRUE(contains(down.output, file + "  -  orders/create")) << down.output;
  EXPECT_TRUE(contains(down.output, "/webhooks/shopify/acme")) << down.output;
}

// Against the real daemon: once the webhook routes are wired, the daemon
// itself must accept replay's signature (and reject a wrong one). Until
// then it answers 404 and the test is skipped.
TEST(Replay, TheDaemonAcceptsWhatReplaySigns) {
  DaemonHarness h;
  h.writeConfig(
      "[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
      "webhook_secret = test_secret\n");
  std::string why;
  ASSERT_TRUE(h.start(&why)) << why;
  const std::string url = "http://127.0.0.1:" + std::to_string(h.port());
  const std::string file = fixturePath("shopify/orders_create.json");
  CommandResult r =
      h.cli({"replay", "--shop", "acme", "--url", url, "--delivery-id", "replay-e2e-1", file});
  if (contains(r.output, "  404  ")) {
    GTEST_SKIP() << "the daemon has no webhook routes yet: " << r.output;
  }
  ASSERT_EQ(r.exit_code, 0) << r.output << "\n" << h.process().output();
  EXPECT_TRUE(contains(r.output, file + "  200  orders/create  replay-e2e-1")) << r.output;

  // The same delivery again is a duplicate: still 2xx, not stored twice.
  CommandResult again =
      h.cli({"replay", "--shop", "acme", "--url", url, "--delivery-id", "replay-e2e-1", file});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  CommandResult listed = h.cli({"inbox", "list", "--shop", "acme"});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_TRUE(contains(listed.output, "replay-e2e-1")) << listed.output;

  // A wrong secret is refused by the daemon's own verification.
  TempDir other;
  std::string bad_config = other.writeFile(
      "bad.ini", "[daemon]\nlisten = 127.0.0.1:" + std::to_string(h.port()) + "\nstate_dir = " +
                     other.path() + "\nkey_dir = " + other.file("k") + "\ndatabase = sqlite://" +
                     other.file("x.db") + "\n[whatsapp]\nsandbox_log = " + other.file("s") +
                     "\n[shop.acme]\nplatform = shopify\nshop_domain = acme.myshopify.com\n"
                     "webhook_secret = not_the_secret\n");
  CommandResult refused = replay(bad_config, {"--shop", "acme", file});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(contains(refused.output, "  401  orders/create")) << refused.output;
}

}  // namespace
}  // namespace cartrelay::testing
