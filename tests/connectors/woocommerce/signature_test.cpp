#include "connectors/woocommerce/signature.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"

namespace cartrelay::connectors::woocommerce {
namespace {

using cartrelay::testing::readFixture;

// Published vector: woocommerce/woocommerce
// plugins/woocommerce/tests/legacy/unit-tests/webhooks/crud.php test_generate_signature
// (shared/fixtures/woocommerce/SOURCES.md): key "", body "secret".
constexpr std::string_view kVectorBody = "secret";
constexpr std::string_view kVectorSignature = "GBDo00G55h6IiV+6CxqivQPLbI//KzaOZm747971tPs=";

// Derived (SOURCES.md "Derived signatures"): key test_secret over the exact fixture bytes.
constexpr std::string_view kOrderFixture = "woocommerce/order_created.json";
constexpr std::string_view kOrderSignature = "dbd8cN7BISGillqMsi0zMR+0Y9kuiw/6Hcjf+nwkYE0=";

std::vector<std::string> secrets(std::initializer_list<std::string> s) { return s; }

TEST(WooSignature, PublishedVectorIsByteExact) {
  EXPECT_EQ(computeWebhookSignature("", kVectorBody), kVectorSignature);
  // Derived control from the same SOURCES.md: key "secret", body "secret".
  EXPECT_EQ(computeWebhookSignature("secret", kVectorBody),
            "IQ09J2BdDuc3lSKUJlQAp8uhCXRq+s2EucsBOb9rfjo=");
  EXPECT_TRUE(verifyWebhookSignature("IQ09J2BdDuc3lSKUJlQAp8uhCXRq+s2EucsBOb9rfjo=", kVectorBody,
                                     secrets({"secret"}))
                  .isOk());
}

TEST(WooSignature, EmptySecretIsRefusedEvenThoughWooCommerceSignsWithIt) {
  // The published vector is what WooCommerce sends for a webhook without a
  // secret; anyone can compute it, so it must not authenticate anything.
  const core::Status s = verifyWebhookSignature(kVectorSignature, kVectorBody, secrets({""}));
  EXPECT_EQ(s.code(), core::Status::Code::kUnauthenticated);
  EXPECT_FALSE(verifyWebhookSignature(kVectorSignature, kVectorBody, secrets({})).isOk());
}

TEST(WooSignature, DerivedFixtureSignatures) {
  EXPECT_TRUE(verifyWebhookSignature(kOrderSignature, readFixture(std::string(kOrderFixture)),
                                     secrets({"test_secret"}))
                  .isOk());
  EXPECT_TRUE(verifyWebhookSignature("sNckI1YvbX9ghicGcBF4n4gwzNFfma5ZPf5c18+Ti0I=",
                                     readFixture("woocommerce/customer_created.json"),
                                     secrets({"test_secret"}))
                  .isOk());
}

TEST(WooSignature, FlippedBodyByteFails) {
  const std::string body = readFixture(std::string(kOrderFixture));
  for (std::size_t pos : {std::size_t{0}, body.size() / 2, body.size() - 1}) {
    std::string tampered = body;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
    EXPECT_EQ(verifyWebhookSignature(kOrderSignature, tampered, secrets({"test_secret"})).code(),
              core::Status::Code::kUnauthenticated)
        << "pos " << pos;
  }
}

TEST(WooSignature, WrongSecretFails) {
  const std::string body = readFixture(std::string(kOrderFixture));
  EXPECT_EQ(verifyWebhookSignature(kOrderSignature, body, secrets({"test_secreT"})).code(),
            core::Status::Code::kUnauthenticated);
}

TEST(WooSignature, RotationAcceptsPreviousSecret) {
  const std::string body = readFixture(std::string(kOrderFixture));
  EXPECT_TRUE(
      verifyWebhookSignature(kOrderSignature, body, secrets({"new-secret", "test_secret"})).isOk());
  EXPECT_FALSE(verifyWebhookSignature(kOrderSignature, body, secrets({"new-secret"})).isOk());
}

TEST(WooSignature, MissingHeaderFails) {
  const std::string body = readFixture(std::string(kOrderFixture));
  for (std::string_view header : {"", "  ", "\r\n"}) {
    EXPECT_EQ(verifyWebhookSignature(header, body, secrets({"test_secret"})).code(),
              core::Status::Code::kUnauthenticated);
  }
}

TEST(WooSignature, ToleratesSurroundingWhitespaceButNotGarbage) {
  const std::string body = readFixture(std::string(kOrderFixture));
  const std::string padded = "  " + std::string(kOrderSignature) + "\t";
  EXPECT_TRUE(verifyWebhookSignature(padded, body, secrets({"test_secret"})).isOk());
  EXPECT_FALSE(verifyWebhookSignature("%%%", body, secrets({"test_secret"})).isOk());
  EXPECT_FALSE(verifyWebhookSignature("c2hvcnQ=", body, secrets({"test_secret"})).isOk());
}

TEST(WooSignature, PrettyPrintedAndCompactBodiesDiffer) {
  // The fixture is the docs' pretty form; WooCommerce delivers
  // trim(wp_json_encode(...)), i.e. compact bytes.
  const std::string pretty = readFixture(std::string(kOrderFixture));
  const std::string compact = nlohmann::ordered_json::parse(pretty).dump();
  ASSERT_EQ(nlohmann::json::parse(pretty), nlohmann::json::parse(compact));
  ASSERT_NE(pretty, compact);
  EXPECT_FALSE(verifyWebhookSignature(kOrderSignature, compact, secrets({"test_secret"})).isOk());
  EXPECT_NE(computeWebhookSignature("test_secret", compact), kOrderSignature);
}

TEST(WooSignature, MessagesNeverLeakSecretOrBody) {
  const std::string body = "{\"billing\":{\"phone\":\"+905321234567\"}}";
  const std::string secret = "wc-s3cr3t";
  for (const std::string& header :
       {std::string(), std::string("garbage"), computeWebhookSignature("x", body)}) {
    const core::Status s = verifyWebhookSignature(header, body, secrets({secret}));
    ASSERT_FALSE(s.isOk());
    EXPECT_EQ(s.message().find(secret), std::string::npos);
    EXPECT_EQ(s.message().find("+905321234567"), std::string::npos);
  }
}

TEST(WooPing, RecognisesCreationPing) {
  EXPECT_TRUE(isCreationPing("webhook_id=1"));
  EXPECT_TRUE(isCreationPing("webhook_id=12345"));
  EXPECT_TRUE(isCreationPing("webhook_id=18446744073709551615"));
}

TEST(WooPing, RejectsEverythingElse) {
  EXPECT_FALSE(isCreationPing(""));
  EXPECT_FALSE(isCreationPing("webhook_id="));
  EXPECT_FALSE(isCreationPing("webhook_id=-1"));
  EXPECT_FALSE(isCreationPing("webhook_id=12a"));
  EXPECT_FALSE(isCreationPing("webhook_id=1 "));
  EXPECT_FALSE(isCreationPing(" webhook_id=1"));
  EXPECT_FALSE(isCreationPing("webhook_id=1&x=2"));
  EXPECT_FALSE(isCreationPing("Webhook_id=1"));
  EXPECT_FALSE(isCreationPing("webhook_id=123456789012345678901"));  // 21 digits
  EXPECT_FALSE(isCreationPing("{\"webhook_id\":1}"));
  EXPECT_FALSE(isCreationPing(readFixture(std::string(kOrderFixture))));
}

}  // namespace
}  // namespace cartrelay::connectors::woocommerce
