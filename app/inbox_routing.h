#pragma once

#include "app/config/app_config.h"
#include "core/inbox/inbox_processor.h"

namespace cartrelay::app {

// The inbox processor's routing table, built from the configuration: an
// event stored for shop NAME is mapped by that shop's platform connector with
// the shop's country, currency and consent meta key. An event whose shop is
// no longer configured, or whose platform does not match the shop's, is
// refused (and so quarantined with that reason) rather than guessed at.
//
// The returned function holds its own copy of what it needs and the
// connectors' (stateless) mappers; it is safe to call from any thread.
//
// Events of platform "whatsapp" (the Cloud API's webhooks, not a shop's) go
// to `whatsapp`, which must outlive the router; null refuses them.
core::inbox::InboxProcessor::Router makeInboxRouter(
    const config::AppConfig& config, const core::ports::InboxEventHandler* whatsapp = nullptr);

}  // namespace cartrelay::app
