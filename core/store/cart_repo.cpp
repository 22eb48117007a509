#include "core/store/cart_repo.h"

#include <functional>

#include <soci/soci.h>

#include "core/store/detail/bind.h"
#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/items.h"
#include "core/store/detail/pii.h"

namespace cartrelay::core::store {
namespace {

using detail::NullableInt;
using detail::NullableText;
using detail::RawKey;

constexpr std::string_view kRecoveryUrl = "carts.recovery_url";
constexpr int kMaxLimit = 10000;

struct Row {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::string platform_cart_id;
  NullableText cart_token;
  NullableInt customer_id;
  std::string currency;
  std::int64_t total_minor = 0;
  NullableText data_key;
  NullableText recovery_url_enc;
  int contact_captured = 0;
  std::string state;
  std::int64_t platform_created_at_ms = 0;
  std::int64_t platform_updated_at_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

void exchangeRow(soci::statement& st, Row& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.shop_id));
  st.exchange(soci::into(r.platform_cart_id));
  st.exchange(soci::into(r.cart_token.value, r.cart_token.ind));
  st.exchange(soci::into(r.customer_id.value, r.customer_id.ind));
  st.exchange(soci::into(r.currency));
  st.exchange(soci::into(r.total_minor));
  st.exchange(soci::into(r.data_key.value, r.data_key.ind));
  st.exchange(soci::into(r.recovery_url_enc.value, r.recovery_url_enc.ind));
  st.exchange(soci::into(r.contact_captured));
  st.exchange(soci::into(r.state));
  st.exchange(soci::into(r.platform_created_at_ms));
  st.exchange(soci::into(r.platform_updated_at_ms));
  st.exchange(soci::into(r.created_at_ms));
  st.exchange(soci::into(r.updated_at_ms));
}

constexpr std::string_view kSelect =
    "SELECT id, shop_id, platform_cart_id, cart_token, customer_id, currency, total_minor, "
    "data_key,"
    " recovery_url_enc, contact_captured, state, platform_created_at_ms, platform_updated_at_ms,"
    " created_at_ms, updated_at_ms FROM carts ";

Result<model::Cart> decode(const KeyRing& keys, const Row& r) {
  model::Cart c;
  c.id = r.id;
  c.shop_id = r.shop_id;
  c.platform_cart_id = r.platform_cart_id;
  c.cart_token = r.cart_token.get();
  c.customer_id = r.customer_id.get();
  c.total = model::Money{r.total_minor, r.currency};
  c.contact_captured = r.contact_captured != 0;
  auto state = model::parseCartState(r.state);
  if (!state) return Status::internal("carts: unknown state value in row " + std::to_string(r.id));
  c.state = *state;
  c.platform_created_at_ms = r.platform_created_at_ms;
  c.platform_updated_at_ms = r.platform_updated_at_ms;
  c.created_at_ms = r.created_at_ms;
  c.updated_at_ms = r.updated_at_ms;
  if (r.data_key.ind == soci::i_ok && r.recovery_url_enc.ind == soci::i_ok) {
    CARTRELAY_ASSIGN_OR_RETURN(RawKey key, detail::unwrapRowKey(keys.cipher(), r.data_key.value));
    CARTRELAY_ASSIGN_OR_RETURN(c.recovery_url,
                               detail::openCell(key, r.recovery_url_enc.value, kRecoveryUrl, r.id));
  }
  return c;
}

// Runs `kSelect + where`, decodes every row, then loads the items (after the
// cursor is done, so no two statements are open on the session at once).
Result<std::vector<model::Cart>> query(soci::session& s, const KeyRing& keys,
                                       const std::string& where,
                                       const std::function<void(soci::statement&)>& bind) {
  Row row;
  soci::statement st(s);
  exchangeRow(st, row);
  bind(st);
  st.alloc();
  st.prepare(std::string(kSelect) + where);
  st.define_and_bind();
  st.execute();
  std::vector<model::Cart> out;
  while (st.fetch()) {
    CARTRELAY_ASSIGN_OR_RETURN(model::Cart c, decode(keys, row));
    out.push_back(std::move(c));
  }
  for (model::Cart& c : out) {
    c.items = detail::loadItems<model::CartItem>(s, "cart_items", "cart_id", c.id);
  }
  return out;
}

Result<std::optional<model::Cart>> first(Result<std::vector<model::Cart>> rows) {
  if (!rows.isOk()) return rows.status();
  if (rows->empty()) return std::optional<model::Cart>();
  return std::optional<model::Cart>(std::move(rows->front()));
}

}  // namespace

Result<UpsertResult> CartRepo::upsert(soci::session& s, const model::Cart& in) const {
  if (in.shop_id <= 0) return Status::invalidArgument("carts: missing shop id");
  if (in.platform_cart_id.empty())
    return Status::invalidArgument("carts: missing platform cart id");
  return detail::guarded("carts.upsert", [&]() -> Result<UpsertResult> {
    const Backend backend = detail::backendOf(s);
    CARTRELAY_RETURN_IF_ERROR(detail::checkShopAndCustomer(s, "carts", in.shop_id, in.customer_id));
    const std::int64_t now = clock_.nowMillis();
    std::int64_t shop_id = in.shop_id;
    std::string platform_id = in.platform_cart_id;

    std::int64_t id = 0;
    std::int64_t stored_updated = 0;
    NullableText data_key;
    s << "SELECT id, platform_updated_at_ms, data_key FROM carts"
         " WHERE shop_id = :s AND platform_cart_id = :p" +
             std::string(detail::forUpdate(backend)),
        soci::use(shop_id), soci::use(platform_id), soci::into(id), soci::into(stored_updated),
        soci::into(data_key.value, data_key.ind);
    const bool exists = s.got_data();
    if (exists && in.platform_updated_at_ms < stored_updated) return UpsertResult{id, false};

    // Reuse the cart's key; make one if it has none yet (or it was erased).
    RawKey key;
    if (data_key.ind == soci::i_ok) {
      CARTRELAY_ASSIGN_OR_RETURN(key, detail::unwrapRowKey(keys_.cipher(), data_key.value));
    } else {
      CARTRELAY_ASSIGN_OR_RETURN(detail::NewKey fresh, detail::newRowKey(keys_.cipher()));
      key = std::move(fresh.key);
      data_key = NullableText(std::move(fresh.wrapped));
    }

    NullableText cart_token(in.cart_token);
    NullableInt customer_id(in.customer_id);
    std::string currency = in.total.currency;
    std::int64_t total = in.total.minor;
    int contact = in.contact_captured ? 1 : 0;
    std::string state(model::toString(in.state));
    std::int64_t created = in.platform_created_at_ms;
    std::int64_t updated = in.platform_updated_at_ms;

    if (!exists) {
      try {
        s << "INSERT INTO carts (shop_id, platform_cart_id, customer_id, currency, total_minor,"
             " data_key, contact_captured, state, platform_created_at_ms, platform_updated_at_ms,"
             " created_at_ms, updated_at_ms)"
             " VALUES (:s, :p, :c, :cu, :t, :k, :cc, :st, :pc, :pu, :ca, :ua)",
            soci::use(shop_id), soci::use(platform_id),
            soci::use(customer_id.value, customer_id.ind), soci::use(currency), soci::use(total),
            soci::use(data_key.value, data_key.ind), soci::use(contact), soci::use(state),
            soci::use(created), soci::use(updated), soci::use(now), soci::use(now);
      } catch (const std::exception& e) {
        if (!detail::isConstraintViolation(e)) throw;
        return Status::unavailable("carts: inserted concurrently by another process; retry");
      }
      long long new_id = 0;
      if (!s.get_last_insert_id("carts", new_id)) return Status::internal("carts: no insert id");
      id = static_cast<std::int64_t>(new_id);
    }

    CARTRELAY_ASSIGN_OR_RETURN(std::string sealed,
                               detail::sealCell(key, in.recovery_url, kRecoveryUrl, id));
    NullableText recovery(std::move(sealed));
    s << "UPDATE carts SET cart_token = :ct, customer_id = :c, currency = :cu, total_minor = :t, "
         "data_key = :k,"
         " recovery_url_enc = :r, contact_captured = :cc, state = :st,"
         " platform_created_at_ms = :pc, platform_updated_at_ms = :pu, updated_at_ms = :ua"
         " WHERE id = :id",
        soci::use(cart_token.value, cart_token.ind), soci::use(customer_id.value, customer_id.ind),
        soci::use(currency), soci::use(total), soci::use(data_key.value, data_key.ind),
        soci::use(recovery.value, recovery.ind), soci::use(contact), soci::use(state),
        soci::use(created), soci::use(updated), soci::use(now), soci::use(id);
    detail::replaceItems(s, "cart_items", "cart_id", id, in.items);
    return UpsertResult{id, true};
  });
}

Result<std::optional<model::Cart>> CartRepo::load(soci::session& s, std::int64_t id) const {
  return detail::guarded("carts.load", [&]() -> Result<std::optional<model::Cart>> {
    std::int64_t key = id;
    return first(query(s, keys_, "WHERE id = :id",
                       [&](soci::statement& st) { st.exchange(soci::use(key)); }));
  });
}

Result<std::optional<model::Cart>> CartRepo::findByPlatformId(
    soci::session& s, std::int64_t shop_id, const std::string& platform_cart_id) const {
  return detail::guarded("carts.find", [&]() -> Result<std::optional<model::Cart>> {
    std::int64_t shop = shop_id;
    std::string pid = platform_cart_id;
    return first(
        query(s, keys_, "WHERE shop_id = :s AND platform_cart_id = :p", [&](soci::statement& st) {
          st.exchange(soci::use(shop));
          st.exchange(soci::use(pid));
        }));
  });
}

Result<std::optional<model::Cart>> CartRepo::findByCartToken(soci::session& s, std::int64_t shop_id,
                                                             const std::string& cart_token) const {
  if (cart_token.empty()) return std::optional<model::Cart>();
  return detail::guarded("carts.find_by_cart_token", [&]() -> Result<std::optional<model::Cart>> {
    std::int64_t shop = shop_id;
    std::string token = cart_token;
    return first(query(s, keys_,
                       "WHERE shop_id = :s AND cart_token = :t"
                       " ORDER BY platform_updated_at_ms DESC, id DESC LIMIT 1",
                       [&](soci::statement& st) {
                         st.exchange(soci::use(shop));
                         st.exchange(soci::use(token));
                       }));
  });
}

Result<std::vector<model::Cart>> CartRepo::list(soci::session& s, const Filter& filter) const {
  if (filter.limit < 1 || filter.limit > kMaxLimit) {
    return Status::invalidArgument("carts: limit must be 1.." + std::to_string(kMaxLimit));
  }
  return detail::guarded("carts.list", [&]() -> Result<std::vector<model::Cart>> {
    // Fixed SQL fragments with placeholders; only the values are bound.
    std::int64_t after = filter.after_id;
    std::int64_t shop = filter.shop_id.value_or(0);
    std::int64_t customer = filter.customer_id.value_or(0);
    std::string state(filter.state ? model::toString(*filter.state) : "");
    std::int64_t before = filter.updated_before_ms.value_or(0);
    int limit = filter.limit;
    std::string where = "WHERE id > :after";
    if (filter.shop_id) where += " AND shop_id = :shop";
    if (filter.customer_id) where += " AND customer_id = :customer";
    if (filter.state) where += " AND state = :state";
    if (filter.updated_before_ms) where += " AND platform_updated_at_ms < :before";
    where += " ORDER BY id LIMIT :limit";
    return query(s, keys_, where, [&](soci::statement& st) {
      st.exchange(soci::use(after));
      if (filter.shop_id) st.exchange(soci::use(shop));
      if (filter.customer_id) st.exchange(soci::use(customer));
      if (filter.state) st.exchange(soci::use(state));
      if (filter.updated_before_ms) st.exchange(soci::use(before));
      st.exchange(soci::use(limit));
    });
  });
}

Status CartRepo::setState(soci::session& s, std::int64_t id, model::CartState state) const {
  return detail::guarded("carts.set_state", [&]() -> Status {
    std::string text(model::toString(state));
    std::int64_t now = clock_.nowMillis();
    std::int64_t key = id;
    soci::statement st = (s.prepare << "UPDATE carts SET state = :s, updated_at_ms = :u"
                                       " WHERE id = :id",
                          soci::use(text), soci::use(now), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Status::notFound("carts: no such cart");
    return Status::ok();
  });
}

}  // namespace cartrelay::core::store
