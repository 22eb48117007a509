#include "connectors/shopify/signature.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"

namespace cartrelay::connectors::shopify {
namespace {

using cartrelay::testing::readFixture;

// Published vector: osiset/laravel-shopify @ f819f4a5, tests/Traits/WebhookControllerTest.php:26
// (shared/fixtures/shopify/SOURCES.md).
constexpr std::string_view kVectorBody = "shopify/hmac_vector_body_orders_create_legacy.json";
const std::string kVectorSecret = "00000000000000000000000000000000";
constexpr std::string_view kVectorHmac = "hvTE9wpDzMcDnPEuHWvYZ58ElKn5vHs0LomurfNIuUc=";

std::vector<std::string> secrets(std::initializer_list<std::string> s) { return s; }

TEST(ShopifySignature, PublishedVectorIsByteExact) {
  const std::string body = readFixture(std::string(kVectorBody));
  ASSERT_EQ(body.size(), 5845u);
  EXPECT_EQ(computeWebhookHmac(kVectorSecret, body), kVectorHmac);
  EXPECT_TRUE(verifyWebhookHmac(kVectorHmac, body, secrets({kVectorSecret})).isOk());
}

TEST(ShopifySignature, PublishedNegativeControls) {
  const std::string body = readFixture(std::string(kVectorBody));
  EXPECT_EQ(computeWebhookHmac("hush", body), "kF7V0oviUnb4djunImAPpnFeJondE5aZdoU6wTlVmMA=");
  EXPECT_EQ(computeWebhookHmac("", body), "3d2MctXFUhsRn1Jt5+Qc9xVwkBrnicShXhtItHKSB3A=");
}

TEST(ShopifySignature, DerivedFixtureSignatures) {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"shopify/checkouts_create.json", "S25pfWMklQpXfekpz381iJshpBoizE02jqfHpb17lrA="},
      {"shopify/orders_create.json", "OG3tSTZOV/txloqPatAsPKzAkorQUPFAouVSEVH0XyQ="},
      {"shopify/customers_redact.json", "uEj8oWsXHI/7dGINscR7Sy1qgmkqxwEsJSd9Jt6mcHc="},
      {"shopify/customers_data_request.json", "li0Ax1XgOpmlI0Cv4xI4TrbUF9acnWnXHvIww67x2V0="},
      {"shopify/shop_redact.json", "jlQdnmr9YqNbj85PXGOEyTuy9Cny4jJmC6hjSCXgkfo="},
  };
  for (const auto& [file, hmac] : rows) {
    EXPECT_TRUE(verifyWebhookHmac(hmac, readFixture(file), secrets({"test_secret"})).isOk())
        << file;
  }
}

TEST(ShopifySignature, FlippedBodyByteFails) {
  std::string body = readFixture(std::string(kVectorBody));
  for (std::size_t pos : {std::size_t{0}, body.size() / 2, body.size() - 1}) {
    std::string tampered = body;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
    const core::Status s = verifyWebhookHmac(kVectorHmac, tampered, secrets({kVectorSecret}));
    EXPECT_EQ(s.code(), core::Status::Code::kUnauthenticated) << "pos " << pos;
  }
}

TEST(ShopifySignature, WrongSecretFails) {
  const std::string body = readFixture(std::string(kVectorBody));
  const core::Status s = verifyWebhookHmac(kVectorHmac, body, secrets({"hush"}));
  EXPECT_EQ(s.code(), core::Status::Code::kUnauthenticated);
}

TEST(ShopifySignature, RotationAcceptsPreviousSecret) {
  const std::string body = readFixture(std::string(kVectorBody));
  // Current secret first, the one being retired second.
  EXPECT_TRUE(verifyWebhookHmac(kVectorHmac, body, secrets({"new-secret", kVectorSecret})).isOk());
  EXPECT_TRUE(verifyWebhookHmac(computeWebhookHmac("new-secret", body), body,
                                secrets({"new-secret", kVectorSecret}))
                  .isOk());
  // Once the old secret is dropped from config, its signatures stop verifying.
  EXPECT_FALSE(verifyWebhookHmac(kVectorHmac, body, secrets({"new-secret"})).isOk());
}

TEST(ShopifySignature, MissingOrEmptyHeaderFails) {
  const std::string body = readFixture(std::string(kVectorBody));
  for (std::string_view header : {"", "   ", "\t\r\n"}) {
    const core::Status s = verifyWebhookHmac(header, body, secrets({kVectorSecret}));
    EXPECT_EQ(s.code(), core::Status::Code::kUnauthenticated);
  }
}

TEST(ShopifySignature, ToleratesSurroundingWhitespace) {
  const std::string body = readFixture(std::string(kVectorBody));
  const std::string padded = " \t" + std::string(kVectorHmac) + " \r\n";
  EXPECT_TRUE(verifyWebhookHmac(padded, body, secrets({kVectorSecret})).isOk());
}

TEST(ShopifySignature, MalformedHeaderFailsAsUnauthenticated) {
  const std::string body = readFixture(std::string(kVectorBody));
  const std::string valid(kVectorHmac);
  for (const std::string& header :
       {std::string("not base64!"), valid.substr(0, valid.size() - 4),
        valid + "AAAA",                                                   // 35 bytes
        std::string("hvTE9wpDzMcDnPEuHWv YZ58ElKn5vHs0LomurfNIuUc=")}) {  // inner space
    const core::Status s = verifyWebhookHmac(header, body, secrets({kVectorSecret}));
    EXPECT_EQ(s.code(), core::Status::Code::kUnauthenticated) << header;
  }
}

TEST(ShopifySignature, EmptySecretsAreNeverAKey) {
  const std::string body = readFixture(std::string(kVectorBody));
  const std::string empty_key_hmac = computeWebhookHmac("", body);
  EXPECT_FALSE(verifyWebhookHmac(empty_key_hmac, body, secrets({""})).isOk());
  EXPECT_FALSE(verifyWebhookHmac(empty_key_hmac, body, secrets({})).isOk());
  EXPECT_FALSE(verifyWebhookHmac(empty_key_hmac, body, secrets({"", "other"})).isOk());
}

TEST(ShopifySignature, PrettyPrintedAndCompactBodiesDiffer) {
  // The fixture is pretty-printed; Shopify delivers compact JSON. Same document,
  // different bytes, so a signature over one never verifies the other.
  const std::string pretty = readFixture("shopify/orders_create.json");
  const std::string compact = nlohmann::ordered_json::parse(pretty).dump();
  ASSERT_EQ(nlohmann::json::parse(pretty), nlohmann::json::parse(compact));
  ASSERT_NE(pretty, compact);
  const std::string pretty_hmac = "OG3tSTZOV/txloqPatAsPKzAkorQUPFAouVSEVH0XyQ=";
  EXPECT_TRUE(verifyWebhookHmac(pretty_hmac, pretty, secrets({"test_secret"})).isOk());
  EXPECT_FALSE(verifyWebhookHmac(pretty_hmac, compact, secrets({"test_secret"})).isOk());
  EXPECT_NE(computeWebhookHmac("test_secret", compact), pretty_hmac);
  EXPECT_TRUE(verifyWebhookHmac(computeWebhookHmac("test_secret", compact), compact,
                                secrets({"test_secret"}))
                  .isOk());
}

TEST(ShopifySignature, MessagesNeverLeakSecretOrBody) {
  const std::string body = "{\"email\":\"private@example.com\"}";
  const std::string secret = "s3cr3t-value";
  const std::vector<std::string> headers = {"", "garbage", computeWebhookHmac("other", body)};
  for (const std::string& header : headers) {
    const core::Status s = verifyWebhookHmac(header, body, secrets({secret}));
    ASSERT_FALSE(s.isOk());
    EXPECT_EQ(s.message().find(secret), std::string::npos);
    EXPECT_EQ(s.message().find("private@example.com"), std::string::npos);
    if (!header.empty()) {
      EXPECT_EQ(s.message().find(header), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace cartrelay::connectors::shopify
