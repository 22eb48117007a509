#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/shop.h"

// `cartrelay replay`: sends payload files to the running daemon exactly as
// the shop's platform would deliver them, signed with the shop's
// webhook_secret, so an operator can reprocess a saved delivery or rehearse
// a configuration with the fixtures.
namespace cartrelay::app::cli {

struct ReplayOptions {
  std::string config_path;
  std::string shop;   // --shop NAME: the [shop.NAME] whose secret signs
  std::string topic;  // --topic T: for every file; empty = from each file name
  // --url URL: the daemon's base URL (http://127.0.0.1:port, or the https://
  // daemon.public_url behind a proxy); /webhooks/<platform>/<shop> is
  // appended. Plain http:// only to a loopback address, since payloads hold
  // personal data. Empty = http://<daemon.listen>, with 0.0.0.0 and ::
  // meaning 127.0.0.1.
  std::string url;
  // --delivery-id ID: the delivery id to send (Shopify X-Shopify-Event-Id and
  // X-Shopify-Webhook-Id, WooCommerce X-WC-Webhook-Delivery-ID); empty = a
  // fresh random UUID per file. Only with a single file: the daemon
  // deduplicates on it, so reusing it replays a retry of one delivery.
  std::string delivery_id;
  std::vector<std::string> files;
};

// Reads every file first (exact bytes, never re-serialised) and works out
// its topic; any problem there is a usage error (exit 2) and nothing is
// sent. Then POSTs the files in order, printing one line per file:
//   <file>  <HTTP status>  <topic>  <delivery id>
// (status "-" when the daemon could not be reached; the reason goes to
// stderr, with the start of the answer for a non-2xx status). Exit 0 when
// every file got a 2xx answer, 1 otherwise.
int replayCommand(const ReplayOptions& options);

// The webhook topic that a payload file's name stands for, or std::nullopt
// when the name follows no known pattern (pass --topic then). Only the
// final path component counts, up to its first '.', so "orders_create.json"
// and "orders_create.retry-2.json" are alike.
//
// Shopify topics are "<resource>/<verb>", and files name them with '_' for
// '/'. Resources and verbs may themselves contain '_', so the rule is: the
// name must end in "_<verb>" for a verb Shopify uses (create, update,
// updated, delete, paid, fulfilled, partially_fulfilled, cancelled, edited,
// redact, data_request, ...; the longest match wins), and the '_' in front of
// that verb becomes '/':
//   orders_create -> orders/create
//   customers_data_request -> customers/data_request
//   customers_whats_app_marketing_consent_update
//       -> customers_whats_app_marketing_consent/update
// WooCommerce topics are "<resource>.<event>" with the events created,
// updated, deleted and restored (and Abandoned Cart Lite's cutoff and
// recovered): order_created -> order.created, wcap_cart_cutoff ->
// wcap_cart.cutoff.
// The resource must be non-empty lower-case letters, digits and '_'.
std::optional<std::string> topicFromFileName(std::string_view path, core::model::Platform platform);

}  // namespace cartrelay::app::cli
