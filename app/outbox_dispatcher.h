#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/sender_pool.h"
#include "compliance/outbox_delivery.h"
#include "compliance/send_gate.h"
#include "compliance/whatsapp_consent.h"
#include "connectors/whatsapp/rate_limiter.h"
#include "core/metrics/metrics.h"
#include "core/ports/message_channel.h"
#include "core/util/clock.h"

namespace cartrelay::app {

// Limits and pacing of the sender ([whatsapp] in the INI).
struct DispatcherOptions {
  int max_messages_per_second = 80;       // the number's throughput (Meta default 80)
  int daily_unique_recipients = 250;      // the portfolio's messaging limit, moving 24 h
  std::int64_t pair_interval_ms = 6'000;  // Meta's pair rate: 1 message / 6 s / recipient
  int batch = 100;                        // due rows looked at per round
  std::int64_t idle_wait_ms = 250;        // sleep when nothing is due (wake() cuts it short)
  // Requests to the channel at once (1: one after the other). Capped at
  // max_messages_per_second.
  int senders = 1;
  // Most answers recorded in one transaction (OutboxDelivery::record).
  int record_batch = 64;
  // Called (on the dispatcher's thread, after the round's answers are
  // recorded) for a message failed because Meta refused its template, with
  // the template's Meta name, language and status (SendResult::
  // template_status), so the registry holds its other messages
  // (TEMPLATE_PAUSED / TEMPLATE_NOT_APPROVED). Unset: nothing is noted.
  std::function<core::Status(const std::string& meta_name, const std::string& language,
                             const std::string& status)>
      template_refused;
};

// The one sender: moves due outbox rows through the gate's claim, the rate
// limits and the channel, and records each result (DESIGN.md "How data
// flows": allow --> outbox --> connectors/whatsapp (rate-limited)).
//
// A round (runOnce): OutboxDelivery::due() lists what is due. Then, row by
// row, in order, when a sender is free and the number's throughput limiter
// admits one more request: a row whose recipient is within the pair
// interval, or who would be a new recipient past the daily unique-recipient
// limit, is postponed to when it may go; otherwise it joins the group that
// SendGate::claim() makes `sending` in one transaction (deciding stale ones
// again): as many rows as there are free senders and admitted requests.
// Each message goes to one of `senders` threads (SenderPool) for the
// channel, so up to `senders` requests are in flight while the next rows
// are claimed. A row is claimed only when it can go at once, so a crash
// leaves at most the messages in flight `sending` (then `unknown`). The SendResult becomes the
// row's next state:
//   kAccepted  sent (plus delivered at once for the sandbox)
//   kRetry     queued again after retry_after_ms; recipient_only penalises
//              that recipient's pair limiter, slow_down pauses all sending
//   kFailed    failed
//   kOptedOut  failed, and a withdrawal in every shop's consent ledger
//   kHalted    the message goes back to queued (it was not sent) and the
//              dispatcher halts: nothing more is sent until the daemon is
//              restarted (a token or account problem needs a human, and
//              retrying would only storm). /readyz and the metrics say why.
//   kUnknown   unknown (never sent again automatically)
// Answers are recorded in batches (one transaction, each move with its own
// audit record) while the next rows are claimed, and all of a round's
// answers are recorded before runOnce() returns.
//
// Storms: until the channel has accepted a message (at start, and again
// after a slow-down), one request goes at a time, so a refused token or a
// throttled number costs one request, not `senders`; requests already in
// flight when a halt or slow-down answer comes finish and are recorded like
// any other. The throughput limit counts each request until a second after
// its answer (InFlightWindowLimiter), so Meta never receives more than
// max_messages_per_second in any second, whatever the network's delays.
//
// Ownership: every reference must outlive the dispatcher. Thread-safety:
// runOnce() and sendNow() must not run concurrently with themselves or each
// other (start() runs rounds on the dispatcher's own thread); halted(),
// haltReason(), wake() and stop() may be called from any thread.
class OutboxDispatcher {
 public:
  OutboxDispatcher(const compliance::SendGate& gate, const compliance::OutboxDelivery& delivery,
                   const compliance::WhatsAppConsent& consent, core::ports::MessageChannel& channel,
                   core::metrics::Metrics& metrics, const core::Clock& clock,
                   DispatcherOptions options,
                   std::vector<std::pair<std::string, core::EpochMillis>> reached_recipients);
  OutboxDispatcher(const OutboxDispatcher&) = delete;
  OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;
  ~OutboxDispatcher();

  struct Round {
    int sent = 0;         // handed to the channel and accepted
    int attempted = 0;    // handed to the channel
    int postponed = 0;    // held back by a rate limit
    int not_claimed = 0;  // decided again and deferred or suppressed, or taken elsewhere
  };
  // One round; store errors are logged and end the round early.
  Round runOnce();
  // One message now (an operator's `send`): claimed, paced by the
  // throughput limiter and handed to the channel like any other, without
  // waiting for the pair and daily limits (Meta's 131056 answer still
  // applies). Not concurrently with runOnce().
  Round sendNow(std::int64_t outbox_id);

  void start();
  // Finishes the message in hand (never abandons a send half-recorded)
  // and joins the thread. Idempotent.
  void stop();
  // Something was queued: run a round now instead of after the idle wait.
  void wake();

  bool halted() const { return halted_.load(); }
  std::string haltReason() const;

 private:
  // What a round has yet to write after its answers came in.
  struct Pending;
  // The effects of one answer that cannot wait (halt, pause, the pair
  // limiter, metrics, logs); its writes go to `pending`.
  void collect(const SenderPool::Done& done, Round& round, Pending& pending);
  // Records what `pending` holds and empties it.
  void flush(Pending& pending);
  void halt(const core::ports::SendResult& result);
  // Sends `rows` in order as described above; `recipient_limits` applies
  // the pair and daily limits (not for an operator's sendNow).
  void dispatch(const std::vector<compliance::DueMessage>& rows, bool recipient_limits,
                Round& round);
  // The pair or daily limit holds `row` back: postponed to when it may go.
  bool postponed(const compliance::DueMessage& row);
  // Requests allowed in flight now.
  int concurrency() const;

  const compliance::SendGate& gate_;
  const compliance::OutboxDelivery& delivery_;
  const compliance::WhatsAppConsent& consent_;
  core::ports::MessageChannel& channel_;
  core::metrics::Metrics& metrics_;
  const core::Clock& clock_;
  DispatcherOptions options_;
  whatsapp::InFlightWindowLimiter throughput_;
  whatsapp::PairLimiter pairs_;
  whatsapp::DailyRecipientLimit daily_;
  // Only the thread running the round touches these two.
  core::EpochMillis paused_until_ = 0;  // slow_down from the channel
  bool proven_ = false;                 // the channel accepted a message since start or pause
  SenderPool pool_;                     // after throughput_: its threads complete() into it

  std::atomic<bool> halted_{false};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string halt_reason_;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace cartrelay::app
