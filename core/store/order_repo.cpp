#include "core/store/order_repo.h"

#include <functional>

#include <soci/soci.h>

#include "core/store/detail/bind.h"
#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/items.h"

namespace cartrelay::core::store {
namespace {

using detail::NullableInt;
using detail::NullableText;

constexpr int kMaxLimit = 10000;

struct Row {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::string platform_order_id;
  std::string name;
  NullableInt customer_id;
  NullableText checkout_token;
  NullableText cart_token;
  std::string currency;
  std::int64_t total_minor = 0;
  std::string financial_status;
  std::string fulfillment_status;
  std::int64_t placed_at_ms = 0;
  NullableInt cancelled_at_ms;
  std::int64_t platform_updated_at_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

constexpr std::string_view kSelect =
    "SELECT id, shop_id, platform_order_id, name, customer_id, checkout_token, cart_token,"
    " currency, total_minor, financial_status, fulfillment_status, placed_at_ms,"
    " cancelled_at_ms, platform_updated_at_ms, created_at_ms, updated_at_ms FROM orders ";

void exchangeRow(soci::statement& st, Row& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.shop_id));
  st.exchange(soci::into(r.platform_order_id));
  st.exchange(soci::into(r.name));
  st.exchange(soci::into(r.customer_id.value, r.customer_id.ind));
  st.exchange(soci::into(r.checkout_token.value, r.checkout_token.ind));
  st.exchange(soci::into(r.cart_token.value, r.cart_token.ind));
  st.exchange(soci::into(r.currency));
  st.exchange(soci::into(r.total_minor));
  st.exchange(soci::into(r.financial_status));
  st.exchange(soci::into(r.fulfillment_status));
  st.exchange(soci::into(r.placed_at_ms));
  st.exchange(soci::into(r.cancelled_at_ms.value, r.cancelled_at_ms.ind));
  st.exchange(soci::into(r.platform_updated_at_ms));
  st.exchange(soci::into(r.created_at_ms));
  st.exchange(soci::into(r.updated_at_ms));
}

model::Order decode(const Row& r) {
  model::Order o;
  o.id = r.id;
  o.shop_id = r.shop_id;
  o.platform_order_id = r.platform_order_id;
  o.name = r.name;
  o.customer_id = r.customer_id.get();
  o.checkout_token = r.checkout_token.get();
  o.cart_token = r.cart_token.get();
  o.total = model::Money{r.total_minor, r.currency};
  o.financial_status = r.financial_status;
  o.fulfillment_status = r.fulfillment_status;
  o.placed_at_ms = r.placed_at_ms;
  o.cancelled_at_ms = r.cancelled_at_ms.get();
  o.platform_updated_at_ms = r.platform_updated_at_ms;
  o.created_at_ms = r.created_at_ms;
  o.updated_at_ms = r.updated_at_ms;
  return o;
}

// Runs `kSelect + where`, then loads items once the cursor is done.
std::vector<model::Order> query(soci::session& s, const std::string& where,
                                const std::function<void(soci::statement&)>& bind) {
  Row row;
  soci::statement st(s);
  exchangeRow(st, row);
  bind(st);
  st.alloc();
  st.prepare(std::string(kSelect) + where);
  st.define_and_bind();
  st.execute();
  std::vector<model::Order> out;
  while (st.fetch()) out.push_back(decode(row));
  for (model::Order& o : out) {
    o.items = detail::loadItems<model::OrderItem>(s, "order_items", "order_id", o.id);
  }
  return out;
}

std::optional<model::Order> first(std::vector<model::Order> rows) {
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

}  // namespace

Result<UpsertResult> OrderRepo::upsert(soci::session& s, const model::Order& in) const {
  if (in.shop_id <= 0) return Status::invalidArgument("orders: missing shop id");
  if (in.platform_order_id.empty()) {
    return Status::invalidArgument("orders: missing platform order id");
  }
  return detail::guarded("orders.upsert", [&]() -> Result<UpsertResult> {
    const Backend backend = detail::backendOf(s);
    CARTRELAY_RETURN_IF_ERROR(
        detail::checkShopAndCustomer(s, "orders", in.shop_id, in.customer_id));
    const std::int64_t now = clock_.nowMillis();
    std::int64_t shop_id = in.shop_id;
    std::string platform_id = in.platform_order_id;

    std::int64_t id = 0;
    std::int64_t stored_updated = 0;
    s << "SELECT id, platform_updated_at_ms FROM orders"
         " WHERE shop_id = :s AND platform_order_id = :p" +
             std::string(detail::forUpdate(backend)),
        soci::use(shop_id), soci::use(platform_id), soci::into(id), soci::into(stored_updated);
    const bool exists = s.got_data();
    if (exists && in.platform_updated_at_ms < stored_updated) return UpsertResult{id, false};

    std::string name = in.name;
    NullableInt customer_id(in.customer_id);
    NullableText checkout_token(in.checkout_token);
    NullableText cart_token(in.cart_token);
    std::string currency = in.total.currency;
    std::int64_t total = in.total.minor;
    std::string financial = in.financial_status;
    std::string fulfillment = in.fulfillment_status;
    std::int64_t placed = in.placed_at_ms;
    NullableInt cancelled(in.cancelled_at_ms);
    std::int64_t updated = in.platform_updated_at_ms;

    if (!exists) {
      try {
        s << "INSERT INTO orders (shop_id, platform_order_id, name, customer_id, checkout_token,"
             " cart_token, currency, total_minor, financial_status, fulfillment_status,"
             " placed_at_ms, cancelled_at_ms, platform_updated_at_ms, created_at_ms,"
             " updated_at_ms)"
             " VALUES (:s, :p, :n, :c, :ct, :kt, :cu, :t, :fs, :fu, :pa, :ca, :pu, :cr, :up)",
            soci::use(shop_id), soci::use(platform_id), soci::use(name),
            soci::use(customer_id.value, customer_id.ind),
            soci::use(checkout_token.value, checkout_token.ind),
            soci::use(cart_token.value, cart_token.ind), soci::use(currency), soci::use(total),
            soci::use(financial), soci::use(fulfillment), soci::use(placed),
            soci::use(cancelled.value, cancelled.ind), soci::use(updated), soci::use(now),
            soci::use(now);
      } catch (const std::exception& e) {
        if (!detail::isConstraintViolation(e)) throw;
        return Status::unavailable("orders: inserted concurrently by another process; retry");
      }
      long long new_id = 0;
      if (!s.get_last_insert_id("orders", new_id)) return Status::internal("orders: no insert id");
      id = static_cast<std::int64_t>(new_id);
    } else {
      s << "UPDATE orders SET name = :n, customer_id = :c, checkout_token = :ct,"
           " cart_token = :kt, currency = :cu, total_minor = :t, financial_status = :fs,"
           " fulfillment_status = :fu, placed_at_ms = :pa, cancelled_at_ms = :ca,"
           " platform_updated_at_ms = :pu, updated_at_ms = :up WHERE id = :id",
          soci::use(name), soci::use(customer_id.value, customer_id.ind),
          soci::use(checkout_token.value, checkout_token.ind),
          soci::use(cart_token.value, cart_token.ind), soci::use(currency), soci::use(total),
          soci::use(financial), soci::use(fulfillment), soci::use(placed),
          soci::use(cancelled.value, cancelled.ind), soci::use(updated), soci::use(now),
          soci::use(id);
    }
    detail::replaceItems(s, "order_items", "order_id", id, in.items);
    return UpsertResult{id, true};
  });
}

Result<std::optional<model::Order>> OrderRepo::load(soci::session& s, std::int64_t id) const {
  return detail::guarded("orders.load", [&]() -> Result<std::optional<model::Order>> {
    std::int64_t key = id;
    return first(
        query(s, "WHERE id = :id", [&](soci::statement& st) { st.exchange(soci::use(key)); }));
  });
}

Result<std::optional<model::Order>> OrderRepo::findByPlatformId(
    soci::session& s, std::int64_t shop_id, const std::string& platform_order_id) const {
  return detail::guarded("orders.find", [&]() -> Result<std::optional<model::Order>> {
    std::int64_t shop = shop_id;
    std::string pid = platform_order_id;
    return first(
        query(s, "WHERE shop_id = :s AND platform_order_id = :p", [&](soci::statement& st) {
          st.exchange(soci::use(shop));
          st.exchange(soci::use(pid));
        }));
  });
}

Result<bool> OrderRepo::remove(soci::session& s, std::int64_t shop_id,
                               const std::string& platform_order_id) const {
  return detail::guarded("orders.remove", [&]() -> Result<bool> {
    std::int64_t shop = shop_id;
    std::string pid = platform_order_id;
    std::int64_t id = 0;
    s << "SELECT id FROM orders WHERE shop_id = :s AND platform_order_id = :p" +
             std::string(detail::forUpdate(detail::backendOf(s))),
        soci::use(shop), soci::use(pid), soci::into(id);
    if (!s.got_data()) return false;
    // Items first: the cascade is declared, but deleting them explicitly does
    // not depend on the engine enforcing it.
    s << "DELETE FROM order_items WHERE order_id = :id", soci::use(id);
    soci::statement st = (s.prepare << "DELETE FROM orders WHERE id = :id", soci::use(id));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

Result<std::vector<model::Order>> OrderRepo::list(soci::session& s, const Filter& filter) const {
  if (filter.limit < 1 || filter.limit > kMaxLimit) {
    return Status::invalidArgument("orders: limit must be 1.." + std::to_string(kMaxLimit));
  }
  return detail::guarded("orders.list", [&]() -> Result<std::vector<model::Order>> {
    // Fixed SQL fragments with placeholders; only the values are bound.
    std::int64_t after = filter.after_id;
    std::int64_t shop = filter.shop_id.value_or(0);
    std::int64_t customer = filter.customer_id.value_or(0);
    std::string token = filter.checkout_token.value_or("");
    std::int64_t since = filter.placed_since_ms.value_or(0);
    int limit = filter.limit;
    std::string where = "WHERE id > :after";
    if (filter.shop_id) where += " AND shop_id = :shop";
    if (filter.customer_id) where += " AND customer_id = :customer";
    if (filter.checkout_token) where += " AND checkout_token = :token";
    if (filter.placed_since_ms) where += " AND placed_at_ms >= :since";
    where += " ORDER BY id LIMIT :limit";
    return query(s, where, [&](soci::statement& st) {
      st.exchange(soci::use(after));
      if (filter.shop_id) st.exchange(soci::use(shop));
      if (filter.customer_id) st.exchange(soci::use(customer));
      if (filter.checkout_token) st.exchange(soci::use(token));
      if (filter.placed_since_ms) st.exchange(soci::use(since));
      st.exchange(soci::use(limit));
    });
  });
}

}  // namespace cartrelay::core::store
