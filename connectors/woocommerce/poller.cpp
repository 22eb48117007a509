#include "connectors/woocommerce/poller.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/util/log.h"

namespace cartrelay::connectors::woocommerce {
namespace {

using core::Status;
using Json = nlohmann::json;

std::string stringAt(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// REST ids are JSON integers; read as text without a detour through double.
std::string idOf(const Json& object) {
  if (!object.is_object()) return {};
  auto it = object.find("id");
  if (it == object.end()) return {};
  if (it->is_number_integer()) return it->dump();
  if (it->is_string()) return it->get<std::string>();
  return {};
}

std::string_view deliveryWord(PollResource resource) {
  switch (resource) {
    case PollResource::kOrders:
    case PollResource::kCheckoutDrafts:
      return "order";
    case PollResource::kCustomers:
      return "customer";
    case PollResource::kProducts:
      return "product";
  }
  return "order";
}

}  // namespace

std::string_view cursorKey(PollResource resource) {
  switch (resource) {
    case PollResource::kOrders:
      return "orders";
    case PollResource::kCheckoutDrafts:
      return "checkout_drafts";
    case PollResource::kCustomers:
      return "customers";
    case PollResource::kProducts:
      return "products";
  }
  return "orders";
}

std::string_view inboxTopic(PollResource resource) {
  switch (resource) {
    case PollResource::kOrders:
    case PollResource::kCheckoutDrafts:
      return "order.updated";
    case PollResource::kCustomers:
      return "customer.updated";
    case PollResource::kProducts:
      return "product.updated";
  }
  return "order.updated";
}

std::string gmtSeconds(core::EpochMillis t) {
  const core::EpochMillis floored = t - (((t % 1000) + 1000) % 1000);
  std::string text = core::formatIso8601(floored);  // "...:05.000Z"
  const auto dot = text.rfind('.');
  if (dot != std::string::npos) text.resize(dot);
  return text;
}

Poller::Poller(PollerOptions options, RestClient& client, core::store::Database& db,
               const core::Clock& clock, EventSink sink)
    : options_(std::move(options)),
      client_(client),
      db_(db),
      clock_(clock),
      sink_(std::move(sink)) {
  core::polling::clampPollOptions(options_);
  options_.per_page = std::clamp(options_.per_page, 1, 100);
}

PollRound Poller::pollOnce() {
  PollRound round;
  for (PollResource resource : options_.resources) round.resources.push_back(poll(resource));
  return round;
}

ResourcePoll Poller::poll(PollResource resource) {
  ResourcePoll result;
  result.resource = resource;
  const int waits_before = client_.rateLimitWaits();
  const std::string key(cursorKey(resource));
  if (resource == PollResource::kCheckoutDrafts && drafts_unsupported_) {
    result.note = "skipped: the shop rejects status=checkout-draft";
    return result;
  }

  auto window = core::polling::PollWindow::open(db_, clock_, options_, key, &gmtSeconds, result);
  if (!window) return result;
  const core::EpochMillis since = window->since();

  const bool customers = resource == PollResource::kCustomers;
  const std::string path = customers                             ? "customers"
                           : resource == PollResource::kProducts ? "products"
                                                                 : "orders";
  const char* time_field = customers ? "date_created_gmt" : "date_modified_gmt";
  bool finished = false;
  for (int page = 1; page <= options_.max_pages; ++page) {
    QueryParams query;
    if (customers) {
      query = {{"orderby", "registered_date"}, {"order", "desc"}};
    } else {
      query = {{"modified_after", gmtSeconds(since)},
               {"dates_are_gmt", "true"},
               {"orderby", "id"},
               {"order", "asc"}};
      if (resource == PollResource::kOrders) query.emplace_back("status", "any");
      if (resource == PollResource::kCheckoutDrafts) query.emplace_back("status", "checkout-draft");
    }
    query.emplace_back("per_page", std::to_string(options_.per_page));
    query.emplace_back("page", std::to_string(page));

    auto answer = client_.get(path, query);
    if (!answer.isOk()) {
      if (resource == PollResource::kCheckoutDrafts &&
          answer.status().code() == Status::Code::kPermanent) {
        drafts_unsupported_ = true;
        result.note =
            "skipped: the shop rejects status=checkout-draft (" + answer.status().message() + ")";
        core::log::warn("poll.checkout_drafts_unsupported")
            .kv("shop", options_.shop_name)
            .status(answer.status());
        break;
      }
      result.status = answer.status();
      break;
    }
    ++result.pages;
    const Json& items = answer->body;
    if (!items.is_array()) {
      result.status = Status::permanent("woocommerce GET /wc/v3/" + path + ": expected a list");
      break;
    }
    bool page_ok = true;
    bool reached_old = false;  // customers: walked past the cursor
    for (const Json& item : items) {
      const std::string id = idOf(item);
      const std::string modified = stringAt(item, "date_modified_gmt");
      auto when = core::parseIso8601(stringAt(item, time_field));
      if (id.empty() || !when.isOk()) {
        core::log::warn("poll.object_skipped")
            .kv("shop", options_.shop_name)
            .kv("resource", key)
            .kv("reason", "no id or modification time");
        continue;
      }
      if (customers && *when < since) {
        reached_old = true;
        break;
      }
      core::model::InboxEvent event;
      event.source = options_.shop_name;
      event.shop_id = options_.shop_id;
      event.platform = "woocommerce";
      event.topic = std::string(inboxTopic(resource));
      event.delivery_id = "poll:" + std::string(deliveryWord(resource)) + ":" + id + ":" +
                          (modified.empty() ? stringAt(item, time_field) : modified);
      event.headers_json = "{}";
      event.body = item.dump();
      if (!result.countStored(sink_(std::move(event)))) {
        page_ok = false;
        break;
      }
      window->observe(*when);
    }
    if (!page_ok) break;
    const bool last_page =
        reached_old ||
        (answer->total_pages ? page >= *answer->total_pages
                             : static_cast<int>(items.size()) < options_.per_page) ||
        items.empty();
    if (last_page) {
      finished = true;
      break;
    }
  }
  if (finished) window->commit(result);
  result.rate_limit_waits = client_.rateLimitWaits() - waits_before;
  return result;
}

}  // namespace cartrelay::connectors::woocommerce
