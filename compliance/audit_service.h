#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "compliance/audit_checkpointer.h"
#include "compliance/audit_log.h"
#include "core/util/clock.h"
#include "core/util/periodic_task.h"
#include "core/util/result.h"

namespace cartrelay::core::metrics {
class Metrics;
}  // namespace cartrelay::core::metrics

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::compliance {

// The daemon's audit duties (compliance-rules.md rules 40-43, (c)):
//  - at start, appends a `config.loaded` record (the configuration's
//    SHA-256, never its text: it holds secrets);
//  - signs a checkpoint whenever one is due (AuditCheckpointer), and a last
//    one at stop, so a clean shutdown leaves nothing unsigned;
//  - verifies the whole chain at start and then every `verify_every_ms`
//    (verifyAuditChain) and publishes the verdict as integrity(). Until the
//    first verification finishes it is kUnknown. The send gate treats
//    anything but kIntact as AUDIT_INTEGRITY_FAILED for commercial messages
//    (SAFE_MODE, rule 43).
// All of it runs on one background thread; failures are logged
// (audit.verify_failed, audit.checkpoint_failed) and counted in metrics, and
// never stop the daemon: an unreadable chain stops marketing, not intake.
//
// Metrics: cartrelay_audit_integrity (1 intact, 0 not or not yet known) and
// cartrelay_audit_checkpoints_total{outcome=ok|error}.
//
// Ownership: db, clock and metrics (may be null) must outlive the service.
// Thread-safety: integrity() may be called from any thread; start/stop from
// the owner only.
class AuditService {
 public:
  enum class Integrity { kUnknown, kIntact, kFailed };

  struct Options {
    AuditCheckpointer::Options checkpoints;  // its anchor_file is also what verify checks
    std::int64_t verify_every_ms = 24LL * 60 * 60 * 1000;
    std::int64_t tick_ms = 1000;  // how often to look for a due checkpoint
    std::string config_sha256;    // hex, recorded in config.loaded
  };

  // Appends config.loaded and starts the thread. Errors: the append's
  // (kUnavailable / kInternal): a daemon that cannot write its audit chain
  // must not start.
  static core::Result<std::unique_ptr<AuditService>> start(core::store::Database& db,
                                                           const core::Clock& clock,
                                                           core::metrics::Metrics* metrics,
                                                           Options options);

  AuditService(const AuditService&) = delete;
  AuditService& operator=(const AuditService&) = delete;
  ~AuditService();  // stop()

  // Signs a final checkpoint and joins the thread. Idempotent.
  void stop();

  Integrity integrity() const { return integrity_.load(); }

 private:
  AuditService(core::store::Database& db, const core::Clock& clock, core::metrics::Metrics* metrics,
               Options options);
  void tick();
  void verify();
  void checkpoint(bool final);

  core::store::Database& db_;
  const core::Clock& clock_;
  core::metrics::Metrics* metrics_;
  Options options_;
  std::unique_ptr<AuditCheckpointer> checkpointer_;
  std::atomic<Integrity> integrity_{Integrity::kUnknown};
  bool opened_ = false;  // tick() has tried to open the checkpointer
  std::chrono::steady_clock::time_point last_verify_;
  bool stopped_ = false;
  std::unique_ptr<core::PeriodicTask> task_;
};

}  // namespace cartrelay::compliance
