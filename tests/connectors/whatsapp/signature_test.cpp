#include "connectors/whatsapp/signature.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/fixtures.h"

namespace cartrelay::whatsapp {
namespace {

using cartrelay::testing::readFixture;

// Published vector 1: a real Meta-signed delivery from pywa tests/test_server.py
// (shared/fixtures/whatsapp/SOURCES.md "X-Hub-Signature-256 test vectors").
constexpr std::string_view kSignedBody = "whatsapp/webhook_inbound_text_signed_raw_body.json";
const std::string kAppSecret = "1222e786b144d0e85b9f365372d93676";
constexpr std::string_view kSignedHeader =
    "sha256=54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441";

std::vector<std::string> secrets(std::initializer_list<std::string> s) { return s; }

std::string body() { return readFixture(std::string(kSignedBody)); }

TEST(WhatsAppSignature, PublishedMetaSignedDeliveryIsByteExact) {
  const std::string raw = body();
  ASSERT_EQ(raw.size(), 511u);
  EXPECT_EQ(computeSignatureHeader(kAppSecret, raw), kSignedHeader);
  EXPECT_TRUE(verifySignature(kSignedHeader, raw, secrets({kAppSecret})).isOk());
}

TEST(WhatsAppSignature, PublishedMinimalVector) {
  // Vector 2: hexdocs whatsapp_sdk WhatsApp.Webhook.compute_signature/2.
  const std::string header =
      "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914";
  EXPECT_EQ(computeSignatureHeader("secret", "test"), header);
  EXPECT_TRUE(verifySignature(header, "test", secrets({"secret"})).isOk());
}

TEST(WhatsAppSignature, UpperCaseHexDigitsAreAccepted) {
  std::string header(kSignedHeader);
  for (std::size_t i = 7; i < header.size(); ++i) {
    if (header[i] >= 'a' && header[i] <= 'f') header[i] = static_cast<char>(header[i] - 32);
  }
  EXPECT_TRUE(verifySignature(header, body(), secrets({kAppSecret})).isOk());
}

TEST(WhatsAppSignature, FlippedBodyByteFails) {
  const std::string raw = body();
  for (std::size_t pos : {std::size_t{0}, raw.size() / 2, raw.size() - 1}) {
    std::string tampered = raw;
    tampered[pos] = static_cast<char>(tampered[pos] ^ 0x01);
    EXPECT_EQ(verifySignature(kSignedHeader, tampered, secrets({kAppSecret})).code(),
              core::Status::Code::kUnauthenticated)
        << "pos " << pos;
  }
}

TEST(WhatsAppSignature, WrongSecretFails) {
  EXPECT_EQ(
      verifySignature(kSignedHeader, body(), secrets({"1222e786b144d0e85b9f365372d93677"})).code(),
      core::Status::Code::kUnauthenticated);
}

TEST(WhatsAppSignature, RotationAcceptsPreviousSecret) {
  const std::string raw = body();
  EXPECT_TRUE(verifySignature(kSignedHeader, raw, secrets({"new-app-secret", kAppSecret})).isOk());
  EXPECT_FALSE(verifySignature(kSignedHeader, raw, secrets({"new-app-secret"})).isOk());
}

TEST(WhatsAppSignature, MissingHeaderFails) {
  for (std::string_view header : {"", " ", "\t\r\n"}) {
    EXPECT_EQ(verifySignature(header, body(), secrets({kAppSecret})).code(),
              core::Status::Code::kUnauthenticated);
  }
}

TEST(WhatsAppSignature, ToleratesSurroundingWhitespace) {
  const std::string padded = "  " + std::string(kSignedHeader) + "\r\n";
  EXPECT_TRUE(verifySignature(padded, body(), secrets({kAppSecret})).isOk());
}

TEST(WhatsAppSignature, RejectsWrongPrefix) {
  const std::string hex(kSignedHeader.substr(7));
  for (const std::string& header : {hex, "sha1=" + hex, "SHA256=" + hex, "sha256:" + hex,
                                    "sha512=" + hex, "sha256= " + hex, "=" + hex}) {
    EXPECT_EQ(verifySignature(header, body(), secrets({kAppSecret})).code(),
              core::Status::Code::kUnauthenticated)
        << header;
  }
}

TEST(WhatsAppSignature, RejectsBadHex) {
  std::string header(kSignedHeader);
  header[10] = 'g';
  EXPECT_FALSE(verifySignature(header, body(), secrets({kAppSecret})).isOk());
  EXPECT_FALSE(
      verifySignature("sha256=" + std::string(64, 'z'), body(), secrets({kAppSecret})).isOk());
}

TEST(WhatsAppSignature, RejectsWrongLength) {
  const std::string header(kSignedHeader);
  for (const std::string& bad :
       {std::string("sha256="), header.substr(0, header.size() - 2),
        header.substr(0, header.size() - 1), header + "00", header + "0"}) {
    EXPECT_EQ(verifySignature(bad, body(), secrets({kAppSecret})).code(),
              core::Status::Code::kUnauthenticated)
        << bad;
  }
}

TEST(WhatsAppSignature, EmptySecretIsNeverAKey) {
  const std::string raw = body();
  const std::string empty_key_header = computeSignatureHeader("", raw);
  EXPECT_FALSE(verifySignature(empty_key_header, raw, secrets({""})).isOk());
  EXPECT_FALSE(verifySignature(empty_key_header, raw, secrets({})).isOk());
}

TEST(WhatsAppSignature, PrettyPrintedAndCompactBodiesDiffer) {
  // The vector body is compact, exactly as Meta sent it; re-serialising it
  // pretty (or even compact again) must not be what is verified.
  const std::string compact = body();
  const std::string pretty = nlohmann::ordered_json::parse(compact).dump(2);
  ASSERT_EQ(nlohmann::json::parse(pretty), nlohmann::json::parse(compact));
  ASSERT_NE(pretty, compact);
  EXPECT_FALSE(verifySignature(kSignedHeader, pretty, secrets({kAppSecret})).isOk());
  EXPECT_NE(computeSignatureHeader(kAppSecret, pretty), kSignedHeader);
}

TEST(WhatsAppSignature, MessagesNeverLeakSecretOrBody) {
  const std::string raw = body();
  for (const std::string& header :
       {std::string(), std::string("sha1=abc"), std::string("sha256=zz"),
        computeSignatureHeader("other", raw)}) {
    const core::Status s = verifySignature(header, raw, secrets({kAppSecret}));
    ASSERT_FALSE(s.isOk());
    EXPECT_EQ(s.message().find(kAppSecret), std::string::npos);
    EXPECT_EQ(s.message().find("wamid"), std::string::npos);
  }
}

}  // namespace
}  // namespace cartrelay::whatsapp
