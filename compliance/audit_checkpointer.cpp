#include "compliance/audit_checkpointer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "compliance/audit_key_file.h"
#include "compliance/merkle_proof.h"
#include "core/store/database.h"
#include "core/util/crypto.h"
#include "core/util/log.h"

namespace cartrelay::compliance {
namespace {

namespace crypto = core::crypto;
namespace log = core::log;
using audit_store::Checkpoint;
using core::Result;
using core::Status;

constexpr std::string_view kSignatureLabel = "cartrelay-audit-checkpoint-v1";
constexpr int kAnchorVersion = 1;
constexpr int kReadBatch = 10000;

void appendBigEndian(std::string& out, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

Status writeAnchor(const std::string& path, const std::string& line) {
  // O_APPEND: concurrent writers (a second instance) never interleave inside
  // a line of this size; fsync so an anchor that was logged survives a crash.
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return Status::unavailable(path + ": " + std::strerror(errno));
  std::string text = line + "\n";
  ssize_t written = ::write(fd, text.data(), text.size());
  int saved = errno;
  bool synced = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  if (!synced && written >= 0) saved = errno;
  ::close(fd);
  if (!synced) return Status::unavailable(path + ": " + std::strerror(saved));
  return Status::ok();
}

Result<std::string> hexField(const nlohmann::json& j, const char* key, std::size_t bytes) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) {
    return Status::invalidArgument(std::string("anchor: missing ") + key);
  }
  auto raw = crypto::hexDecode(it->get<std::string>());
  if (!raw.isOk() || raw->size() != bytes) {
    return Status::invalidArgument(std::string("anchor: bad ") + key);
  }
  return std::move(raw).value();
}

Result<std::int64_t> intField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) {
    return Status::invalidArgument(std::string("anchor: missing ") + key);
  }
  return it->get<std::int64_t>();
}

}  // namespace

std::string checkpointSignedBytes(const Checkpoint& c) {
  std::string out(kSignatureLabel);
  appendBigEndian(out, static_cast<std::uint64_t>(c.tree_size));
  out += c.root;
  appendBigEndian(out, static_cast<std::uint64_t>(c.ts_ms));
  appendBigEndian(out, static_cast<std::uint64_t>(c.epoch));
  out += c.next_public_key;
  return out;
}

std::string anchorLine(const Checkpoint& c) {
  nlohmann::json j = {{"v", kAnchorVersion},
                      {"tree_size", c.tree_size},
                      {"epoch", c.epoch},
                      {"ts_ms", c.ts_ms},
                      {"root", crypto::hexEncode(c.root)},
                      {"public_key", crypto::hexEncode(c.public_key)},
                      {"next_public_key", crypto::hexEncode(c.next_public_key)},
                      {"signature", crypto::hexEncode(c.signature)}};
  return j.dump();  // std::map keys: sorted, compact
}

Result<Checkpoint> parseAnchorLine(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::invalidArgument("anchor: not a JSON object");
  CARTRELAY_ASSIGN_OR_RETURN(std::int64_t version, intField(j, "v"));
  if (version != kAnchorVersion) return Status::invalidArgument("anchor: unknown version");
  Checkpoint c;
  CARTRELAY_ASSIGN_OR_RETURN(c.tree_size, intField(j, "tree_size"));
  CARTRELAY_ASSIGN_OR_RETURN(c.epoch, intField(j, "epoch"));
  CARTRELAY_ASSIGN_OR_RETURN(c.ts_ms, intField(j, "ts_ms"));
  CARTRELAY_ASSIGN_OR_RETURN(c.root, hexField(j, "root", 32));
  CARTRELAY_ASSIGN_OR_RETURN(c.public_key, hexField(j, "public_key", EpochKey::kPublicKeyBytes));
  CARTRELAY_ASSIGN_OR_RETURN(c.next_public_key,
                             hexField(j, "next_public_key", EpochKey::kPublicKeyBytes));
  CARTRELAY_ASSIGN_OR_RETURN(c.signature, hexField(j, "signature", EpochKey::kSignatureBytes));
  if (c.tree_size < 1 || c.epoch < 0) return Status::invalidArgument("anchor: bad size or epoch");
  return c;
}

Result<std::unique_ptr<AuditCheckpointer>> AuditCheckpointer::open(core::store::Database& db,
                                                                   const core::Clock& clock,
                                                                   Options options) {
  if (options.every_entries < 1 || options.every_ms < 1) {
    return Status::invalidArgument("audit checkpoints: intervals must be positive");
  }
  auto loaded = AuditKeyFile::load(options.key_dir);
  if (!loaded.isOk() && loaded.status().code() == Status::Code::kNotFound) {
    // The first checkpoint of an installation starts epoch 0 with a fresh
    // key. Once a checkpoint exists only its announced successor may sign.
    CARTRELAY_ASSIGN_OR_RETURN(
        std::vector<Checkpoint> stored,
        db.querySession([](soci::session& s) { return audit_store::checkpoints(s); }));
    if (!stored.empty()) {
      return Status::permanent(loaded.status().message() + ", and the audit chain already has " +
                               std::to_string(stored.size()) +
                               " checkpoints: restore audit.key from the backup made with the "
                               "database; no further checkpoints can be signed without it");
    }
    CARTRELAY_RETURN_IF_ERROR(AuditKeyFile::createIfMissing(options.key_dir, 0600, -1).status());
    loaded = AuditKeyFile::load(options.key_dir);
  }
  if (!loaded.isOk()) return loaded.status();
  EpochKey key = std::move(loaded).value();
  std::unique_ptr<AuditCheckpointer> out(
      new AuditCheckpointer(db, clock, std::move(options), std::move(key)));
  CARTRELAY_RETURN_IF_ERROR(out->reload());
  return out;
}

AuditCheckpointer::AuditCheckpointer(core::store::Database& db, const core::Clock& clock,
                                     Options options, EpochKey key)
    : db_(db), clock_(clock), options_(std::move(options)), key_(std::move(key)) {}

AuditCheckpointer::~AuditCheckpointer() = default;

Status AuditCheckpointer::reload() {
  CARTRELAY_ASSIGN_OR_RETURN(std::vector<Checkpoint> stored, db_.querySession([](soci::session& s) {
    return audit_store::checkpoints(s);
  }));
  next_epoch_ = stored.empty() ? 0 : stored.back().epoch + 1;
  announced_key_ = stored.empty() ? std::string() : stored.back().next_public_key;
  last_size_ = stored.empty() ? 0 : stored.back().tree_size;
  last_ts_ms_ = stored.empty() ? 0 : stored.back().ts_ms;

  // The key file trails the database by one epoch when the process stopped
  // between committing a checkpoint and saving the next key: derive forward.
  if (key_.epoch() > next_epoch_) {
    return Status::permanent("audit.key is at epoch " + std::to_string(key_.epoch()) +
                             " but the audit chain has only " + std::to_string(next_epoch_) +
                             " checkpoints (database restored from an older backup?)");
  }
  const bool moved = key_.epoch() < next_epoch_;
  while (key_.epoch() < next_epoch_) {
    CARTRELAY_ASSIGN_OR_RETURN(EpochKey next, key_.next());
    key_ = std::move(next);
  }
  if (!announced_key_.empty() && key_.publicKey() != announced_key_) {
    return Status::permanent("audit.key does not belong to this audit chain");
  }
  if (moved) CARTRELAY_RETURN_IF_ERROR(AuditKeyFile::store(options_.key_dir, key_));

  frontier_ = MerkleFrontier();
  at_last_.clear();
  pending_.clear();
  head_hash_.clear();
  head_ts_ms_ = 0;
  CARTRELAY_RETURN_IF_ERROR(catchUp());
  if (static_cast<std::int64_t>(frontier_.size()) < last_size_) {
    return Status::permanent("audit chain is shorter than its last checkpoint (" +
                             std::to_string(frontier_.size()) + " < " + std::to_string(last_size_) +
                             "); run `cartrelay audit verify`");
  }
  stale_ = false;
  return Status::ok();
}

Status AuditCheckpointer::catchUp() {
  for (;;) {
    const std::int64_t from = static_cast<std::int64_t>(frontier_.size()) + 1;
    CARTRELAY_ASSIGN_OR_RETURN(std::vector<audit_store::StoredRecord> batch,
                               db_.querySession([&](soci::session& s) {
                                 return audit_store::records(s, from, kReadBatch);
                               }));
    if (batch.empty()) return Status::ok();
    if (head_hash_.empty()) {
      CARTRELAY_ASSIGN_OR_RETURN(
          std::optional<audit_store::Head> head,
          db_.querySession([](soci::session& s) { return audit_store::readHead(s); }));
      if (!head) return Status::permanent("audit chain has records but no head");
      head_hash_ = auditGenesisHash(head->install_id);
    }
    for (const audit_store::StoredRecord& stored : batch) {
      const std::int64_t expected = static_cast<std::int64_t>(frontier_.size()) + 1;
      const AuditRecord& r = stored.record;
      const bool intact = !stored.malformed && r.seq == expected && r.prev_hash == head_hash_ &&
                          r.ts_ms >= head_ts_ms_ && auditEntryHash(r) == stored.entry_hash;
      if (!intact) {
        log::error("audit.tampered").kv("seq", expected);
        return Status::permanent("audit record " + std::to_string(expected) +
                                 " does not verify; not signing. Run `cartrelay audit verify`");
      }
      CARTRELAY_RETURN_IF_ERROR(frontier_.append(stored.entry_hash));
      head_hash_ = stored.entry_hash;
      head_ts_ms_ = r.ts_ms;
      if (r.seq == last_size_) at_last_ = frontier_.subtreeRoots();
      if (r.seq > last_size_) pending_.push_back(stored.entry_hash);
    }
  }
}

Result<std::optional<Checkpoint>> AuditCheckpointer::checkpointIfDue() {
  if (stale_) CARTRELAY_RETURN_IF_ERROR(reload());
  CARTRELAY_RETURN_IF_ERROR(catchUp());
  const std::int64_t fresh = static_cast<std::int64_t>(frontier_.size()) - last_size_;
  if (fresh <= 0) return std::optional<Checkpoint>();
  if (fresh < options_.every_entries && clock_.nowMillis() - last_ts_ms_ < options_.every_ms) {
    return std::optional<Checkpoint>();
  }
  CARTRELAY_ASSIGN_OR_RETURN(Checkpoint c, sign());
  return std::optional<Checkpoint>(std::move(c));
}

Result<std::optional<Checkpoint>> AuditCheckpointer::checkpointNow() {
  if (stale_) CARTRELAY_RETURN_IF_ERROR(reload());
  CARTRELAY_RETURN_IF_ERROR(catchUp());
  if (static_cast<std::int64_t>(frontier_.size()) == last_size_) {
    return std::optional<Checkpoint>();
  }
  CARTRELAY_ASSIGN_OR_RETURN(Checkpoint c, sign());
  return std::optional<Checkpoint>(std::move(c));
}

Result<Checkpoint> AuditCheckpointer::sign() {
  CARTRELAY_ASSIGN_OR_RETURN(EpochKey next, key_.next());
  Checkpoint c;
  c.tree_size = static_cast<std::int64_t>(frontier_.size());
  c.epoch = key_.epoch();
  // Never before the records it covers or the previous checkpoint, so the
  // verifier can insist that epochs and times move forward together.
  c.ts_ms = std::max({clock_.nowMillis(), head_ts_ms_, last_ts_ms_});
  c.root = frontier_.root();
  c.public_key = key_.publicKey();
  c.next_public_key = next.publicKey();
  if (last_size_ > 0) {
    CARTRELAY_ASSIGN_OR_RETURN(
        c.consistency_proof,
        consistencyProof(at_last_, static_cast<std::uint64_t>(last_size_), pending_));
  }
  CARTRELAY_ASSIGN_OR_RETURN(c.signature, key_.sign(checkpointSignedBytes(c)));
  Status stored =
      db_.withTransaction([&](soci::session& s) { return audit_store::insertCheckpoint(s, c); });
  if (!stored.isOk()) {
    // Most likely another instance stored this epoch first.
    stale_ = true;
    return stored;
  }
  // The checkpoint is committed: from now on only the next key may sign.
  Status saved = AuditKeyFile::store(options_.key_dir, next);
  if (!saved.isOk()) {
    // The next start derives the key forward from the one on disk.
    log::error("audit.key_not_saved").status(saved);
  }
  key_ = std::move(next);
  next_epoch_ = c.epoch + 1;
  announced_key_ = c.next_public_key;
  last_size_ = c.tree_size;
  last_ts_ms_ = c.ts_ms;
  at_last_ = frontier_.subtreeRoots();
  pending_.clear();
  anchor(c);
  return c;
}

void AuditCheckpointer::anchor(const Checkpoint& c) {
  const std::string line = anchorLine(c);
  log::info("audit.checkpoint")
      .kv("tree_size", c.tree_size)
      .kv("epoch", c.epoch)
      .kv("root", crypto::hexEncode(c.root))
      .kv("anchor", line);
  if (options_.anchor_file.empty()) return;
  Status written = writeAnchor(options_.anchor_file, line);
  if (!written.isOk()) log::error("audit.anchor_failed").status(written);
}

}  // namespace cartrelay::compliance
