#include "compliance/audit_store.h"

#include <soci/soci.h>

#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"
#include "core/util/crypto.h"

namespace cartrelay::compliance::audit_store {
namespace {

namespace crypto = core::crypto;
namespace detail = core::store::detail;
using core::Result;
using core::Status;

constexpr int kMaxRecordsPerRead = 100000;
constexpr std::size_t kInstallIdBytes = 16;

// Decodes one hex column; a bad value empties the field and flags the row.
std::string fromHex(const std::string& hex, bool& malformed) {
  auto raw = crypto::hexDecode(hex);
  if (!raw.isOk()) {
    malformed = true;
    return std::string();
  }
  return std::move(raw).value();
}

std::string joinHex(const std::vector<std::string>& hashes) {
  std::string out;
  for (const std::string& h : hashes) {
    if (!out.empty()) out.push_back(',');
    out += crypto::hexEncode(h);
  }
  return out;
}

std::vector<std::string> splitHex(const std::string& text, bool& malformed) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(fromHex(text.substr(start, comma - start), malformed));
    start = comma + 1;
  }
  return out;
}

Result<std::optional<Head>> selectHead(soci::session& s, bool lock) {
  Head head;
  std::string hash_hex;
  soci::indicator ind = soci::i_null;
  std::string sql =
      "SELECT install_id, head_seq, head_hash, head_ts_ms FROM audit_state WHERE id = 1";
  if (lock) sql += std::string(detail::forUpdate(detail::backendOf(s)));
  s << sql, soci::into(head.install_id, ind), soci::into(head.seq), soci::into(hash_hex),
      soci::into(head.ts_ms);
  if (!s.got_data()) return std::optional<Head>();
  bool malformed = false;
  head.hash = fromHex(hash_hex, malformed);
  if (malformed || head.hash.size() != 32) {
    return Status::internal("audit_state: head hash is corrupt; run `cartrelay audit verify`");
  }
  return std::optional<Head>(std::move(head));
}

}  // namespace

Result<Head> lockHead(soci::session& s) {
  return detail::guarded("audit_state.lock", [&]() -> Result<Head> {
    CARTRELAY_ASSIGN_OR_RETURN(std::optional<Head> head, selectHead(s, /*lock=*/true));
    if (head) return std::move(*head);
    // First append of this installation. Two first appenders racing on
    // MariaDB collide on the primary key; the loser's transaction fails with
    // kUnavailable and its caller retries.
    CARTRELAY_ASSIGN_OR_RETURN(std::string random, crypto::randomBytes(kInstallIdBytes));
    Head fresh;
    fresh.install_id = crypto::hexEncode(random);
    fresh.hash = auditGenesisHash(fresh.install_id);
    std::string hash_hex = crypto::hexEncode(fresh.hash);
    s << "INSERT INTO audit_state (id, install_id, head_seq, head_hash, head_ts_ms)"
         " VALUES (1, :i, 0, :h, 0)",
        soci::use(fresh.install_id), soci::use(hash_hex);
    return fresh;
  });
}

Result<std::optional<Head>> readHead(soci::session& s) {
  return detail::guarded("audit_state.read",
                         [&]() -> Result<std::optional<Head>> { return selectHead(s, false); });
}

Status insert(soci::session& s, const AuditRecord& record, const std::string& entry_hash) {
  return detail::guarded("audit_log.insert", [&]() -> Status {
    std::int64_t seq = record.seq;
    std::int64_t ts = record.ts_ms;
    std::string prev_hex = crypto::hexEncode(record.prev_hash);
    std::string entry_hex = crypto::hexEncode(entry_hash);
    s << "INSERT INTO audit_log (seq, ts_ms, kind, actor, subject_ref, payload, prev_hash,"
         " entry_hash) VALUES (:q, :t, :k, :a, :s, :p, :ph, :eh)",
        soci::use(seq), soci::use(ts), soci::use(record.kind), soci::use(record.actor),
        soci::use(record.subject_ref), soci::use(record.payload), soci::use(prev_hex),
        soci::use(entry_hex);
    s << "UPDATE audit_state SET head_seq = :q, head_hash = :h, head_ts_ms = :t WHERE id = 1",
        soci::use(seq), soci::use(entry_hex), soci::use(ts);
    return Status::ok();
  });
}

Result<std::vector<StoredRecord>> records(soci::session& s, std::int64_t from_seq, int limit) {
  if (limit < 1 || limit > kMaxRecordsPerRead) {
    return Status::invalidArgument("audit_log: limit must be 1.." +
                                   std::to_string(kMaxRecordsPerRead));
  }
  return detail::guarded("audit_log.read", [&]() -> Result<std::vector<StoredRecord>> {
    std::int64_t first = from_seq;
    std::int64_t last = from_seq + limit;
    AuditRecord r;
    std::string prev_hex;
    std::string entry_hex;
    soci::statement st =
        (s.prepare << "SELECT seq, ts_ms, kind, actor, subject_ref, payload, prev_hash, entry_hash"
                      " FROM audit_log WHERE seq >= :f AND seq < :l ORDER BY seq",
         soci::into(r.seq), soci::into(r.ts_ms), soci::into(r.kind), soci::into(r.actor),
         soci::into(r.subject_ref), soci::into(r.payload), soci::into(prev_hex),
         soci::into(entry_hex), soci::use(first), soci::use(last));
    st.execute();
    std::vector<StoredRecord> out;
    while (st.fetch()) {
      StoredRecord stored;
      stored.record = r;
      stored.record.prev_hash = fromHex(prev_hex, stored.malformed);
      stored.entry_hash = fromHex(entry_hex, stored.malformed);
      out.push_back(std::move(stored));
    }
    return out;
  });
}

Result<Extent> extent(soci::session& s) {
  return detail::guarded("audit_log.extent", [&]() -> Result<Extent> {
    Extent e;
    long long count = 0;
    long long max_seq = 0;
    soci::indicator ind = soci::i_null;
    s << "SELECT COUNT(*), MAX(seq) FROM audit_log", soci::into(count), soci::into(max_seq, ind);
    e.count = count;
    e.max_seq = ind == soci::i_ok ? max_seq : 0;
    return e;
  });
}

Status insertCheckpoint(soci::session& s, const Checkpoint& c) {
  return detail::guarded("audit_checkpoints.insert", [&]() -> Status {
    std::int64_t size = c.tree_size;
    std::int64_t epoch = c.epoch;
    std::int64_t ts = c.ts_ms;
    std::string root = crypto::hexEncode(c.root);
    std::string key = crypto::hexEncode(c.public_key);
    std::string next_key = crypto::hexEncode(c.next_public_key);
    std::string signature = crypto::hexEncode(c.signature);
    std::string proof = joinHex(c.consistency_proof);
    s << "INSERT INTO audit_checkpoints (tree_size, epoch, ts_ms, root, public_key,"
         " next_public_key, signature, consistency_proof)"
         " VALUES (:n, :e, :t, :r, :k, :nk, :sig, :p)",
        soci::use(size), soci::use(epoch), soci::use(ts), soci::use(root), soci::use(key),
        soci::use(next_key), soci::use(signature), soci::use(proof);
    return Status::ok();
  });
}

Result<std::vector<Checkpoint>> checkpoints(soci::session& s) {
  return detail::guarded("audit_checkpoints.read", [&]() -> Result<std::vector<Checkpoint>> {
    Checkpoint c;
    std::string root;
    std::string key;
    std::string next_key;
    std::string signature;
    std::string proof;
    soci::statement st =
        (s.prepare << "SELECT tree_size, epoch, ts_ms, root, public_key, next_public_key,"
                      " signature, consistency_proof FROM audit_checkpoints ORDER BY tree_size",
         soci::into(c.tree_size), soci::into(c.epoch), soci::into(c.ts_ms), soci::into(root),
         soci::into(key), soci::into(next_key), soci::into(signature), soci::into(proof));
    st.execute();
    std::vector<Checkpoint> out;
    while (st.fetch()) {
      Checkpoint row;
      row.tree_size = c.tree_size;
      row.epoch = c.epoch;
      row.ts_ms = c.ts_ms;
      row.root = fromHex(root, row.malformed);
      row.public_key = fromHex(key, row.malformed);
      row.next_public_key = fromHex(next_key, row.malformed);
      row.signature = fromHex(signature, row.malformed);
      row.consistency_proof = splitHex(proof, row.malformed);
      out.push_back(std::move(row));
    }
    return out;
  });
}

}  // namespace cartrelay::compliance::audit_store
