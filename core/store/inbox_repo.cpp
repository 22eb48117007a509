#include "core/store/inbox_repo.h"

#include <functional>
#include <map>
#include <vector>

#include <soci/soci.h>

#include "core/store/detail/bind.h"
#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/pii.h"
#include "core/util/compression.h"

namespace cartrelay::core::store {
namespace {

using detail::NullableInt;
using detail::NullableText;
using detail::RawKey;

constexpr std::string_view kBody = "inbox.body";

// inbox.body_format: how a row's body is stored.
//   kSealedToRowId    FieldCipher text of the raw body, associated data
//                     "inbox.body:<id>" (rows written before schema 3);
//   kLz4SealedToDelivery  FieldCipher text of the LZ4-compressed body,
//                     associated data deliveryAad(source, delivery_id).
constexpr int kSealedToRowId = 0;
constexpr int kLz4SealedToDelivery = 1;

// Bodies are capped by daemon.max_body_bytes when they arrive; this only
// bounds what a corrupt (yet authenticated) frame could make us allocate.
constexpr std::size_t kMaxBodyBytes = std::size_t{256} << 20;

// (source, delivery_id) is unique in the table, so it pins the body to its
// row as the id did; the length prefix keeps "a:b"+"c" apart from "a"+"b:c".
std::string deliveryAad(std::string_view source, std::string_view delivery_id) {
  return std::string(kBody) + ":" + std::to_string(source.size()) + ":" + std::string(source) +
         ":" + std::string(delivery_id);
}
constexpr int kMaxLimit = 10000;

// Strict UTF-8 (no overlongs, no surrogates, max U+10FFFF): MariaDB's
// utf8mb4 columns reject anything else, SQLite would store it silently.
bool validUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= text.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

struct Row {
  std::int64_t id = 0;
  std::string source;
  NullableInt shop_id;
  std::string platform;
  std::string topic;
  std::string delivery_id;
  std::string headers_json;
  NullableText data_key;
  NullableText body_enc;
  int body_format = kSealedToRowId;
  std::string state;
  NullableText reason;
  std::int64_t received_at_ms = 0;
  NullableInt processed_at_ms;
  int attempts = 0;
};

void exchangeRow(soci::statement& st, Row& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.source));
  st.exchange(soci::into(r.shop_id.value, r.shop_id.ind));
  st.exchange(soci::into(r.platform));
  st.exchange(soci::into(r.topic));
  st.exchange(soci::into(r.delivery_id));
  st.exchange(soci::into(r.headers_json));
  st.exchange(soci::into(r.data_key.value, r.data_key.ind));
  st.exchange(soci::into(r.body_enc.value, r.body_enc.ind));
  st.exchange(soci::into(r.body_format));
  st.exchange(soci::into(r.state));
  st.exchange(soci::into(r.reason.value, r.reason.ind));
  st.exchange(soci::into(r.received_at_ms));
  st.exchange(soci::into(r.processed_at_ms.value, r.processed_at_ms.ind));
  st.exchange(soci::into(r.attempts));
}

std::string selectSql(bool with_body) {
  return std::string(
             "SELECT id, source, shop_id, platform, topic, delivery_id, headers_json,"
             " data_key, ") +
         (with_body ? "body_enc" : "NULL") +
         ", body_format, state, reason, received_at_ms, processed_at_ms, attempts FROM inbox ";
}

Result<model::InboxEvent> decode(const KeyRing& keys, const Row& r) {
  model::InboxEvent e;
  e.id = r.id;
  e.source = r.source;
  e.shop_id = r.shop_id.get();
  e.platform = r.platform;
  e.topic = r.topic;
  e.delivery_id = r.delivery_id;
  e.headers_json = r.headers_json;
  auto state = model::parseInboxState(r.state);
  if (!state) return Status::internal("inbox: unknown state value in row " + std::to_string(r.id));
  e.state = *state;
  e.reason = r.reason.get();
  e.received_at_ms = r.received_at_ms;
  e.processed_at_ms = r.processed_at_ms.get();
  e.attempts = r.attempts;
  if (r.data_key.ind == soci::i_ok && r.body_enc.ind == soci::i_ok) {
    CARTRELAY_ASSIGN_OR_RETURN(RawKey key, detail::unwrapRowKey(keys.cipher(), r.data_key.value));
    if (r.body_format == kLz4SealedToDelivery) {
      CARTRELAY_ASSIGN_OR_RETURN(
          std::string frame,
          FieldCipher::decrypt(key.raw(), r.body_enc.value, deliveryAad(r.source, r.delivery_id)));
      CARTRELAY_ASSIGN_OR_RETURN(e.body, decompress(frame, kMaxBodyBytes));
    } else {
      CARTRELAY_ASSIGN_OR_RETURN(e.body, detail::openCell(key, r.body_enc.value, kBody, r.id));
    }
  }
  return e;
}

Result<std::vector<model::InboxEvent>> query(soci::session& s, const KeyRing& keys, bool with_body,
                                             const std::string& where,
                                             const std::function<void(soci::statement&)>& bind) {
  Row row;
  soci::statement st(s);
  exchangeRow(st, row);
  bind(st);
  st.alloc();
  st.prepare(selectSql(with_body) + where);
  st.define_and_bind();
  st.execute();
  std::vector<model::InboxEvent> out;
  while (st.fetch()) {
    CARTRELAY_ASSIGN_OR_RETURN(model::InboxEvent e, decode(keys, row));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Result<InboxRepo::SealedEvent> InboxRepo::seal(const model::InboxEvent& in) const {
  if (in.source.empty() || in.platform.empty() || in.topic.empty() || in.delivery_id.empty()) {
    return Status::invalidArgument("inbox: source, platform, topic and delivery id are required");
  }
  for (const std::string* text :
       {&in.source, &in.platform, &in.topic, &in.delivery_id, &in.headers_json}) {
    if (!validUtf8(*text)) return Status::invalidArgument("inbox: header text is not UTF-8");
  }
  SealedEvent sealed;
  sealed.meta.source = in.source;
  sealed.meta.shop_id = in.shop_id;
  sealed.meta.platform = in.platform;
  sealed.meta.topic = in.topic;
  sealed.meta.delivery_id = in.delivery_id;
  sealed.meta.headers_json = in.headers_json;
  sealed.meta.received_at_ms = in.received_at_ms != 0 ? in.received_at_ms : clock_.nowMillis();
  CARTRELAY_ASSIGN_OR_RETURN(detail::NewKey fresh, detail::newRowKey(keys_.cipher()));
  if (!in.body.empty()) {
    // Compressed, a typical body fits in one database page: the group
    // commit writes a quarter of the bytes and no overflow pages.
    CARTRELAY_ASSIGN_OR_RETURN(std::string frame, compress(in.body));
    CARTRELAY_ASSIGN_OR_RETURN(
        sealed.body_enc,
        FieldCipher::encrypt(fresh.key.raw(), frame, deliveryAad(in.source, in.delivery_id)));
  }
  sealed.data_key = std::move(fresh.wrapped);
  return sealed;
}

Result<std::vector<Result<std::int64_t>>> InboxRepo::insertSealed(
    soci::session& s, const std::vector<const SealedEvent*>& events) const {
  using Outcomes = std::vector<Result<std::int64_t>>;
  return detail::guarded("inbox.insert", [&]() -> Result<Outcomes> {
    // The statements read these variables by reference on every execute.
    std::string source;
    std::string delivery_id;
    std::int64_t existing = 0;
    NullableInt shop_id;
    std::string platform;
    std::string topic;
    std::string headers;
    std::string data_key;
    NullableText body;
    std::string state(model::toString(model::InboxState::kReceived));
    std::int64_t received = 0;
    int format = kLz4SealedToDelivery;
    auto prepareFind = [&] {
      return soci::statement(
          (s.prepare << "SELECT id FROM inbox WHERE source = :s AND delivery_id = :d",
           soci::use(source), soci::use(delivery_id), soci::into(existing)));
    };
    auto prepareAdd = [&] {
      return soci::statement((s.prepare << "INSERT INTO inbox (source, shop_id, platform, topic,"
                                           " delivery_id, headers_json, data_key, body_enc,"
                                           " body_format, state, received_at_ms, attempts)"
                                           " VALUES (:s, :sh, :p, :t, :d, :h, :k, :b, :a, :st,"
                                           " :r, 0)",
                              soci::use(source), soci::use(shop_id.value, shop_id.ind),
                              soci::use(platform), soci::use(topic), soci::use(delivery_id),
                              soci::use(headers), soci::use(data_key),
                              soci::use(body.value, body.ind), soci::use(format), soci::use(state),
                              soci::use(received)));
    };
    soci::statement find = prepareFind();
    soci::statement add = prepareAdd();
    std::map<std::int64_t, bool> shop_exists;  // a batch is mostly one shop

    Outcomes out;
    out.reserve(events.size());
    for (const SealedEvent* e : events) {
      source = e->meta.source;
      delivery_id = e->meta.delivery_id;
      if (find.execute(true)) {
        out.push_back(Status::duplicate("inbox: delivery already received as event " +
                                        std::to_string(existing)));
        continue;
      }
      if (e->meta.shop_id) {
        auto known = shop_exists.find(*e->meta.shop_id);
        if (known == shop_exists.end()) {
          known =
              shop_exists.emplace(*e->meta.shop_id, detail::rowExists(s, "shops", *e->meta.shop_id))
                  .first;
        }
        if (!known->second) {
          out.push_back(Status::invalidArgument("inbox: unknown shop id " +
                                                std::to_string(*e->meta.shop_id)));
          continue;
        }
      }
      shop_id = NullableInt(e->meta.shop_id);
      platform = e->meta.platform;
      topic = e->meta.topic;
      headers = e->meta.headers_json;
      data_key = e->data_key;
      body = NullableText(e->body_enc);
      received = e->meta.received_at_ms;
      try {
        add.execute(true);
      } catch (const std::exception& ex) {
        // The SELECT above found no such delivery in this transaction, so
        // only a concurrent writer can get here first (a second daemon on
        // the same MariaDB). Start the statement afresh for the next event.
        if (!detail::isConstraintViolation(ex)) throw;
        out.push_back(Status::duplicate("inbox: delivery already received"));
        add = prepareAdd();
        continue;
      }
      long long new_id = 0;
      if (!s.get_last_insert_id("inbox", new_id)) return Status::internal("inbox: no insert id");
      out.push_back(static_cast<std::int64_t>(new_id));
    }
    return out;
  });
}

Result<std::int64_t> InboxRepo::insert(soci::session& s, const model::InboxEvent& in) const {
  CARTRELAY_ASSIGN_OR_RETURN(SealedEvent sealed, seal(in));
  CARTRELAY_ASSIGN_OR_RETURN(std::vector<Result<std::int64_t>> outcomes,
                             insertSealed(s, {&sealed}));
  return std::move(outcomes.front());
}

Result<std::optional<model::InboxEvent>> InboxRepo::load(soci::session& s, std::int64_t id) const {
  return detail::guarded("inbox.load", [&]() -> Result<std::optional<model::InboxEvent>> {
    std::int64_t key = id;
    CARTRELAY_ASSIGN_OR_RETURN(std::vector<model::InboxEvent> rows,
                               query(s, keys_, true, "WHERE id = :id",
                                     [&](soci::statement& st) { st.exchange(soci::use(key)); }));
    if (rows.empty()) return std::optional<model::InboxEvent>();
    return std::optional<model::InboxEvent>(std::move(rows.front()));
  });
}

Result<std::vector<model::InboxEvent>> InboxRepo::list(soci::session& s,
                                                       const Filter& filter) const {
  if (filter.limit < 1 || filter.limit > kMaxLimit) {
    return Status::invalidArgument("inbox: limit must be 1.." + std::to_string(kMaxLimit));
  }
  return detail::guarded("inbox.list", [&]() -> Result<std::vector<model::InboxEvent>> {
    // Fixed SQL fragments with placeholders; only the values are bound.
    std::int64_t after = filter.after_id;
    std::string state(filter.state ? model::toString(*filter.state) : "");
    std::string source = filter.source.value_or("");
    std::int64_t shop = filter.shop_id.value_or(0);
    int limit = filter.limit;
    std::string where = "WHERE id > :after";
    if (filter.state) where += " AND state = :state";
    if (filter.source) where += " AND source = :source";
    if (filter.shop_id) where += " AND shop_id = :shop";
    where += " ORDER BY id LIMIT :limit";
    return query(s, keys_, filter.with_body, where, [&](soci::statement& st) {
      st.exchange(soci::use(after));
      if (filter.state) st.exchange(soci::use(state));
      if (filter.source) st.exchange(soci::use(source));
      if (filter.shop_id) st.exchange(soci::use(shop));
      st.exchange(soci::use(limit));
    });
  });
}

Status InboxRepo::markDone(soci::session& s, std::int64_t id) const {
  return setState(s, id, model::InboxState::kDone, "", "inbox.mark_done");
}

Status InboxRepo::markDuplicate(soci::session& s, std::int64_t id,
                                const std::string& reason) const {
  return setState(s, id, model::InboxState::kDuplicate, reason, "inbox.mark_duplicate");
}

Status InboxRepo::markQuarantined(soci::session& s, std::int64_t id,
                                  const std::string& reason) const {
  return setState(s, id, model::InboxState::kQuarantined, reason, "inbox.mark_quarantined");
}

Status InboxRepo::setState(soci::session& s, std::int64_t id, model::InboxState state,
                           const std::string& reason, const char* context) const {
  return detail::guarded(context, [&]() -> Status {
    std::string text(model::toString(state));
    NullableText why(reason);
    std::int64_t now = clock_.nowMillis();
    std::int64_t key = id;
    soci::statement st =
        (s.prepare << "UPDATE inbox SET state = :s, reason = :r,"
                      " processed_at_ms = :p WHERE id = :id",
         soci::use(text), soci::use(why.value, why.ind), soci::use(now), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Status::notFound("inbox: no such event");
    return Status::ok();
  });
}

Status InboxRepo::recordFailedAttempt(soci::session& s, std::int64_t id,
                                      const std::string& reason) const {
  return detail::guarded("inbox.record_failure", [&]() -> Status {
    NullableText why(reason);
    std::int64_t key = id;
    soci::statement st = (s.prepare << "UPDATE inbox SET attempts = attempts + 1, reason = :r"
                                       " WHERE id = :id",
                          soci::use(why.value, why.ind), soci::use(key));
    st.execute(true);
    if (st.get_affected_rows() == 0) return Status::notFound("inbox: no such event");
    return Status::ok();
  });
}

Status InboxRepo::requeue(soci::session& s, std::int64_t id) const {
  return detail::guarded("inbox.requeue", [&]() -> Status {
    std::string received(model::toString(model::InboxState::kReceived));
    std::string quarantined(model::toString(model::InboxState::kQuarantined));
    std::int64_t key = id;
    // One conditional UPDATE, so two operators requeueing at once cannot
    // both succeed on a row that has moved on in between.
    soci::statement st = (s.prepare << "UPDATE inbox SET state = :r, attempts = 0, reason = NULL,"
                                       " processed_at_ms = NULL WHERE id = :id AND state = :q",
                          soci::use(received), soci::use(key), soci::use(quarantined));
    st.execute(true);
    if (st.get_affected_rows() > 0) return Status::ok();
    std::string state;
    s << "SELECT state FROM inbox WHERE id = :id", soci::use(key), soci::into(state);
    if (!s.got_data()) return Status::notFound("inbox: no such event");
    return Status::invalidArgument("inbox: event " + std::to_string(id) + " is " + state +
                                   ", not quarantined");
  });
}

Result<std::int64_t> InboxRepo::deleteExpired(soci::session& s, std::int64_t processed_before_ms,
                                              std::int64_t quarantined_before_ms) const {
  return detail::guarded("inbox.delete_expired", [&]() -> Result<std::int64_t> {
    std::string done(model::toString(model::InboxState::kDone));
    std::string duplicate(model::toString(model::InboxState::kDuplicate));
    std::string quarantined(model::toString(model::InboxState::kQuarantined));
    std::int64_t processed_before = processed_before_ms;
    std::int64_t quarantined_before = quarantined_before_ms;
    // Two statements rather than one OR, so each can use its index
    // (state, processed_at_ms) / (state, id).
    soci::statement processed =
        (s.prepare << "DELETE FROM inbox WHERE state IN (:d, :u) AND processed_at_ms < :p",
         soci::use(done), soci::use(duplicate), soci::use(processed_before));
    processed.execute(true);
    std::int64_t deleted = processed.get_affected_rows();
    soci::statement stale =
        (s.prepare << "DELETE FROM inbox WHERE state = :q AND received_at_ms < :r",
         soci::use(quarantined), soci::use(quarantined_before));
    stale.execute(true);
    deleted += stale.get_affected_rows();
    return deleted;
  });
}

Result<std::map<model::InboxState, std::int64_t>> InboxRepo::countByState(soci::session& s) const {
  return detail::guarded(
      "inbox.count_by_state", [&]() -> Result<std::map<model::InboxState, std::int64_t>> {
        std::map<model::InboxState, std::int64_t> out;
        for (model::InboxState state :
             {model::InboxState::kReceived, model::InboxState::kDone, model::InboxState::kDuplicate,
              model::InboxState::kQuarantined}) {
          out[state] = 0;
        }
        std::string state;
        long long count = 0;
        soci::statement st = (s.prepare << "SELECT state, COUNT(*) FROM inbox GROUP BY state",
                              soci::into(state), soci::into(count));
        st.execute();
        while (st.fetch()) {
          auto parsed = model::parseInboxState(state);
          if (!parsed) return Status::internal("inbox: unknown state value in the table");
          out[*parsed] = static_cast<std::int64_t>(count);
        }
        return out;
      });
}

}  // namespace cartrelay::core::store
