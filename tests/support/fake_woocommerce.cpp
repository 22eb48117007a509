#include "tests/support/fake_woocommerce.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/util/base64.h"
#include "core/util/clock.h"
#include "tests/support/fixtures.h"

namespace cartrelay::testing {
namespace {

using Json = nlohmann::json;

FakeResponse json(int status, const Json& body) {
  FakeResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

FakeResponse restError(int status, const std::string& code, const std::string& message) {
  return json(status, {{"code", code}, {"message", message}, {"data", {{"status", status}}}});
}

std::int64_t idOf(const Json& object) {
  auto it = object.find("id");
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

core::EpochMillis timeAt(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return 0;
  auto parsed = core::parseIso8601(it->get<std::string>());
  return parsed.isOk() ? *parsed : 0;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

}  // namespace

FakeWooCommerce::FakeWooCommerce()
    : server_([this](const RecordedRequest& request) { return handle(request); }) {
  const Json orders = Json::parse(readFixture("woocommerce/rest_v3_orders_list.json"));
  const Json customer = Json::parse(readFixture("woocommerce/rest_v3_customer_get.json"));
  std::lock_guard<std::mutex> lock(mu_);
  data_["orders"] = orders.get<std::vector<Json>>();
  data_["customers"] = {customer};
  std::set<std::int64_t> seen;
  for (const Json& order : orders) {
    for (const Json& line : order["line_items"]) {
      const std::int64_t id = line.value("product_id", std::int64_t{0});
      if (id == 0 || !seen.insert(id).second) continue;
      data_["products"].push_back({{"id", id},
                                   {"name", line.value("name", "")},
                                   {"type", "simple"},
                                   {"status", "publish"},
                                   {"date_created", order["date_created"]},
                                   {"date_created_gmt", order["date_created_gmt"]},
                                   {"date_modified", order["date_modified"]},
                                   {"date_modified_gmt", order["date_modified_gmt"]},
                                   {"categories", Json::array()},
                                   {"tags", Json::array()}});
    }
  }
}

void FakeWooCommerce::upsert(const std::string& resource, Json object) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& objects = data_[resource];
  for (Json& existing : objects) {
    if (idOf(existing) == idOf(object)) {
      existing = std::move(object);
      return;
    }
  }
  objects.push_back(std::move(object));
}

void FakeWooCommerce::remove(const std::string& resource, std::int64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& objects = data_[resource];
  objects.erase(
      std::remove_if(objects.begin(), objects.end(), [&](const Json& o) { return idOf(o) == id; }),
      objects.end());
}

void FakeWooCommerce::clear(const std::string& resource) {
  std::lock_guard<std::mutex> lock(mu_);
  data_[resource].clear();
}

std::vector<Json> FakeWooCommerce::objects(const std::string& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = data_.find(resource);
  return it == data_.end() ? std::vector<Json>() : it->second;
}

void FakeWooCommerce::setAllModified(const std::string& gmt_time) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [resource, objects] : data_) {
    for (Json& object : objects) {
      object["date_modified"] = gmt_time;
      object["date_modified_gmt"] = gmt_time;
      if (resource == "customers") {
        object["date_created"] = gmt_time;
        object["date_created_gmt"] = gmt_time;
      }
    }
  }
}

void FakeWooCommerce::addSyntheticOrders(int count, const std::string& status,
                                         const std::string& gmt_time) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int i = 0; i < count; ++i) {
    data_["orders"].push_back({{"id", 10'000 + i},
                               {"status", status},
                               {"currency", "USD"},
                               {"date_created", gmt_time},
                               {"date_created_gmt", gmt_time},
                               {"date_modified", gmt_time},
                               {"date_modified_gmt", gmt_time},
                               {"total", "10.00"},
                               {"customer_id", 0},
                               {"billing", {{"email", ""}, {"phone", ""}, {"country", "US"}}},
                               {"line_items", Json::array()}});
  }
}

void FakeWooCommerce::setAnyIncludesDrafts(bool include) {
  std::lock_guard<std::mutex> lock(mu_);
  any_includes_drafts_ = include;
}

void FakeWooCommerce::rejectCheckoutDraftStatus(bool reject) {
  std::lock_guard<std::mutex> lock(mu_);
  reject_drafts_ = reject;
}

void FakeWooCommerce::rateLimitNext(int count, const std::string& retry_after) {
  std::lock_guard<std::mutex> lock(mu_);
  rate_limit_next_ = count;
  retry_after_ = retry_after;
}

std::int64_t FakeWooCommerce::addWebhook(const std::string& topic, const std::string& delivery_url,
                                         const std::string& status) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::int64_t id = next_webhook_++;
  webhooks_.push_back({{"id", id},
                       {"name", "hook " + topic},
                       {"status", status},
                       {"topic", topic},
                       {"delivery_url", delivery_url},
                       {"secret", "preset"}});
  return id;
}

void FakeWooCommerce::setWebhookStatus(std::int64_t id, const std::string& status) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Json& hook : webhooks_) {
    if (idOf(hook) == id) hook["status"] = status;
  }
}

std::vector<Json> FakeWooCommerce::webhooks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return webhooks_;
}

FakeResponse FakeWooCommerce::handle(const RecordedRequest& request) {
  const std::string prefix = "/wp-json/wc/v3/";
  if (request.path.rfind(prefix, 0) != 0)
    return restError(404, "rest_no_route",
                     "No route was found matching the URL and request method.");
  const std::string expected =
      "Basic " + core::base64Encode(std::string(kConsumerKey) + ":" + kConsumerSecret);
  if (request.header("authorization").value_or("") != expected)
    return restError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.");

  std::lock_guard<std::mutex> lock(mu_);
  if (rate_limit_next_ > 0) {
    --rate_limit_next_;
    FakeResponse response = restError(429, "too_many_requests", "Too many requests.");
    response.headers.emplace_back("Retry-After", retry_after_);
    return response;
  }
  const std::string route = request.path.substr(prefix.size());
  if (route == "webhooks" || route.rfind("webhooks/", 0) == 0) return webhookCall(request);
  if (request.method == "GET" && (route == "orders" || route == "customers" || route == "products"))
    return list(route, request);
  return restError(404, "rest_no_route", "No route was found matching the URL and request method.");
}

FakeResponse FakeWooCommerce::list(const std::string& resource, const RecordedRequest& request) {
  // Caller holds mu_.
  std::vector<Json> items = data_[resource];
  const bool gmt = request.param("dates_are_gmt").value_or("false") == "true";
  if (auto after = request.param("modified_after")) {
    auto since = core::parseIso8601(*after);
    if (!since.isOk())
      return restError(400, "rest_invalid_param", "Invalid parameter(s): modified_after");
    const char* field = gmt ? "date_modified_gmt" : "date_modified";
    // WordPress date queries: strictly after.
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const Json& o) { return timeAt(o, field) <= *since; }),
                items.end());
  }
  if (resource == "orders") {
    std::vector<std::string> statuses = split(request.param("status").value_or("any"), ',');
    if (reject_drafts_ &&
        std::find(statuses.begin(), statuses.end(), "checkout-draft") != statuses.end())
      return restError(400, "rest_invalid_param", "Invalid parameter(s): status");
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const Json& o) {
                                 const std::string status = o.value("status", "");
                                 for (const std::string& wanted : statuses) {
                                   if (wanted == status) return false;
                                   if (wanted == "any" &&
                                       (status != "checkout-draft" || any_includes_drafts_))
                                     return false;
                                 }
                                 return true;
                               }),
                items.end());
  }
  const std::string orderby =
      request.param("orderby").value_or(resource == "customers" ? "name" : "date");
  const bool descending = request.param("order").value_or("desc") == "desc";
  auto key = [&](const Json& o) -> std::int64_t {
    if (orderby == "id") return idOf(o);
    if (orderby == "registered_date") return timeAt(o, "date_created_gmt");
    return timeAt(o, "date_created_gmt");  // date (and, loosely, name)
  };
  std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) {
    if (key(a) != key(b)) return descending ? key(a) > key(b) : key(a) < key(b);
    return descending ? idOf(a) > idOf(b) : idOf(a) < idOf(b);
  });

  const int per_page = std::clamp(std::stoi(request.param("per_page").value_or("10")), 1, 100);
  const int page = std::max(std::stoi(request.param("page").value_or("1")), 1);
  const int total = static_cast<int>(items.size());
  const int total_pages = (total + per_page - 1) / per_page;
  Json out = Json::array();
  for (int i = (page - 1) * per_page; i < total && i < page * per_page; ++i)
    out.push_back(items[i]);
  FakeResponse response = json(200, out);
  response.headers.emplace_back("X-WP-Total", std::to_string(total));
  response.headers.emplace_back("X-WP-TotalPages", std::to_string(total_pages));
  return response;
}

FakeResponse FakeWooCommerce::webhookCall(const RecordedRequest& request) {
  // Caller holds mu_.
  const std::string route = request.path.substr(std::string("/wp-json/wc/v3/").size());
  if (route == "webhooks" && request.method == "GET") {
    const int per_page = std::clamp(std::stoi(request.param("per_page").value_or("10")), 1, 100);
    const int page = std::max(std::stoi(request.param("page").value_or("1")), 1);
    const int total = static_cast<int>(webhooks_.size());
    Json out = Json::array();
    for (int i = (page - 1) * per_page; i < total && i < page * per_page; ++i)
      out.push_back(webhooks_[i]);
    FakeResponse response = json(200, out);
    response.headers.emplace_back("X-WP-Total", std::to_string(total));
    response.headers.emplace_back("X-WP-TotalPages",
                                  std::to_string((total + per_page - 1) / per_page));
    return response;
  }
  const Json body = Json::parse(request.body, nullptr, false);
  if (route == "webhooks" && request.method == "POST") {
    if (body.is_discarded() || !body.is_object() || !body.contains("topic") ||
        !body.contains("delivery_url"))
      return restError(400, "rest_missing_callback_param",
                       "Missing parameter(s): topic, delivery_url");
    Json hook = body;
    hook["id"] = next_webhook_++;
    if (!hook.contains("status")) hook["status"] = "active";
    webhooks_.push_back(hook);
    return json(201, hook);
  }
  if (route.rfind("webhooks/", 0) == 0 && (request.method == "PUT" || request.method == "POST")) {
    const std::int64_t id = std::stoll(route.substr(9));
    for (Json& hook : webhooks_) {
      if (idOf(hook) != id) continue;
      if (body.is_object()) {
        for (auto it = body.begin(); it != body.end(); ++it) hook[it.key()] = it.value();
      }
      return json(200, hook);
    }
    return restError(404, "woocommerce_rest_webhook_invalid_id", "Invalid ID.");
  }
  return restError(404, "rest_no_route", "No route was found matching the URL and request method.");
}

}  // namespace cartrelay::testing
