#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "app/http/router.h"

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

namespace cartrelay::app {
class MessageSending;
}  // namespace cartrelay::app

namespace cartrelay::app::http {

// What the message routes use. Pointers must outlive the server.
struct MessageDeps {
  std::string admin_token;
  core::store::Database* database = nullptr;
  MessageSending* sending = nullptr;
  std::map<std::string, std::int64_t, std::less<>> shop_ids;  // by [shop.NAME]
};

// The admin API twins of `cartrelay send` and `cartrelay outbox list`.
//   POST /api/v1/send    {"to", "template", "params": {NAME: VALUE}, "shop"}
//                        -> 202 {"decision", "reason", "outbox_id", "retry_at"}: the gate
//                        decided and, for ALLOW, the daemon's sender was woken (the
//                        message's fate then shows in the outbox)
//   GET  /api/v1/outbox?state=S&after=ID&limit=N
//                        -> 200 [outbox entries, as `outbox list --json`]
// "shop" may be left out when exactly one shop is configured. Errors: 400
// (the message names the field, never its value), 503 when the store is
// unavailable. The recipient travels only in the request body.
void addMessageRoutes(Router& router, MessageDeps deps);

}  // namespace cartrelay::app::http
