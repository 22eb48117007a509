#include "core/store/detail/mariadb_database.h"

#include <string>

#include <soci/connection-pool.h>
#include <soci/mysql/soci-mysql.h>
#include <soci/soci.h>

#include "core/store/detail/errors.h"

namespace cartrelay::core::store::detail {
namespace {

// Bounds on one network read/write. Generous compared to any statement
// cartrelay issues (lock waits are capped by innodb_lock_wait_timeout and
// migrations wait at most 20 s for their lock), short enough that a hung
// server (not a stopped one: that fails at once) is noticed.
constexpr int kReadWriteTimeoutS = 60;

// Quotes a value for SOCI's MySQL connection string: single quotes, with
// backslash escaping backslash and quote.
std::string quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

std::string connectString(const DatabaseUrl& url, const DatabaseOptions& options) {
  std::string cs = "host=" + quoted(url.host) + " port=" + std::to_string(url.port) +
                   " user=" + quoted(url.user) + " dbname=" + quoted(url.database);
  if (!url.password.empty()) cs += " password=" + quoted(url.password);
  if (!url.socket.empty()) cs += " unix_socket=" + quoted(url.socket);
  cs += " charset=utf8mb4";
  cs += " connect_timeout=" + std::to_string(options.connect_timeout_s);
  cs += " read_timeout=" + std::to_string(kReadWriteTimeoutS);
  cs += " write_timeout=" + std::to_string(kReadWriteTimeoutS);
  return cs;
}

class MariaDbDatabase final : public Database {
 public:
  MariaDbDatabase(const DatabaseUrl& url, const DatabaseOptions& options, metrics::Metrics* metrics)
      : Database(Backend::kMariaDb, url.redacted(), metrics),
        pool_(static_cast<std::size_t>(options.pool_size)),
        pool_size_(options.pool_size),
        lease_timeout_ms_(options.busy_timeout_ms),
        lock_wait_s_((options.busy_timeout_ms + 999) / 1000),
        connect_string_(connectString(url, options)) {}
  MariaDbDatabase(const MariaDbDatabase&) = delete;
  MariaDbDatabase& operator=(const MariaDbDatabase&) = delete;
  ~MariaDbDatabase() override = default;

  // Connects one session so a wrong URL or a down server fails open().
  Status init() {
    return runOnSession([](soci::session&) { return Status::ok(); });
  }

 protected:
  Status runOnSession(const SessionFn& fn) override {
    std::size_t pos = 0;
    try {
      if (!pool_.try_lease(pos, lease_timeout_ms_)) {
        return Status::unavailable("store: no free database connection within " +
                                   std::to_string(lease_timeout_ms_) +
                                   " ms (pool_size=" + std::to_string(pool_size_) + ")");
      }
    } catch (...) {
      return statusFromCurrentException("store: pool");
    }
    // Only the holder of lease `pos` touches pool_.at(pos), so no lock is needed.
    struct GiveBack {
      soci::connection_pool& pool;
      std::size_t pos;
      ~GiveBack() {
        try {
          pool.give_back(pos);
        } catch (...) {
        }
      }
    } give_back{pool_, pos};
    soci::session& s = pool_.at(pos);
    CARTRELAY_RETURN_IF_ERROR(ensureConnected(s));
    return fn(s);
  }

  void beginTransaction(soci::session& s) override { s.begin(); }

  void discardSession(soci::session& s) noexcept override {
    // The connection's transaction state is unknown: drop it; the next
    // lease reconnects.
    try {
      s.close();
    } catch (...) {
    }
  }

 private:
  // A session is handed out only after a successful ping. A ping on a
  // connection the server closed fails at once (no auto-reconnect is set in
  // the client), and the session is reopened; if the server is down the
  // reconnect fails within connect_timeout_s and the call returns
  // kUnavailable. Cost: one round trip per lease.
  Status ensureConnected(soci::session& s) {
    if (s.get_backend() != nullptr && s.is_connected()) return Status::ok();
    try {
      s.close();
      s.open(soci::mysql, connect_string_);
      s << "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,"
           "ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE'";
      s << "SET SESSION time_zone = '+00:00'";
      s << "SET SESSION innodb_lock_wait_timeout = " +
               std::to_string(lock_wait_s_ < 1 ? 1 : lock_wait_s_);
      return Status::ok();
    } catch (...) {
      Status status = statusFromCurrentException("store: connect");
      try {
        s.close();
      } catch (...) {
      }
      return status;
    }
  }

  soci::connection_pool pool_;
  int pool_size_;
  int lease_timeout_ms_;
  int lock_wait_s_;
  std::string connect_string_;  // holds the password: never log it
};

}  // namespace

Result<std::unique_ptr<Database>> openMariaDbDatabase(const DatabaseUrl& url,
                                                      const DatabaseOptions& options,
                                                      metrics::Metrics* metrics) {
  auto db = std::make_unique<MariaDbDatabase>(url, options, metrics);
  CARTRELAY_RETURN_IF_ERROR(db->init());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace cartrelay::core::store::detail
