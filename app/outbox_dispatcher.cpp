#include "app/outbox_dispatcher.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <set>
#include <utility>

#include "core/util/log.h"

namespace cartrelay::app {
namespace {

using core::ports::SendResult;
using Outcome = SendResult::Outcome;

std::string_view outcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAccepted:
      return "accepted";
    case Outcome::kRetry:
      return "retry";
    case Outcome::kFailed:
      return "failed";
    case Outcome::kOptedOut:
      return "opted_out";
    case Outcome::kHalted:
      return "halted";
    case Outcome::kUnknown:
      return "unknown";
  }
  return "unknown";
}

// The senders the options ask for, never more than the throughput limit
// (more could not be in flight at once anyway).
int concurrencyCap(const DispatcherOptions& options) {
  return std::clamp(options.senders, 1, std::max(options.max_messages_per_second, 1));
}

void logIfFailed(const core::Status& status, std::string_view what, std::int64_t outbox_id) {
  // The row stays `sending`; the next start turns it into `unknown`, which
  // is the safe side (never a second send).
  if (!status.isOk()) {
    core::log::error("outbox.record_failed")
        .kv("what", what)
        .kv("outbox_id", outbox_id)
        .status(status);
  }
}

}  // namespace

OutboxDispatcher::OutboxDispatcher(
    const compliance::SendGate& gate, const compliance::OutboxDelivery& delivery,
    const compliance::WhatsAppConsent& consent, core::ports::MessageChannel& channel,
    core::metrics::Metrics& metrics, const core::Clock& clock, DispatcherOptions options,
    std::vector<std::pair<std::string, core::EpochMillis>> reached_recipients)
    : gate_(gate),
      delivery_(delivery),
      consent_(consent),
      channel_(channel),
      metrics_(metrics),
      clock_(clock),
      options_(options),
      throughput_(options.max_messages_per_second, 1000),
      pairs_(options.pair_interval_ms),
      daily_(options.daily_unique_recipients, std::move(reached_recipients)),
      pool_(channel, clock, concurrencyCap(options),
            [this](core::EpochMillis completed_at) { throughput_.complete(completed_at); }) {
  metrics_.setChannelHalted(channel_.name(), false);
}

OutboxDispatcher::~OutboxDispatcher() { stop(); }

std::string OutboxDispatcher::haltReason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return halt_reason_;
}

void OutboxDispatcher::halt(const SendResult& result) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    halt_reason_ = result.reason + " (error " + std::to_string(result.error_code) + ")";
  }
  halted_.store(true);
  metrics_.setChannelHalted(channel_.name(), true);
  core::log::error("whatsapp.channel_halted")
      .kv("channel", channel_.name())
      .kv("error_code", static_cast<std::int64_t>(result.error_code))
      .kv("reason", result.reason)
      .kv("action", "fix the cause (e.g. replace whatsapp.access_token), then restart cartrelay");
}

struct OutboxDispatcher::Pending {
  std::vector<compliance::OutboxDelivery::Transition> moves;
  std::vector<std::string> whats;  // per move, for the log when it fails
  // Written after the moves, each in its own transaction as before: the
  // sandbox's simulated delivery (wamid, outbox id), and Meta's opt-outs
  // (the message, its answer, when it came).
  std::vector<std::pair<std::string, std::int64_t>> delivered;
  struct OptOut {
    core::ports::ClearedMessage message;
    SendResult result;
    core::EpochMillis at = 0;
  };
  std::vector<OptOut> opted_out;
  // Templates Meta refused (meta name, language, status), for the registry.
  std::vector<std::array<std::string, 3>> refused_templates;

  void add(compliance::OutboxDelivery::Transition move, std::string what) {
    moves.push_back(std::move(move));
    whats.push_back(std::move(what));
  }
};

int OutboxDispatcher::concurrency() const { return proven_ ? concurrencyCap(options_) : 1; }

void OutboxDispatcher::collect(const SenderPool::Done& done, Round& round, Pending& pending) {
  using Move = compliance::OutboxDelivery::Transition;
  const auto& m = done.message.content();
  const SendResult& result = done.result;
  const core::EpochMillis now = done.completed_at;
  metrics_.countMessage(channel_.name(), outcomeName(result.outcome));
  switch (result.outcome) {
    case Outcome::kAccepted:
      ++round.sent;
      proven_ = true;
      pending.add(Move::accepted(m.outbox_id, result.provider_message_id), "accepted");
      if (result.simulated_delivery) {
        pending.delivered.emplace_back(result.provider_message_id, m.outbox_id);
      }
      return;
    case Outcome::kRetry: {
      const core::EpochMillis until = now + std::max<std::int64_t>(result.retry_after_ms, 1000);
      if (result.recipient_only) pairs_.penalise(m.subject_ref, until);
      if (result.slow_down) {
        paused_until_ = std::max(paused_until_, until);
        proven_ = false;  // after the pause, one request probes first
      }
      core::log::warn("outbox.retry")
          .kv("outbox_id", m.outbox_id)
          .kv("subject", m.subject_ref)
          .kv("error_code", static_cast<std::int64_t>(result.error_code))
          .kv("reason", result.reason)
          .kv("retry_in_ms", until - now);
      pending.add(Move::retry(m.outbox_id, until, result.error_code, result.reason), "retry");
      return;
    }
    case Outcome::kFailed:
      core::log::warn("outbox.failed")
          .kv("outbox_id", m.outbox_id)
          .kv("subject", m.subject_ref)
          .kv("error_code", static_cast<std::int64_t>(result.error_code))
          .kv("reason", result.reason);
      pending.add(Move::failed(m.outbox_id, result.error_code, result.reason), "failed");
      if (!result.template_status.empty()) {
        pending.refused_templates.push_back({m.meta_template, m.language, result.template_status});
      }
      return;
    case Outcome::kOptedOut:
      pending.add(Move::failed(m.outbox_id, result.error_code, result.reason), "failed");
      pending.opted_out.push_back({done.message, result, now});
      return;
    case Outcome::kHalted:
      pending.add(Move::release(m.outbox_id), "release");
      halt(result);
      return;
    case Outcome::kUnknown:
      core::log::warn("outbox.unknown")
          .kv("outbox_id", m.outbox_id)
          .kv("subject", m.subject_ref)
          .kv("reason", result.reason);
      pending.add(Move::unknown(m.outbox_id, result.reason), "unknown");
      return;
  }
}

void OutboxDispatcher::flush(Pending& pending) {
  if (!pending.moves.empty()) {
    const std::vector<core::Status> recorded = delivery_.record(pending.moves);
    for (std::size_t i = 0; i < recorded.size(); ++i) {
      logIfFailed(recorded[i], pending.whats[i], pending.moves[i].outbox_id);
    }
  }
  for (const auto& [wamid, outbox_id] : pending.delivered) {
    compliance::StatusReport delivered;
    delivered.provider_message_id = wamid;
    delivered.status = compliance::DeliveryState::kDelivered;
    delivered.at_ms = clock_.nowMillis();
    delivered.outbox_id = outbox_id;
    logIfFailed(delivery_.applyStatus(delivered).status(), "simulated_delivery", outbox_id);
  }
  for (const Pending::OptOut& opt_out : pending.opted_out) {
    const auto& m = opt_out.message.content();
    auto recorded =
        consent_.record(compliance::WhatsAppSignal::kMarketingOptOutError, m.to, opt_out.at,
                        {{"outbox_id", m.outbox_id}, {"error_code", opt_out.result.error_code}});
    if (!recorded.isOk()) {
      core::log::error("consent.opt_out_failed")
          .kv("subject", m.subject_ref)
          .status(recorded.status());
    } else {
      core::log::info("consent.opt_out").kv("subject", m.subject_ref).kv("via", "meta_131050");
    }
  }
  std::set<std::array<std::string, 3>> noted;
  for (const auto& refused : pending.refused_templates) {
    if (!noted.insert(refused).second) continue;
    const auto& [name, language, status] = refused;
    // Its journey steps now wait or are dropped: somebody has to fix it.
    core::log::error("whatsapp.template_unusable")
        .kv("template", name)
        .kv("language", language)
        .kv("status", status)
        .kv("via", "send_error");
    if (!options_.template_refused) continue;
    const core::Status written = options_.template_refused(name, language, status);
    if (!written.isOk()) core::log::error("whatsapp.template_note_failed").status(written);
  }
  pending = Pending();
}

OutboxDispatcher::Round OutboxDispatcher::runOnce() {
  Round round;
  if (halted()) return round;
  if (clock_.nowMillis() < paused_until_) return round;
  auto due = delivery_.due(options_.batch);
  if (!due.isOk()) {
    core::log::error("outbox.due_failed").status(due.status());
    return round;
  }
  dispatch(*due, /*recipient_limits=*/true, round);
  return round;
}

OutboxDispatcher::Round OutboxDispatcher::sendNow(std::int64_t outbox_id) {
  Round round;
  if (halted()) return round;
  compliance::DueMessage row;
  row.outbox_id = outbox_id;
  dispatch({row}, /*recipient_limits=*/false, round);
  return round;
}

bool OutboxDispatcher::postponed(const compliance::DueMessage& row) {
  const core::EpochMillis now = clock_.nowMillis();
  std::int64_t wait = pairs_.tryAcquire(row.subject_ref, now);
  if (wait == 0) wait = daily_.tryAdmit(row.subject_ref, now, row.in_service_window);
  if (wait == 0) return false;
  logIfFailed(delivery_.postpone(row.outbox_id, now + wait), "postpone", row.outbox_id);
  return true;
}

void OutboxDispatcher::dispatch(const std::vector<compliance::DueMessage>& rows,
                                bool recipient_limits, Round& round) {
  Pending pending;
  std::size_t next = 0;
  // Takes the answers that came back, waiting up to `wait` for one. Before
  // blocking it writes what waits, so answers are never held back by a
  // pause; while busy it writes every record_batch answers.
  const auto collectAll = [&](std::chrono::milliseconds wait) {
    if (wait.count() > 0 ||
        pending.moves.size() >= static_cast<std::size_t>(std::max(options_.record_batch, 1))) {
      flush(pending);
    }
    for (const SenderPool::Done& done : pool_.take(wait)) collect(done, round, pending);
  };
  constexpr std::chrono::milliseconds kMaxWait(100);
  while (true) {
    collectAll(std::chrono::milliseconds(0));
    const bool more =
        next < rows.size() && !halted() && !stopping_.load() && clock_.nowMillis() >= paused_until_;
    if (!more) {
      if (pool_.inFlight() == 0) break;
      collectAll(kMaxWait);
      continue;
    }
    if (pool_.inFlight() >= concurrency()) {
      collectAll(kMaxWait);
      continue;
    }
    // Admitted rows, as many as there are free senders and places in the
    // throughput window, are claimed together (one commit for all). The
    // recipient's limits are taken only now, for a row about to go (a round
    // cut short by a pause leaves the rest untouched); the claim is what
    // makes a row durably `sending` before it leaves; a row not claimed
    // gives its place back.
    std::vector<std::int64_t> group;
    std::int64_t wait = 0;
    const std::size_t room = static_cast<std::size_t>(concurrency() - pool_.inFlight());
    while (group.size() < room && next < rows.size()) {
      wait = throughput_.tryAcquire(clock_.nowMillis());
      if (wait > 0) break;
      const compliance::DueMessage& row = rows[next++];
      if (recipient_limits && postponed(row)) {
        throughput_.cancel();
        ++round.postponed;
        continue;
      }
      group.push_back(row.outbox_id);
    }
    if (group.empty()) {
      if (wait > 0) collectAll(std::min(std::chrono::milliseconds(wait), kMaxWait));
      continue;
    }
    auto claimed = gate_.claim(group);
    if (!claimed.isOk()) {
      for (std::size_t i = 0; i < group.size(); ++i) throughput_.cancel();
      core::log::error("outbox.claim_failed").status(claimed.status());
      next = rows.size();  // the round ends once what is in flight is back
      continue;
    }
    round.not_claimed += claimed->deferred + claimed->suppressed + claimed->skipped;
    for (std::size_t i = claimed->messages.size(); i < group.size(); ++i) throughput_.cancel();
    for (core::ports::ClearedMessage& message : claimed->messages) {
      pool_.hand(std::move(message));
      ++round.attempted;
    }
  }
  flush(pending);
}

void OutboxDispatcher::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    while (true) {
      const Round round = runOnce();
      std::unique_lock<std::mutex> guard(mu_);
      if (stopping_) return;
      // A full round may have more behind it: go again at once.
      if (round.attempted + round.postponed + round.not_claimed >= options_.batch) continue;
      cv_.wait_for(guard, std::chrono::milliseconds(options_.idle_wait_ms),
                   [this] { return stopping_ || woken_; });
      woken_ = false;
      if (stopping_) return;
    }
  });
}

void OutboxDispatcher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  pool_.interrupt();  // a round waiting on a rate limit or an answer looks again
  if (thread_.joinable()) thread_.join();
}

void OutboxDispatcher::wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

}  // namespace cartrelay::app
