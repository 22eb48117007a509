#pragma once

#include <cstdint>
#include <string>

// The operator's view of what the shop connectors stored (DESIGN.md "The
// interface"): `inbox list`, `inbox retry`, `carts list`, `orders list` and
// `customers show`. Each function is called by cli.cpp after option parsing,
// validates the values itself, prints to stdout (errors to stderr, one line)
// and returns the exit code: 0 success, 1 failure or nothing found (`inbox
// retry`, `customers show`), 2 usage or configuration error.
//
// They open the store through OperatorStore (command_support.h), so they need
// the same configuration and key files as the daemon and run as root or as
// the service user; they read while the daemon runs (SQLite WAL or MariaDB).
namespace cartrelay::app::cli {

// The options the list commands share.
struct ListOptions {
  std::string config_path;
  std::string shop;           // --shop NAME; empty = all shops
  std::string state;          // --state S; empty = any (inbox, carts)
  std::int64_t after_id = 0;  // --after ID: only ids greater than this (paging)
  int limit = 100;            // --limit N, 1..10000
  bool json = false;          // --json
};

// Inbox events in arrival order: id, shop, platform, topic, delivery id,
// received time, state, attempts, reason. Never the body. `state` is
// received | done | duplicate | quarantined.
int inboxListCommand(const ListOptions& options);

// Moves quarantined event `id` (decimal text, as typed) back to `received`
// so the daemon processes it again. 1 when there is no such event or it is
// not quarantined.
int inboxRetryCommand(const std::string& config_path, const std::string& id);

// Carts (abandoned checkouts) by id: totals in the currency's decimals.
// `state` is open | completed | deleted.
int cartsListCommand(const ListOptions& options);

// Orders by id. `state` is not used.
int ordersListCommand(const ListOptions& options);

// Messages in the outbox in id order: id, shop, created time, journey, step,
// template, decision (and the gate's reason), state, attempts, error and
// Meta's message id; the recipient only as its keyed hash. `state` is a
// compliance::DeliveryState name (queued, sent, failed, unknown, ...).
int outboxListCommand(const ListOptions& options);

struct CustomerQuery {
  std::string config_path;
  std::string phone;  // exactly one of phone and email
  std::string email;
  std::string shop;  // empty = every shop
  bool json = false;
};

// The customers whose phone or e-mail matches, with their personal data in
// clear. A phone without a country code is normalised with the --shop's
// country, or else with each configured shop's country in turn (so
// "0532 123 45 67" finds +905321234567 in a TR shop). 1 when nobody matches.
int customersShowCommand(const CustomerQuery& query);

}  // namespace cartrelay::app::cli
