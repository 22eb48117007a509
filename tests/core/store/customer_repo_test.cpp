#include "core/store/customer_repo.h"

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "core/store/cart_repo.h"
#include "core/store/database.h"
#include "core/store/shop_repo.h"
#include "core/util/crypto.h"
#include "tests/support/store_test_support.h"

namespace cartrelay::core::store {
namespace {

class CustomerRepoTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (HasFatalFailure()) return;
    openMigrated();
    customers_.emplace(*keys_, clock_);
    auto shop = db().queryTransaction([&](soci::session& s) {
      return ShopRepo(clock_).ensure(s, "acme", model::Platform::kShopify);
    });
    ASSERT_TRUE(shop.isOk()) << shop.status().toString();
    shop_id_ = *shop;
  }

  model::Customer ayse() const {
    model::Customer c;
    c.shop_id = shop_id_;
    c.platform_customer_id = "7001";
    c.phone = "+905321234567";
    c.phone_valid = true;
    c.email = "Ayse.Yilmaz@Example.com";
    c.first_name = "Ayşe";
    c.last_name = "Yılmaz";
    c.address = {"Bağdat Caddesi No: 5", "Daire 3", "İstanbul", "Kadıköy", "34710", "TR"};
    c.birthday = "1990-04-23";
    c.tags = {"vip", "sadık müşteri"};
    c.platform_updated_at_ms = 1'700'000'000'000;
    return c;
  }

  Result<UpsertResult> upsert(const model::Customer& c) {
    return db().queryTransaction([&](soci::session& s) { return customers_->upsert(s, c); });
  }

  model::Customer load(std::int64_t id) {
    auto got = db().querySession([&](soci::session& s) { return customers_->load(s, id); });
    EXPECT_TRUE(got.isOk()) << got.status().toString();
    EXPECT_TRUE(got.isOk() && got->has_value());
    return got.isOk() && got->has_value() ? **got : model::Customer{};
  }

  std::vector<std::string> rawCustomerCells() {
    std::vector<std::string> cells;
    for (auto& row : rawRows("SELECT * FROM customers")) {
      cells.insert(cells.end(), row.begin(), row.end());
    }
    return cells;
  }

  std::optional<CustomerRepo> customers_;
  std::int64_t shop_id_ = 0;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST_P(CustomerRepoTest, RoundTripIsByteExact) {
  auto up = upsert(ayse());
  ASSERT_TRUE(up.isOk()) << up.status().toString();
  EXPECT_TRUE(up->applied);
  EXPECT_GT(up->id, 0);

  model::Customer expected = ayse();
  expected.id = up->id;
  expected.created_at_ms = clock_.nowMillis();
  expected.updated_at_ms = clock_.nowMillis();
  EXPECT_EQ(load(up->id), expected);
  EXPECT_EQ(load(up->id).first_name,
            "Ay\xC5\x9F"
            "e");
  EXPECT_EQ(load(up->id).address.city, "\xC4\xB0stanbul");
}

TEST_P(CustomerRepoTest, PersonalDataIsNotStoredInClearText) {
  auto up = upsert(ayse());
  ASSERT_TRUE(up.isOk()) << up.status().toString();
  const std::vector<std::string> secrets = {
      "+905321234567", "5321234567", "Ayse.Yilmaz", "ayse.yilmaz", "Ayşe",       "Yılmaz",
      "Bağdat",        "İstanbul",   "Kadıköy",     "34710",       "1990-04-23", "Daire 3"};
  std::vector<std::string> cells = rawCustomerCells();
  ASSERT_FALSE(cells.empty());
  for (const std::string& cell : cells) {
    for (const std::string& secret : secrets) {
      EXPECT_EQ(cell.find(secret), std::string::npos) << "'" << secret << "' in " << cell;
    }
  }
  // The country and tags stay plain on purpose.
  bool country = false;
  for (const std::string& cell : cells) country = country || cell == "TR";
  EXPECT_TRUE(country);

  if (GetParam() == Backend::kSqlite) {
    // Nothing in the database file or its write-ahead log either.
    std::string bytes = slurp(scratch_->sqlitePath()) + slurp(scratch_->sqlitePath() + "-wal");
    ASSERT_FALSE(bytes.empty());
    for (const std::string& secret : secrets) {
      EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
    }
  }
}

TEST_P(CustomerRepoTest, FindByPhoneAndNormalisedEmail) {
  auto up = upsert(ayse());
  ASSERT_TRUE(up.isOk());
  auto by_phone = db().querySession(
      [&](soci::session& s) { return customers_->findByPhone(s, " +905321234567 "); });
  ASSERT_TRUE(by_phone.isOk()) << by_phone.status().toString();
  ASSERT_EQ(by_phone->size(), 1u);
  EXPECT_EQ((*by_phone)[0].id, up->id);
  EXPECT_EQ((*by_phone)[0].last_name, "Yılmaz");

  auto by_email = db().querySession(
      [&](soci::session& s) { return customers_->findByEmail(s, "  AYSE.YILMAZ@example.COM"); });
  ASSERT_TRUE(by_email.isOk());
  ASSERT_EQ(by_email->size(), 1u);
  EXPECT_EQ((*by_email)[0].id, up->id);

  auto none = db().querySession(
      [&](soci::session& s) { return customers_->findByPhone(s, "+905320000000"); });
  ASSERT_TRUE(none.isOk());
  EXPECT_TRUE(none->empty());

  auto by_platform = db().querySession(
      [&](soci::session& s) { return customers_->findByPlatformId(s, shop_id_, "7001"); });
  ASSERT_TRUE(by_platform.isOk());
  ASSERT_TRUE(by_platform->has_value());
  EXPECT_EQ((*by_platform)->id, up->id);
}

TEST_P(CustomerRepoTest, FindByPhoneAndEmailPerShop) {
  auto other = db().queryTransaction([&](soci::session& s) {
    return ShopRepo(clock_).ensure(s, "other", model::Platform::kWooCommerce);
  });
  ASSERT_TRUE(other.isOk()) << other.status().toString();
  auto mine = upsert(ayse());
  model::Customer twin = ayse();
  twin.shop_id = *other;
  twin.platform_customer_id = "w-1";
  auto theirs = upsert(twin);
  ASSERT_TRUE(mine.isOk() && theirs.isOk());

  auto ids = [](const Result<std::vector<model::Customer>>& found) {
    std::vector<std::int64_t> out;
    EXPECT_TRUE(found.isOk()) << found.status().toString();
    if (found.isOk()) {
      for (const model::Customer& c : *found) out.push_back(c.id);
    }
    return out;
  };
  using Ids = std::vector<std::int64_t>;
  auto phone = [&](std::optional<std::int64_t> shop) {
    return ids(db().querySession(
        [&](soci::session& s) { return customers_->findByPhone(s, "+905321234567", shop); }));
  };
  auto email = [&](std::optional<std::int64_t> shop) {
    return ids(db().querySession([&](soci::session& s) {
      return customers_->findByEmail(s, "ayse.yilmaz@example.com", shop);
    }));
  };
  EXPECT_EQ(phone(std::nullopt), (Ids{mine->id, theirs->id}));
  EXPECT_EQ(phone(shop_id_), (Ids{mine->id}));
  EXPECT_EQ(phone(*other), (Ids{theirs->id}));
  EXPECT_EQ(email(std::nullopt), (Ids{mine->id, theirs->id}));
  EXPECT_EQ(email(*other), (Ids{theirs->id}));
  EXPECT_EQ(email(987654), Ids{});
}

TEST_P(CustomerRepoTest, OlderUpdateNeverOverwritesNewer) {
  model::Customer c = ayse();
  auto first = upsert(c);
  ASSERT_TRUE(first.isOk());

  model::Customer stale = c;
  stale.first_name = "Eski";
  stale.platform_updated_at_ms = c.platform_updated_at_ms - 1;
  auto second = upsert(stale);
  ASSERT_TRUE(second.isOk());
  EXPECT_EQ(second->id, first->id);
  EXPECT_FALSE(second->applied);
  EXPECT_EQ(load(first->id).first_name, "Ayşe");

  model::Customer newer = c;
  newer.first_name = "Ayşegül";
  newer.phone = "+905551112233";
  newer.platform_updated_at_ms = c.platform_updated_at_ms + 1;
  clock_.advance(1000);
  auto third = upsert(newer);
  ASSERT_TRUE(third.isOk());
  EXPECT_TRUE(third->applied);
  model::Customer loaded = load(first->id);
  EXPECT_EQ(loaded.first_name, "Ayşegül");
  EXPECT_EQ(loaded.updated_at_ms, clock_.nowMillis());
  EXPECT_LT(loaded.created_at_ms, loaded.updated_at_ms);
  // The old phone no longer finds the customer; the new one does.
  auto old_phone = db().querySession(
      [&](soci::session& s) { return customers_->findByPhone(s, "+905321234567"); });
  ASSERT_TRUE(old_phone.isOk());
  EXPECT_TRUE(old_phone->empty());
}

TEST_P(CustomerRepoTest, ErasureMakesPersonalDataUnreadable) {
  auto up = upsert(ayse());
  ASSERT_TRUE(up.isOk());
  // A cart with a recovery link, sealed under its own key.
  CartRepo carts(*keys_, clock_);
  model::Cart cart;
  cart.shop_id = shop_id_;
  cart.platform_cart_id = "chk-1";
  cart.customer_id = up->id;
  cart.recovery_url = "https://acme.example/checkouts/chk-1/recover?key=abc";
  cart.platform_updated_at_ms = 1;
  auto cart_id = db().queryTransaction([&](soci::session& s) { return carts.upsert(s, cart); });
  ASSERT_TRUE(cart_id.isOk()) << cart_id.status().toString();

  std::string id = std::to_string(up->id);
  auto before = rawRows("SELECT data_key, phone_enc FROM customers WHERE id = " + id);
  ASSERT_EQ(before.size(), 1u);
  const std::string phone_enc = before[0][1];

  ASSERT_TRUE(
      db().withTransaction([&](soci::session& s) { return customers_->eraseDataKey(s, up->id); })
          .isOk());

  auto after = rawRows(
      "SELECT data_key, phone_hash, email_hash, phone_enc, erased_at_ms"
      " FROM customers WHERE id = " +
      id);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0][0], "<null>");
  EXPECT_EQ(after[0][1], "<null>");
  EXPECT_EQ(after[0][2], "<null>");
  EXPECT_EQ(after[0][3], phone_enc);  // ciphertext left behind, but its key is gone
  EXPECT_EQ(after[0][4], std::to_string(clock_.nowMillis()));
  // No key that is still stored opens it.
  for (const auto& row : rawRows("SELECT data_key FROM customers WHERE data_key IS NOT NULL")) {
    auto key = keys_->cipher().unwrap(row[0]);
    ASSERT_TRUE(key.isOk());
    EXPECT_FALSE(FieldCipher::decrypt(*key, phone_enc, "customers.phone:" + id).isOk());
  }
  auto random_key = crypto::randomBytes(32);
  ASSERT_TRUE(random_key.isOk());
  EXPECT_FALSE(FieldCipher::decrypt(*random_key, phone_enc, "customers.phone:" + id).isOk());

  model::Customer erased = load(up->id);
  EXPECT_TRUE(erased.erased);
  EXPECT_TRUE(erased.phone.empty());
  EXPECT_TRUE(erased.first_name.empty());
  EXPECT_TRUE(erased.address.city.empty());
  EXPECT_EQ(erased.address.country_code, "TR");
  auto by_phone = db().querySession(
      [&](soci::session& s) { return customers_->findByPhone(s, "+905321234567"); });
  ASSERT_TRUE(by_phone.isOk());
  EXPECT_TRUE(by_phone->empty());

  // The cart's recovery link went with the customer's erasure.
  auto cart_after = db().querySession([&](soci::session& s) { return carts.load(s, cart_id->id); });
  ASSERT_TRUE(cart_after.isOk()) << cart_after.status().toString();
  ASSERT_TRUE(cart_after->has_value());
  EXPECT_TRUE((*cart_after)->recovery_url.empty());

  // A later platform update does not bring the personal data back.
  model::Customer again = ayse();
  again.platform_updated_at_ms += 10'000;
  auto re = upsert(again);
  ASSERT_TRUE(re.isOk());
  EXPECT_FALSE(re->applied);
  EXPECT_TRUE(load(up->id).first_name.empty());

  // Erasing twice is fine; an unknown customer is kNotFound.
  EXPECT_TRUE(
      db().withTransaction([&](soci::session& s) { return customers_->eraseDataKey(s, up->id); })
          .isOk());
  EXPECT_EQ(
      db().withTransaction([&](soci::session& s) { return customers_->eraseDataKey(s, 999999); })
          .code(),
      Status::Code::kNotFound);
}

TEST_P(CustomerRepoTest, CiphertextMovedToAnotherRowDoesNotDecrypt) {
  model::Customer a = ayse();
  model::Customer b = ayse();
  b.platform_customer_id = "7002";
  b.phone = "+905559998877";
  auto ua = upsert(a);
  auto ub = upsert(b);
  ASSERT_TRUE(ua.isOk() && ub.isOk());
  auto cell = rawRows("SELECT phone_enc FROM customers WHERE id = " + std::to_string(ua->id));
  ASSERT_EQ(cell.size(), 1u);
  Status moved = db().withSession([&](soci::session& s) {
    std::string enc = cell[0][0];
    std::int64_t id = ub->id;
    s << "UPDATE customers SET phone_enc = :e WHERE id = :id", soci::use(enc), soci::use(id);
    return Status::ok();
  });
  ASSERT_TRUE(moved.isOk());
  auto got = db().querySession([&](soci::session& s) { return customers_->load(s, ub->id); });
  EXPECT_EQ(got.status().code(), Status::Code::kPermanent) << got.status().toString();
}

TEST_P(CustomerRepoTest, QuotesAndInjectionStringsAreJustData) {
  model::Customer c = ayse();
  c.platform_customer_id = "x'); DROP TABLE customers; --";
  c.first_name = "O'Brien \\ \"the\" 'quoted'";
  c.tags = {"a'b", "c\"d"};
  auto up = upsert(c);
  ASSERT_TRUE(up.isOk()) << up.status().toString();
  model::Customer loaded = load(up->id);
  EXPECT_EQ(loaded.platform_customer_id, c.platform_customer_id);
  EXPECT_EQ(loaded.first_name, c.first_name);
  EXPECT_EQ(loaded.tags, c.tags);
  EXPECT_EQ(rawRows("SELECT id FROM customers").size(), 1u);
}

TEST_P(CustomerRepoTest, RejectsMissingIdentity) {
  model::Customer c = ayse();
  c.platform_customer_id.clear();
  EXPECT_EQ(upsert(c).status().code(), Status::Code::kInvalidArgument);
  c = ayse();
  c.shop_id = 0;
  EXPECT_EQ(upsert(c).status().code(), Status::Code::kInvalidArgument);
}

TEST_P(CustomerRepoTest, EmailNormalisation) {
  EXPECT_EQ(CustomerRepo::normaliseEmail("  Ayse@Example.COM \n"), "ayse@example.com");
  // Only ASCII letters are folded: non-ASCII bytes are kept as they are.
  EXPECT_EQ(CustomerRepo::normaliseEmail("ÇİĞDEM@Örnek.COM"), "ÇİĞdem@Örnek.com");
}

CARTRELAY_STORE_SUITE(CustomerRepoTest);

}  // namespace
}  // namespace cartrelay::core::store
