#include "core/util/field_cipher.h"

#include <gtest/gtest.h>

namespace cartrelay::core {
namespace {

FieldCipher makeCipher(char fill) {
  auto c = FieldCipher::create(std::string(32, fill));
  EXPECT_TRUE(c.isOk());
  return std::move(c).value();
}

TEST(FieldCipher, EnvelopeRoundTripKeepsUtf8ByteExact) {
  FieldCipher cipher = makeCipher('m');
  auto dk = cipher.newDataKey();
  ASSERT_TRUE(dk.isOk());
  const std::string name = "Ayşe Yılmaz, İstanbul";
  auto ct = FieldCipher::encrypt(dk->raw, name, "customers.name:1");
  ASSERT_TRUE(ct.isOk());
  EXPECT_EQ(ct->rfind("v1:", 0), 0u);
  EXPECT_EQ(ct->find("Ay"), std::string::npos);

  auto raw = cipher.unwrap(dk->wrapped);
  ASSERT_TRUE(raw.isOk());
  auto pt = FieldCipher::decrypt(*raw, *ct, "customers.name:1");
  ASSERT_TRUE(pt.isOk());
  EXPECT_EQ(*pt, name);
}

TEST(FieldCipher, SamePlaintextEncryptsDifferently) {
  FieldCipher cipher = makeCipher('m');
  auto dk = cipher.newDataKey();
  ASSERT_TRUE(dk.isOk());
  auto a = FieldCipher::encrypt(dk->raw, "+905321234567", "aad");
  auto b = FieldCipher::encrypt(dk->raw, "+905321234567", "aad");
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_NE(*a, *b);
}

TEST(FieldCipher, WrongAadWrongKeyOrTamperingFailAuthentication) {
  FieldCipher cipher = makeCipher('m');
  auto dk = cipher.newDataKey();
  ASSERT_TRUE(dk.isOk());
  auto ct = FieldCipher::encrypt(dk->raw, "secret", "customers.phone:1");
  ASSERT_TRUE(ct.isOk());

  EXPECT_EQ(FieldCipher::decrypt(dk->raw, *ct, "customers.phone:2").status().code(),
            Status::Code::kPermanent);
  EXPECT_EQ(FieldCipher::decrypt(std::string(32, 'x'), *ct, "customers.phone:1").status().code(),
            Status::Code::kPermanent);

  std::string tampered = *ct;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(FieldCipher::decrypt(dk->raw, tampered, "customers.phone:1").isOk());
  EXPECT_EQ(FieldCipher::decrypt(dk->raw, "plain", "x").status().code(),
            Status::Code::kInvalidArgument);
}

TEST(FieldCipher, DataKeyWrappedByAnotherMasterIsRejected) {
  FieldCipher a = makeCipher('a');
  FieldCipher b = makeCipher('b');
  auto dk = a.newDataKey();
  ASSERT_TRUE(dk.isOk());
  EXPECT_EQ(b.unwrap(dk->wrapped).status().code(), Status::Code::kPermanent);
  EXPECT_FALSE(FieldCipher::create("too short").isOk());
}

}  // namespace
}  // namespace cartrelay::core
