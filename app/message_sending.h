#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "app/config/app_config.h"
#include "app/outbox_dispatcher.h"
#include "compliance/audit_log.h"
#include "compliance/consent_ledger.h"
#include "compliance/outbox_delivery.h"
#include "compliance/send_gate.h"
#include "compliance/whatsapp_consent.h"
#include "core/metrics/metrics.h"
#include "core/net/http_fetch.h"
#include "core/ports/message_channel.h"
#include "core/store/database.h"
#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"

namespace cartrelay::app {

// Everything a message goes through after someone wants it sent, built
// once from the configuration so the daemon and `cartrelay send` send
// exactly the same way: the gate, the outbox's delivery side, WhatsApp's
// consent signals, the channel of whatsapp.mode (the Cloud API, or the
// sandbox log) and the dispatcher with its rate limits.
//
// Ownership: every reference passed to create() must outlive the object.
// Thread-safety: as its parts (the gate and delivery are thread-safe; see
// OutboxDispatcher for the dispatcher).
class MessageSending {
 public:
  struct Hooks {
    // AuditService::integrity() == intact; unset = intact.
    std::function<bool()> audit_intact;
    // The recipient's İYS status (IysSyncService::view); unset = unknown.
    std::function<std::pair<compliance::GateFacts::IysStatus, bool>(std::int64_t shop_id,
                                                                    const std::string& e164)>
        iys;
  };

  // kInvalidArgument for a configuration the gate refuses (a time zone that
  // does not load); store errors while seeding the daily recipient limit.
  static core::Result<std::unique_ptr<MessageSending>> create(
      const config::AppConfig& config, core::store::Database& db, const core::KeyRing& keys,
      const core::Clock& clock, const compliance::AuditLog& audit,
      const compliance::ConsentLedger& ledger, core::metrics::Metrics& metrics,
      const std::map<std::string, std::int64_t, std::less<>>& shop_ids, Hooks hooks);

  MessageSending(const MessageSending&) = delete;
  MessageSending& operator=(const MessageSending&) = delete;
  ~MessageSending();

  const compliance::SendGate& gate() const { return *gate_; }
  const compliance::OutboxDelivery& delivery() const { return *delivery_; }
  const compliance::WhatsAppConsent& consent() const { return *consent_; }
  core::ports::MessageChannel& channel() { return *channel_; }
  OutboxDispatcher& dispatcher() { return *dispatcher_; }

 private:
  MessageSending() = default;

  std::unique_ptr<core::net::DefaultHttpClient> http_;
  std::unique_ptr<core::ports::MessageChannel> channel_;
  std::unique_ptr<compliance::SendGate> gate_;
  std::unique_ptr<compliance::OutboxDelivery> delivery_;
  std::unique_ptr<compliance::WhatsAppConsent> consent_;
  std::unique_ptr<OutboxDispatcher> dispatcher_;
};

}  // namespace cartrelay::app
