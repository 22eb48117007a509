#include "core/store/detail/sqlite_database.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include "core/store/detail/errors.h"
#include "core/util/fifo_mutex.h"

namespace cartrelay::core::store::detail {
namespace {

constexpr const char* kMemory = ":memory:";

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string redacted_url, metrics::Metrics* metrics)
      : Database(Backend::kSqlite, std::move(redacted_url), metrics) {}
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;
  ~SqliteDatabase() override = default;

  Status init(const std::string& path, int busy_timeout_ms) {
    try {
      // A connection string without '=' is taken by SOCI as the file name
      // as is (spaces included); the URL parser rejects '=' in paths.
      session_.open(soci::sqlite3, path);
      // Pragmas cannot take bound parameters; the only value spliced in is
      // a validated integer from the configuration.
      std::string mode;
      session_ << "PRAGMA journal_mode=WAL", soci::into(mode);
      if (mode != "wal" && path != kMemory) {
        return Status::internal("sqlite: could not enable WAL (journal_mode is '" + mode + "')");
      }
      session_ << "PRAGMA busy_timeout=" + std::to_string(busy_timeout_ms);
      session_ << "PRAGMA foreign_keys=ON";
      // FULL, not NORMAL: in WAL mode NORMAL can lose the last commits on power
      // loss, and a webhook is acknowledged only once its inbox row is durable.
      session_ << "PRAGMA synchronous=FULL";
      int foreign_keys = 0;
      session_ << "PRAGMA foreign_keys", soci::into(foreign_keys);
      if (foreign_keys != 1) return Status::internal("sqlite: foreign keys are not supported");
      return Status::ok();
    } catch (...) {
      return statusFromCurrentException("sqlite");
    }
  }

 protected:
  Status runOnSession(const SessionFn& fn) override {
    // In the order the callers came: a writer that commits batch after
    // batch (the send gate's submissions, the inbox) must not keep the
    // sender's claims and answers waiting, or sending falls far below
    // Meta's throughput while messages are being queued.
    std::lock_guard<FifoMutex> lock(mu_);
    return fn(session_);
  }

  void beginTransaction(soci::session& s) override { s << "BEGIN IMMEDIATE"; }

  void discardSession(soci::session& s) noexcept override {
    // A failed ROLLBACK usually means SQLite already rolled back; make sure
    // no transaction stays open on the only session.
    try {
      s << "ROLLBACK";
    } catch (...) {
    }
  }

 private:
  FifoMutex mu_;
  soci::session session_;
};

// Creates a missing database file owner-only (0600) instead of trusting the
// caller's umask with customer data, and refuses a file or directory this
// user cannot write: SQLite would otherwise open it read-only without
// complaint (e.g. a file created by `cartrelay migrate` run as root) and every
// later write would fail.
Status prepareDatabaseFile(const std::string& path, const std::filesystem::path& dir) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::permanent("sqlite: cannot open '" + path + "' for writing: " +
                             std::strerror(errno) + " (run as the service user?)");
  }
  ::close(fd);
  // WAL needs to create the -wal and -shm files next to the database.
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::permanent("sqlite: directory '" + dir.string() +
                             "' is not writable by this user (run as the service user?)");
  }
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<Database>> openSqliteDatabase(const DatabaseUrl& url,
                                                     const DatabaseOptions& options,
                                                     metrics::Metrics* metrics) {
  if (url.path != kMemory) {
    std::filesystem::path dir = std::filesystem::path(url.path).parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return Status::invalidArgument("sqlite: directory '" + dir.string() +
                                     "' does not exist; create it (cartrelay does not)");
    }
    CARTRELAY_RETURN_IF_ERROR(prepareDatabaseFile(url.path, dir));
  }
  auto db = std::make_unique<SqliteDatabase>(url.redacted(), metrics);
  CARTRELAY_RETURN_IF_ERROR(db->init(url.path, options.busy_timeout_ms));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace cartrelay::core::store::detail
