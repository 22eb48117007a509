#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "core/store/database_url.h"
#include "core/util/result.h"
#include "core/util/status.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::metrics {
class Metrics;
}  // namespace cartrelay::core::metrics

namespace cartrelay::core::store {

// How to reach the database. Built by app/ from `[daemon] database`.
struct DatabaseOptions {
  // See database_url.h for the accepted forms.
  std::string url;
  // Overrides the URL's password when non-empty. The app resolves `file:`
  // secrets before filling it in; the store never reads secret files itself.
  std::string password;
  // MariaDB: connections in the pool (1..64). SQLite always uses one.
  int pool_size = 4;
  // How long one statement waits for a lock before failing with
  // kUnavailable: SQLite's busy_timeout, MariaDB's innodb_lock_wait_timeout
  // (rounded up to whole seconds). Also how long withSession waits for a free
  // pooled MariaDB connection. Milliseconds, 0..600000.
  int busy_timeout_ms = 5000;
  // MariaDB: bound on establishing a connection, in seconds (1..300). A
  // stopped server makes ping()/withSession fail within about this long.
  int connect_timeout_s = 5;
};

// The store's connection to its database: SQLite (WAL, one serialised
// session) or MariaDB (a pool of sessions that heals itself).
//
// Errors. No exception escapes: anything SOCI or `fn` throws is caught here
// and becomes a Status. A lost or refused connection, a lock timeout or a
// deadlock is kUnavailable (503, retry later); everything else is
// kInternal. Messages name the operation and the engine's error number but
// never contain SQL parameter values, so they are safe to log.
//
// Recovery (MariaDB). Every pooled session is checked with a ping before it
// is handed out and reopened if the ping fails, so after the server is
// stopped each call fails fast with kUnavailable and once the server is back
// the next call succeeds, on the same Database object. SQLite needs no
// recovery.
//
// Metrics. When constructed with a Metrics object, every withSession /
// withTransaction call is observed in
// cartrelay_store_operation_duration_seconds{backend,result}; result=error
// only for kUnavailable and kInternal (a duplicate or not-found decided by
// `fn` is a normal outcome).
//
// Thread-safety: all methods may be called concurrently from any thread.
// SQLite serialises callers on one mutex, first come first served; MariaDB
// runs up to pool_size callers in parallel, each on its own session. A
// soci::session must not be used outside the callback that received it.
class Database {
 public:
  using SessionFn = std::function<Status(soci::session&)>;

  // Opens the database and checks it answers. Errors: kInvalidArgument for a
  // bad URL or option (message never contains the password) or a SQLite
  // directory that does not exist; kUnavailable when the server cannot be
  // reached or SQLite cannot open the file; kInternal otherwise (e.g. access
  // denied). `metrics` may be null; otherwise it must outlive the Database.
  static Result<std::unique_ptr<Database>> open(const DatabaseOptions& options,
                                                metrics::Metrics* metrics);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&&) = delete;
  Database& operator=(Database&&) = delete;
  virtual ~Database();

  Backend backend() const { return backend_; }

  // The URL with the password replaced by "***", for logs.
  const std::string& redactedUrl() const { return redacted_url_; }

  // Runs fn on a session in autocommit mode and returns its Status. fn may
  // open its own soci::transaction.
  Status withSession(const SessionFn& fn);

  // Runs fn inside a transaction: committed iff fn returns OK, rolled back
  // otherwise (and when fn throws). fn must not begin, commit or roll back
  // itself. On SQLite the transaction is BEGIN IMMEDIATE (takes the write
  // lock up front, so two processes never deadlock on a lock upgrade). If
  // the commit itself fails with kUnavailable the outcome is unknown: callers
  // retry, which is safe because every write is an idempotent upsert.
  Status withTransaction(const SessionFn& fn);

  // Result-returning forms: fn returns Result<T>, the value is passed out.
  template <typename Fn>
  auto querySession(Fn&& fn) -> std::invoke_result_t<Fn&, soci::session&>;
  template <typename Fn>
  auto queryTransaction(Fn&& fn) -> std::invoke_result_t<Fn&, soci::session&>;

  // "SELECT 1" on a (re)connected session: what /readyz asks. kUnavailable
  // when the server is down.
  Status ping();

 protected:
  Database(Backend backend, std::string redacted_url, metrics::Metrics* metrics);

  // Leases a ready session (reconnecting if needed), runs fn on it and gives
  // it back. Must not throw; fn itself does not throw.
  virtual Status runOnSession(const SessionFn& fn) = 0;
  // Starts a transaction on s; may throw (SOCI).
  virtual void beginTransaction(soci::session& s) = 0;
  // Called when a rollback failed: the session's state is unknown and it
  // must not be reused as is.
  virtual void discardSession(soci::session& s) noexcept = 0;

 private:
  // The body of querySession/queryTransaction: runs fn through timed() and
  // moves its value out.
  template <typename Fn>
  auto queryWith(Fn&& fn, bool transaction) -> std::invoke_result_t<Fn&, soci::session&>;

  Status timed(const SessionFn& fn, bool transaction);
  void noteOutcome(const Status& status);

  Backend backend_;
  std::string redacted_url_;
  metrics::Metrics* metrics_;
  std::atomic<bool> degraded_{false};
};

namespace detail {
template <typename R>
struct IsResult : std::false_type {};
template <typename T>
struct IsResult<Result<T>> : std::true_type {};
template <typename R>
struct ResultValue;
template <typename T>
struct ResultValue<Result<T>> {
  using type = T;
};
}  // namespace detail

template <typename Fn>
auto Database::queryWith(Fn&& fn, bool transaction) -> std::invoke_result_t<Fn&, soci::session&> {
  using R = std::invoke_result_t<Fn&, soci::session&>;
  static_assert(detail::IsResult<R>::value, "fn must return Result<T>");
  std::optional<typename detail::ResultValue<R>::type> out;
  SessionFn capture = [&](soci::session& s) -> Status {
    R r = fn(s);
    if (!r.isOk()) return r.status();
    out.emplace(std::move(r).value());
    return Status::ok();
  };
  Status status = transaction ? withTransaction(capture) : withSession(capture);
  if (!status.isOk()) return status;
  return std::move(*out);
}

template <typename Fn>
auto Database::querySession(Fn&& fn) -> std::invoke_result_t<Fn&, soci::session&> {
  return queryWith(std::forward<Fn>(fn), /*transaction=*/false);
}

template <typename Fn>
auto Database::queryTransaction(Fn&& fn) -> std::invoke_result_t<Fn&, soci::session&> {
  return queryWith(std::forward<Fn>(fn), /*transaction=*/true);
}

}  // namespace cartrelay::core::store
