#include "core/store/customer_repo.h"

#include <functional>

#include <soci/soci.h>

#include "core/store/detail/bind.h"
#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/pii.h"
#include "core/util/text.h"

namespace cartrelay::core::store {
namespace {

using detail::NullableInt;
using detail::NullableText;
using detail::RawKey;

constexpr std::string_view kColumns =
    "id, shop_id, platform_customer_id, data_key, phone_enc, phone_valid, email_enc,"
    " first_name_enc, last_name_enc, address1_enc, address2_enc, city_enc, province_enc,"
    " postal_code_enc, country_code, birthday_enc, tags, platform_updated_at_ms, created_at_ms,"
    " updated_at_ms, erased_at_ms";

// The encrypted cells, in one place so write and read agree on names/AAD.
struct EncryptedFields {
  NullableText phone, email, first_name, last_name, address1, address2, city, province, postal_code,
      birthday;
};

struct Row {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::string platform_customer_id;
  NullableText data_key;
  EncryptedFields enc;
  int phone_valid = 0;
  std::string country_code;
  std::string tags;
  std::int64_t platform_updated_at_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  NullableInt erased_at_ms;
};

void exchangeRow(soci::statement& st, Row& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.shop_id));
  st.exchange(soci::into(r.platform_customer_id));
  st.exchange(soci::into(r.data_key.value, r.data_key.ind));
  st.exchange(soci::into(r.enc.phone.value, r.enc.phone.ind));
  st.exchange(soci::into(r.phone_valid));
  st.exchange(soci::into(r.enc.email.value, r.enc.email.ind));
  st.exchange(soci::into(r.enc.first_name.value, r.enc.first_name.ind));
  st.exchange(soci::into(r.enc.last_name.value, r.enc.last_name.ind));
  st.exchange(soci::into(r.enc.address1.value, r.enc.address1.ind));
  st.exchange(soci::into(r.enc.address2.value, r.enc.address2.ind));
  st.exchange(soci::into(r.enc.city.value, r.enc.city.ind));
  st.exchange(soci::into(r.enc.province.value, r.enc.province.ind));
  st.exchange(soci::into(r.enc.postal_code.value, r.enc.postal_code.ind));
  st.exchange(soci::into(r.country_code));
  st.exchange(soci::into(r.enc.birthday.value, r.enc.birthday.ind));
  st.exchange(soci::into(r.tags));
  st.exchange(soci::into(r.platform_updated_at_ms));
  st.exchange(soci::into(r.created_at_ms));
  st.exchange(soci::into(r.updated_at_ms));
  st.exchange(soci::into(r.erased_at_ms.value, r.erased_at_ms.ind));
}

std::string joinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& tag : tags) {
    if (tag.empty()) continue;
    if (!out.empty()) out += ',';
    out += tag;
  }
  return out;
}

std::vector<std::string> splitTags(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    std::size_t comma = text.find(',', start);
    std::string tag =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!tag.empty()) out.push_back(std::move(tag));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string trim(std::string_view text) { return std::string(trimAsciiWhitespace(text)); }

// Calls fn(plaintext member, encrypted cell, "customers.<field>") for each
// encrypted field.
template <typename Customer, typename Fn>
Status forEachField(Customer& c, EncryptedFields& enc, Fn&& fn) {
  CARTRELAY_RETURN_IF_ERROR(fn(c.phone, enc.phone, "customers.phone"));
  CARTRELAY_RETURN_IF_ERROR(fn(c.email, enc.email, "customers.email"));
  CARTRELAY_RETURN_IF_ERROR(fn(c.first_name, enc.first_name, "customers.first_name"));
  CARTRELAY_RETURN_IF_ERROR(fn(c.last_name, enc.last_name, "customers.last_name"));
  CARTRELAY_RETURN_IF_ERROR(fn(c.address.address1, enc.address1, "customers.address1"));
  CARTRELAY_RETURN_IF_ERROR(fn(c.address.address2, enc.address2, "customers.address2"));
  CARTRELAY_RETURN_IF_ERROR(fn(c.address.city, enc.city, "customers.city"));
  CARTRELAY_RETURN_IF_ERROR(fn(c.address.province, enc.province, "customers.province"));
  CARTRELAY_RETURN_IF_ERROR(fn(c.address.postal_code, enc.postal_code, "customers.postal_code"));
  CARTRELAY_RETURN_IF_ERROR(fn(c.birthday, enc.birthday, "customers.birthday"));
  return Status::ok();
}

}  // namespace

std::string CustomerRepo::normaliseEmail(std::string_view email) {
  return asciiLower(trimAsciiWhitespace(email));
}

namespace {

// Reads every row of a SELECT <kColumns> ... statement and decrypts it.
class Reader {
 public:
  explicit Reader(const KeyRing& keys) : keys_(keys) {}

  Result<std::vector<model::Customer>> run(soci::session& s, const std::string& where,
                                           const std::function<void(soci::statement&)>& bind) {
    Row row;
    soci::statement st(s);
    exchangeRow(st, row);
    bind(st);
    st.alloc();
    st.prepare("SELECT " + std::string(kColumns) + " FROM customers " + where);
    st.define_and_bind();
    st.execute();
    std::vector<model::Customer> out;
    while (st.fetch()) {
      CARTRELAY_ASSIGN_OR_RETURN(model::Customer c, decode(row));
      out.push_back(std::move(c));
    }
    return out;
  }

 private:
  Result<model::Customer> decode(Row& r) {
    model::Customer c;
    c.id = r.id;
    c.shop_id = r.shop_id;
    c.platform_customer_id = r.platform_customer_id;
    c.phone_valid = r.phone_valid != 0;
    c.address.country_code = r.country_code;
    c.tags = splitTags(r.tags);
    c.platform_updated_at_ms = r.platform_updated_at_ms;
    c.created_at_ms = r.created_at_ms;
    c.updated_at_ms = r.updated_at_ms;
    c.erased = r.erased_at_ms.get().has_value();
    if (c.erased || r.data_key.ind != soci::i_ok) return c;
    CARTRELAY_ASSIGN_OR_RETURN(RawKey key, detail::unwrapRowKey(keys_.cipher(), r.data_key.value));
    std::int64_t id = r.id;
    CARTRELAY_RETURN_IF_ERROR(forEachField(
        c, r.enc, [&](std::string& plain, NullableText& cell, std::string_view name) -> Status {
          CARTRELAY_ASSIGN_OR_RETURN(plain, detail::openCell(key, cell.get(), name, id));
          return Status::ok();
        }));
    return c;
  }

  const KeyRing& keys_;
};

}  // namespace

Result<UpsertResult> CustomerRepo::upsert(soci::session& s, const model::Customer& in) const {
  if (in.shop_id <= 0) return Status::invalidArgument("customers: missing shop id");
  if (in.platform_customer_id.empty()) {
    return Status::invalidArgument("customers: missing platform customer id");
  }
  return detail::guarded("customers.upsert", [&]() -> Result<UpsertResult> {
    const Backend backend = detail::backendOf(s);
    const std::int64_t now = clock_.nowMillis();
    std::int64_t shop_id = in.shop_id;
    std::string platform_id = in.platform_customer_id;

    std::int64_t id = 0;
    std::int64_t stored_updated = 0;
    NullableText data_key;
    NullableInt erased_at;
    s << "SELECT id, data_key, platform_updated_at_ms, erased_at_ms FROM customers"
         " WHERE shop_id = :s AND platform_customer_id = :p" +
             std::string(detail::forUpdate(backend)),
        soci::use(shop_id), soci::use(platform_id), soci::into(id),
        soci::into(data_key.value, data_key.ind), soci::into(stored_updated),
        soci::into(erased_at.value, erased_at.ind);
    const bool exists = s.got_data();

    if (exists && (erased_at.get() || in.platform_updated_at_ms < stored_updated)) {
      return UpsertResult{id, false};
    }

    RawKey key;
    if (exists) {
      if (data_key.ind != soci::i_ok) return Status::internal("customers: row without data key");
      CARTRELAY_ASSIGN_OR_RETURN(key, detail::unwrapRowKey(keys_.cipher(), data_key.value));
    } else {
      CARTRELAY_ASSIGN_OR_RETURN(detail::NewKey fresh, detail::newRowKey(keys_.cipher()));
      key = std::move(fresh.key);
      std::string empty_tags;
      std::string no_country;
      int invalid = 0;
      try {
        s << "INSERT INTO customers (shop_id, platform_customer_id, data_key, phone_valid,"
             " country_code, tags, platform_updated_at_ms, created_at_ms, updated_at_ms)"
             " VALUES (:s, :p, :k, :v, :c, :t, :u, :ca, :ua)",
            soci::use(shop_id), soci::use(platform_id), soci::use(fresh.wrapped),
            soci::use(invalid), soci::use(no_country), soci::use(empty_tags),
            soci::use(stored_updated), soci::use(now), soci::use(now);
      } catch (const std::exception& e) {
        if (!detail::isConstraintViolation(e)) throw;
        return Status::unavailable("customers: inserted concurrently by another process; retry");
      }
      long long new_id = 0;
      if (!s.get_last_insert_id("customers", new_id)) {
        return Status::internal("customers: no insert id");
      }
      id = static_cast<std::int64_t>(new_id);
    }

    // Encrypt every personal field under the row key, bound to this row id.
    model::Customer c = in;
    EncryptedFields enc;
    CARTRELAY_RETURN_IF_ERROR(forEachField(
        c, enc, [&](std::string& plain, NullableText& cell, std::string_view name) -> Status {
          CARTRELAY_ASSIGN_OR_RETURN(std::string sealed, detail::sealCell(key, plain, name, id));
          cell = NullableText(std::move(sealed));
          return Status::ok();
        }));
    const std::string phone = trim(in.phone);
    const std::string email = normaliseEmail(in.email);
    NullableText phone_hash(phone.empty() ? "" : keys_.hasher().hash("phone", phone));
    NullableText email_hash(email.empty() ? "" : keys_.hasher().hash("email", email));
    int phone_valid = in.phone_valid ? 1 : 0;
    std::string country = in.address.country_code;
    std::string tags = joinTags(in.tags);
    std::int64_t platform_updated = in.platform_updated_at_ms;

    soci::statement st(s);
    for (NullableText* cell : {&enc.phone, &phone_hash, &enc.email, &email_hash, &enc.first_name,
                               &enc.last_name, &enc.address1, &enc.address2, &enc.city,
                               &enc.province, &enc.postal_code, &enc.birthday}) {
      st.exchange(soci::use(cell->value, cell->ind));
    }
    st.exchange(soci::use(phone_valid));
    st.exchange(soci::use(country));
    st.exchange(soci::use(tags));
    st.exchange(soci::use(platform_updated));
    st.exchange(soci::use(now));
    st.exchange(soci::use(id));
    st.alloc();
    st.prepare(
        "UPDATE customers SET phone_enc = :a, phone_hash = :b, email_enc = :c, email_hash = :d,"
        " first_name_enc = :e, last_name_enc = :f, address1_enc = :g, address2_enc = :h,"
        " city_enc = :i, province_enc = :j, postal_code_enc = :k, birthday_enc = :l,"
        " phone_valid = :m, country_code = :n, tags = :o, platform_updated_at_ms = :p,"
        " updated_at_ms = :q WHERE id = :r");
    st.define_and_bind();
    st.execute(true);
    return UpsertResult{id, true};
  });
}

Result<std::optional<model::Customer>> CustomerRepo::load(soci::session& s, std::int64_t id) const {
  return detail::guarded("customers.load", [&]() -> Result<std::optional<model::Customer>> {
    std::int64_t key = id;
    CARTRELAY_ASSIGN_OR_RETURN(std::vector<model::Customer> rows,
                               Reader(keys_).run(s, "WHERE id = :id", [&](soci::statement& st) {
                                 st.exchange(soci::use(key));
                               }));
    if (rows.empty()) return std::optional<model::Customer>();
    return std::optional<model::Customer>(std::move(rows.front()));
  });
}

Result<std::optional<model::Customer>> CustomerRepo::findByPlatformId(
    soci::session& s, std::int64_t shop_id, const std::string& platform_customer_id) const {
  return detail::guarded("customers.find", [&]() -> Result<std::optional<model::Customer>> {
    std::int64_t shop = shop_id;
    std::string pid = platform_customer_id;
    CARTRELAY_ASSIGN_OR_RETURN(
        std::vector<model::Customer> rows,
        Reader(keys_).run(s, "WHERE shop_id = :s AND platform_customer_id = :p",
                          [&](soci::statement& st) {
                            st.exchange(soci::use(shop));
                            st.exchange(soci::use(pid));
                          }));
    if (rows.empty()) return std::optional<model::Customer>();
    return std::optional<model::Customer>(std::move(rows.front()));
  });
}

namespace {

// Customers whose `column` (phone_hash / email_hash) equals `hash`, of one
// shop or of all.
Result<std::vector<model::Customer>> findByHash(soci::session& s, const KeyRing& keys,
                                                const char* column, std::string hash,
                                                std::optional<std::int64_t> shop_id) {
  std::int64_t shop = shop_id.value_or(0);
  std::string where = "WHERE " + std::string(column) + " = :h";
  if (shop_id) where += " AND shop_id = :s";
  where += " ORDER BY id";
  return Reader(keys).run(s, where, [&](soci::statement& st) {
    st.exchange(soci::use(hash));
    if (shop_id) st.exchange(soci::use(shop));
  });
}

}  // namespace

Result<std::vector<model::Customer>> CustomerRepo::findByPhone(
    soci::session& s, const std::string& phone, std::optional<std::int64_t> shop_id) const {
  const std::string normalised = trim(phone);
  if (normalised.empty()) return std::vector<model::Customer>();
  return detail::guarded("customers.find_by_phone", [&]() -> Result<std::vector<model::Customer>> {
    return findByHash(s, keys_, "phone_hash", keys_.hasher().hash("phone", normalised), shop_id);
  });
}

Result<std::vector<model::Customer>> CustomerRepo::findByEmail(
    soci::session& s, const std::string& email, std::optional<std::int64_t> shop_id) const {
  const std::string normalised = normaliseEmail(email);
  if (normalised.empty()) return std::vector<model::Customer>();
  return detail::guarded("customers.find_by_email", [&]() -> Result<std::vector<model::Customer>> {
    return findByHash(s, keys_, "email_hash", keys_.hasher().hash("email", normalised), shop_id);
  });
}

Status CustomerRepo::eraseDataKey(soci::session& s, std::int64_t id) const {
  return detail::guarded("customers.erase", [&]() -> Status {
    std::int64_t key = id;
    std::int64_t now = clock_.nowMillis();
    soci::statement st =
        (s.prepare << "UPDATE customers SET data_key = NULL, phone_hash = NULL, email_hash = NULL,"
                      " erased_at_ms = COALESCE(erased_at_ms, :n), updated_at_ms = :u"
                      " WHERE id = :id",
         soci::use(now), soci::use(now), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Status::notFound("customers: no such customer");
    // The recovery links of the customer's carts were sealed under per-cart
    // keys; destroy those too.
    s << "UPDATE carts SET data_key = NULL WHERE customer_id = :id", soci::use(key);
    return Status::ok();
  });
}

}  // namespace cartrelay::core::store
