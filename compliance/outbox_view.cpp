#include "compliance/outbox_view.h"

#include <soci/soci.h>

#include "core/store/detail/bind.h"
#include "core/store/detail/errors.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;

constexpr const char* kColumns =
    "SELECT id, shop_id, subject_ref, journey, step, template, purpose_class, decision, reason,"
    " state, wamid, attempts, error_code, error_reason, retry_at_ms, created_at_ms, sent_at_ms,"
    " delivered_at_ms, read_at_ms, pricing_category, pricing_type,"
    " (SELECT COALESCE(SUM(l.clicks), 0) FROM tracked_links l WHERE l.outbox_id = outbox.id)"
    " FROM outbox";

// The bound columns of one fetched row, converted after each fetch.
struct RowBuffer {
  OutboxEntry e;
  detail::NullableText reason, wamid, error_reason, pricing_category, pricing_type;
  detail::NullableInt error_code, retry_at, sent_at, delivered_at, read_at;

  void bind(soci::statement& st) {
    st.exchange(soci::into(e.id));
    st.exchange(soci::into(e.shop_id));
    st.exchange(soci::into(e.subject_ref));
    st.exchange(soci::into(e.journey));
    st.exchange(soci::into(e.step));
    st.exchange(soci::into(e.template_name));
    st.exchange(soci::into(e.purpose_class));
    st.exchange(soci::into(e.decision));
    st.exchange(soci::into(reason.value, reason.ind));
    st.exchange(soci::into(e.state));
    st.exchange(soci::into(wamid.value, wamid.ind));
    st.exchange(soci::into(e.attempts));
    st.exchange(soci::into(error_code.value, error_code.ind));
    st.exchange(soci::into(error_reason.value, error_reason.ind));
    st.exchange(soci::into(retry_at.value, retry_at.ind));
    st.exchange(soci::into(e.created_at_ms));
    st.exchange(soci::into(sent_at.value, sent_at.ind));
    st.exchange(soci::into(delivered_at.value, delivered_at.ind));
    st.exchange(soci::into(read_at.value, read_at.ind));
    st.exchange(soci::into(pricing_category.value, pricing_category.ind));
    st.exchange(soci::into(pricing_type.value, pricing_type.ind));
    st.exchange(soci::into(e.clicks));
  }

  OutboxEntry take() const {
    OutboxEntry out = e;
    out.reason = reason.get();
    out.wamid = wamid.get();
    out.error_reason = error_reason.get();
    out.pricing_category = pricing_category.get();
    out.pricing_type = pricing_type.get();
    out.error_code = static_cast<int>(error_code.get().value_or(0));
    out.retry_at_ms = retry_at.get().value_or(0);
    out.sent_at_ms = sent_at.get().value_or(0);
    out.delivered_at_ms = delivered_at.get().value_or(0);
    out.read_at_ms = read_at.get().value_or(0);
    return out;
  }
};

}  // namespace

core::Result<std::vector<OutboxEntry>> listOutbox(soci::session& s, const OutboxFilter& filter) {
  return detail::guarded("outbox.list", [&]() -> core::Result<std::vector<OutboxEntry>> {
    std::vector<OutboxEntry> out;
    RowBuffer row;
    std::int64_t after = filter.after_id;
    std::int64_t shop = filter.shop_id.value_or(0);
    std::string state = filter.state;
    int limit = filter.limit;
    std::string sql = std::string(kColumns) + " WHERE id > :after";
    if (filter.shop_id) sql += " AND shop_id = :shop";
    if (!state.empty()) sql += " AND state = :state";
    sql += " ORDER BY id LIMIT :n";
    soci::statement st(s);
    row.bind(st);
    st.exchange(soci::use(after));
    if (filter.shop_id) st.exchange(soci::use(shop));
    if (!state.empty()) st.exchange(soci::use(state));
    st.exchange(soci::use(limit));
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute();
    while (st.fetch()) out.push_back(row.take());
    return out;
  });
}

core::Result<std::optional<OutboxEntry>> loadOutboxEntry(soci::session& s, std::int64_t id) {
  return detail::guarded("outbox.load_entry", [&]() -> core::Result<std::optional<OutboxEntry>> {
    RowBuffer row;
    std::int64_t key = id;
    soci::statement st(s);
    row.bind(st);
    st.exchange(soci::use(key));
    st.alloc();
    st.prepare(std::string(kColumns) + " WHERE id = :id");
    st.define_and_bind();
    st.execute();
    if (!st.fetch()) return std::optional<OutboxEntry>();
    return std::optional<OutboxEntry>(row.take());
  });
}

}  // namespace cartrelay::compliance
