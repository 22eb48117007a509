#include "core/store/domain_event_repo.h"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "core/store/detail/bind.h"
#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"

namespace cartrelay::core::store {
namespace {

using detail::NullableInt;
using detail::NullableText;

constexpr int kMaxLimit = 10000;
// payload_json is a ${TEXT} column; the same cap on both engines.
constexpr std::size_t kMaxPayloadBytes = 65535;
constexpr std::size_t kHashChars = 64;

bool isKeyedHash(const std::string& text) {
  return text.size() == kHashChars && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

struct Row {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::string kind;
  NullableInt customer_id;
  NullableInt cart_id;
  NullableInt order_id;
  NullableText subject_hash;
  NullableInt inbox_id;
  std::int64_t occurred_at_ms = 0;
  std::string payload_json;
  std::int64_t created_at_ms = 0;
};

void exchangeRow(soci::statement& st, Row& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.shop_id));
  st.exchange(soci::into(r.kind));
  st.exchange(soci::into(r.customer_id.value, r.customer_id.ind));
  st.exchange(soci::into(r.cart_id.value, r.cart_id.ind));
  st.exchange(soci::into(r.order_id.value, r.order_id.ind));
  st.exchange(soci::into(r.subject_hash.value, r.subject_hash.ind));
  st.exchange(soci::into(r.inbox_id.value, r.inbox_id.ind));
  st.exchange(soci::into(r.occurred_at_ms));
  st.exchange(soci::into(r.payload_json));
  st.exchange(soci::into(r.created_at_ms));
}

constexpr std::string_view kSelect =
    "SELECT id, shop_id, kind, customer_id, cart_id, order_id, subject_hash, inbox_id,"
    " occurred_at_ms, payload_json, created_at_ms FROM domain_events ";

Result<model::DomainEvent> decode(const Row& r) {
  model::DomainEvent e;
  e.id = r.id;
  e.shop_id = r.shop_id;
  auto kind = model::parseDomainEventKind(r.kind);
  if (!kind) {
    return Status::internal("domain_events: unknown kind in row " + std::to_string(r.id));
  }
  e.kind = *kind;
  e.customer_id = r.customer_id.get();
  e.cart_id = r.cart_id.get();
  e.order_id = r.order_id.get();
  e.subject_hash = r.subject_hash.get();
  e.inbox_id = r.inbox_id.get();
  e.occurred_at_ms = r.occurred_at_ms;
  e.payload_json = r.payload_json;
  e.created_at_ms = r.created_at_ms;
  return e;
}

}  // namespace

Result<std::int64_t> DomainEventRepo::append(soci::session& s, const model::DomainEvent& in) const {
  if (in.shop_id <= 0) return Status::invalidArgument("domain_events: missing shop id");
  if (in.payload_json.size() > kMaxPayloadBytes) {
    return Status::invalidArgument("domain_events: payload over 64 KiB");
  }
  // Parsing also rejects text that is not UTF-8, which MariaDB would refuse.
  nlohmann::json payload =
      nlohmann::json::parse(in.payload_json, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) {
    return Status::invalidArgument("domain_events: payload is not a JSON object");
  }
  if (!in.subject_hash.empty() && !isKeyedHash(in.subject_hash)) {
    return Status::invalidArgument("domain_events: subject_hash is not a keyed hash");
  }
  return detail::guarded("domain_events.append", [&]() -> Result<std::int64_t> {
    if (!detail::rowExists(s, "shops", in.shop_id)) {
      return Status::invalidArgument("domain_events: unknown shop id " +
                                     std::to_string(in.shop_id));
    }
    std::int64_t shop_id = in.shop_id;
    std::string kind(model::toString(in.kind));
    NullableInt customer_id(in.customer_id);
    NullableInt cart_id(in.cart_id);
    NullableInt order_id(in.order_id);
    NullableText subject_hash(in.subject_hash);
    NullableInt inbox_id(in.inbox_id);
    std::int64_t occurred = in.occurred_at_ms;
    std::string payload_json = in.payload_json;
    std::int64_t now = clock_.nowMillis();
    s << "INSERT INTO domain_events (shop_id, kind, customer_id, cart_id, order_id,"
         " subject_hash, inbox_id, occurred_at_ms, payload_json, created_at_ms)"
         " VALUES (:s, :k, :cu, :ca, :o, :h, :i, :oc, :p, :cr)",
        soci::use(shop_id), soci::use(kind), soci::use(customer_id.value, customer_id.ind),
        soci::use(cart_id.value, cart_id.ind), soci::use(order_id.value, order_id.ind),
        soci::use(subject_hash.value, subject_hash.ind), soci::use(inbox_id.value, inbox_id.ind),
        soci::use(occurred), soci::use(payload_json), soci::use(now);
    long long new_id = 0;
    if (!s.get_last_insert_id("domain_events", new_id)) {
      return Status::internal("domain_events: no insert id");
    }
    return static_cast<std::int64_t>(new_id);
  });
}

Result<std::vector<model::DomainEvent>> DomainEventRepo::list(soci::session& s,
                                                              const Filter& filter) const {
  if (filter.limit < 1 || filter.limit > kMaxLimit) {
    return Status::invalidArgument("domain_events: limit must be 1.." + std::to_string(kMaxLimit));
  }
  if (filter.kinds && filter.kinds->empty()) return std::vector<model::DomainEvent>();
  return detail::guarded("domain_events.list", [&]() -> Result<std::vector<model::DomainEvent>> {
    // Fixed SQL fragments with placeholders; only the values are bound.
    std::int64_t after = filter.after_id;
    std::int64_t shop = filter.shop_id.value_or(0);
    std::int64_t customer = filter.customer_id.value_or(0);
    std::vector<std::string> kinds;
    if (filter.kinds) {
      for (model::DomainEventKind kind : *filter.kinds) {
        std::string text(model::toString(kind));
        if (std::find(kinds.begin(), kinds.end(), text) == kinds.end()) kinds.push_back(text);
      }
    }
    int limit = filter.limit;
    std::string where = "WHERE id > :after";
    if (filter.shop_id) where += " AND shop_id = :shop";
    if (filter.customer_id) where += " AND customer_id = :customer";
    if (!kinds.empty()) {
      where += " AND kind IN (";
      for (std::size_t i = 0; i < kinds.size(); ++i) {
        where += (i == 0 ? ":k" : ", :k") + std::to_string(i);
      }
      where += ")";
    }
    where += " ORDER BY id LIMIT :limit";

    Row row;
    soci::statement st(s);
    exchangeRow(st, row);
    st.exchange(soci::use(after));
    if (filter.shop_id) st.exchange(soci::use(shop));
    if (filter.customer_id) st.exchange(soci::use(customer));
    for (std::string& kind : kinds) st.exchange(soci::use(kind));
    st.exchange(soci::use(limit));
    st.alloc();
    st.prepare(std::string(kSelect) + where);
    st.define_and_bind();
    st.execute();
    std::vector<model::DomainEvent> out;
    while (st.fetch()) {
      CARTRELAY_ASSIGN_OR_RETURN(model::DomainEvent e, decode(row));
      out.push_back(std::move(e));
    }
    return out;
  });
}

}  // namespace cartrelay::core::store
