#include "compliance/audit_service.h"

#include <chrono>

#include "compliance/audit_verifier.h"
#include "core/metrics/metrics.h"
#include "core/store/database.h"
#include "core/util/log.h"

namespace cartrelay::compliance {
namespace {

namespace log = core::log;
using core::Result;
using core::Status;

const char* outcomeName(AuditVerifyReport::Outcome outcome) {
  switch (outcome) {
    case AuditVerifyReport::Outcome::kIntact:
      return "intact";
    case AuditVerifyReport::Outcome::kTampered:
      return "tampered";
    case AuditVerifyReport::Outcome::kUnverifiable:
      return "unverifiable";
  }
  return "unverifiable";
}

}  // namespace

Result<std::unique_ptr<AuditService>> AuditService::start(core::store::Database& db,
                                                          const core::Clock& clock,
                                                          core::metrics::Metrics* metrics,
                                                          Options options) {
  AuditLog audit(clock);
  AuditEvent loaded{"config.loaded", "daemon", "", {{"config_sha256", options.config_sha256}}};
  CARTRELAY_RETURN_IF_ERROR(audit.appendNow(db, loaded).status());
  std::unique_ptr<AuditService> service(new AuditService(db, clock, metrics, std::move(options)));
  service->task_ = std::make_unique<core::PeriodicTask>(
      std::chrono::milliseconds(service->options_.tick_ms), [s = service.get()] { s->tick(); });
  return service;
}

AuditService::AuditService(core::store::Database& db, const core::Clock& clock,
                           core::metrics::Metrics* metrics, Options options)
    : db_(db), clock_(clock), metrics_(metrics), options_(std::move(options)) {
  if (metrics_ != nullptr) metrics_->setAuditIntact(false);
}

AuditService::~AuditService() { stop(); }

void AuditService::stop() {
  if (stopped_) return;
  stopped_ = true;
  task_->stop();
  checkpoint(/*final=*/true);
}

void AuditService::tick() {
  if (!opened_) {
    // Opening reads the chain once; a failure here leaves the service
    // verifying but not signing, and says why.
    opened_ = true;
    auto opened = AuditCheckpointer::open(db_, clock_, options_.checkpoints);
    if (opened.isOk()) {
      checkpointer_ = std::move(opened).value();
    } else {
      log::error("audit.checkpoints_disabled").status(opened.status());
    }
    verify();
    last_verify_ = std::chrono::steady_clock::now();
    return;
  }
  checkpoint(/*final=*/false);
  if (std::chrono::steady_clock::now() - last_verify_ >=
      std::chrono::milliseconds(options_.verify_every_ms)) {
    verify();
    last_verify_ = std::chrono::steady_clock::now();
  }
}

void AuditService::verify() {
  auto report = verifyAuditChain(db_, options_.checkpoints.anchor_file);
  if (!report.isOk()) {
    // The store could not be read: not a finding, but nothing is proven
    // either, so marketing stays stopped until a verification succeeds.
    integrity_.store(Integrity::kFailed);
    if (metrics_ != nullptr) metrics_->setAuditIntact(false);
    log::error("audit.verify_failed").status(report.status());
    return;
  }
  const bool intact = report->outcome == AuditVerifyReport::Outcome::kIntact;
  integrity_.store(intact ? Integrity::kIntact : Integrity::kFailed);
  if (metrics_ != nullptr) metrics_->setAuditIntact(intact);
  if (intact) {
    log::info("audit.verified")
        .kv("records", report->records)
        .kv("checkpoints", report->checkpoints)
        .kv("anchors", report->anchors)
        .kv("warnings", static_cast<std::int64_t>(report->warnings.size()));
    return;
  }
  // SAFE_MODE (rule 43): the reason holds sequence numbers and sizes only.
  log::error("audit.integrity_failed")
      .kv("outcome", outcomeName(report->outcome))
      .kv("first_bad_seq", report->first_bad_seq)
      .kv("reason", report->reason);
}

void AuditService::checkpoint(bool final) {
  if (!checkpointer_) return;
  auto made = final ? checkpointer_->checkpointNow() : checkpointer_->checkpointIfDue();
  if (made.isOk()) {
    if (made->has_value() && metrics_ != nullptr) metrics_->countAuditCheckpoint(true);
    return;
  }
  if (metrics_ != nullptr) metrics_->countAuditCheckpoint(false);
  log::error("audit.checkpoint_failed").status(made.status());
}

}  // namespace cartrelay::compliance
