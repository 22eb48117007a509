#include "connectors/woocommerce/webhook_subscriptions.h"

#include <map>

#include <nlohmann/json.hpp>

namespace cartrelay::connectors::woocommerce {
namespace {

using Json = nlohmann::json;

constexpr int kMaxPages = 10;

std::string stringAt(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool endsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

struct Found {
  std::string id;
  std::string status;
};

}  // namespace

const std::vector<std::string>& requiredWebhookTopics() {
  static const std::vector<std::string> kTopics = {
      "order.created",    "order.updated",    "order.deleted",   "customer.created",
      "customer.updated", "customer.deleted", "product.created", "product.updated",
  };
  return kTopics;
}

std::string deliveryUrl(std::string_view public_url, std::string_view shop_name) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/webhooks/woocommerce/" + std::string(shop_name);
}

SubscriptionCheck checkWebhooks(RestClient& client, std::string_view shop_name,
                                std::string_view public_url, std::string_view webhook_secret) {
  SubscriptionCheck check;
  const std::string ours = public_url.empty() ? std::string() : deliveryUrl(public_url, shop_name);
  const std::string our_suffix = "/webhooks/woocommerce/" + std::string(shop_name);

  // topic -> our webhook for it; an active one wins over an inactive duplicate.
  std::map<std::string, Found> found;
  bool complete = false;
  for (int page = 1; page <= kMaxPages; ++page) {
    auto answer = client.get("webhooks", {{"per_page", "100"}, {"page", std::to_string(page)}});
    if (!answer.isOk()) {
      check.status = answer.status();
      check.detail = "cannot list webhooks: " + answer.status().message();
      return check;
    }
    if (!answer->body.is_array()) {
      check.status = core::Status::permanent("webhooks: expected a list");
      check.detail = "cannot list webhooks: unexpected response";
      return check;
    }
    for (const Json& hook : answer->body) {
      const std::string url = stringAt(hook, "delivery_url");
      const bool mine = ours.empty() ? endsWith(url, our_suffix) : url == ours;
      if (!mine) continue;
      const std::string topic = stringAt(hook, "topic");
      std::string id;
      if (auto it = hook.find("id"); it != hook.end() && it->is_number_integer()) id = it->dump();
      Found entry{id, stringAt(hook, "status")};
      auto existing = found.find(topic);
      if (existing == found.end() ||
          (existing->second.status != "active" && entry.status == "active"))
        found[topic] = entry;
    }
    const std::int64_t pages = answer->total_pages.value_or(
        static_cast<std::int64_t>(answer->body.size()) < 100 ? page : page + 1);
    if (page >= pages || answer->body.empty()) {
      complete = true;
      break;
    }
  }
  if (!complete) {
    check.status = core::Status::unavailable("more webhooks than expected");
    check.detail = "cannot list webhooks: too many pages";
    return check;
  }

  for (const std::string& topic : requiredWebhookTopics()) {
    auto it = found.find(topic);
    if (it != found.end()) {
      if (it->second.status == "active") continue;
      // disabled (delivery failures) or paused (by an admin): re-activate.
      auto put = it->second.id.empty()
                     ? core::Result<RestResult>(core::Status::permanent("webhook without id"))
                     : client.put("webhooks/" + it->second.id, Json{{"status", "active"}});
      if (put.isOk()) {
        check.reenabled.push_back(topic);
      } else {
        check.disabled.push_back(topic);
        if (check.detail.empty())
          check.detail = "cannot re-enable " + topic + ": " + put.status().message();
      }
      continue;
    }
    if (ours.empty() || webhook_secret.empty()) {
      check.missing.push_back(topic);
      if (check.detail.empty())
        check.detail = ours.empty() ? "daemon.public_url is not set, so missing webhooks cannot "
                                      "be created"
                                    : "webhook_secret is not set, so missing webhooks cannot be "
                                      "created";
      continue;
    }
    Json body = {{"name", "cartrelay " + topic},
                 {"topic", topic},
                 {"delivery_url", ours},
                 {"secret", std::string(webhook_secret)},
                 {"status", "active"}};
    auto post = client.post("webhooks", body);
    if (post.isOk()) {
      check.created.push_back(topic);
    } else {
      check.missing.push_back(topic);
      if (check.detail.empty())
        check.detail = "cannot create " + topic + ": " + post.status().message();
    }
  }
  if (!check.disabled.empty()) {
    check.health = std::string(kHealthDisabled);
  } else if (!check.missing.empty()) {
    check.health = std::string(kHealthMissing);
  } else if (!check.created.empty() || !check.reenabled.empty()) {
    check.health = std::string(kHealthReregistered);
  } else {
    check.health = std::string(kHealthOk);
  }
  return check;
}

}  // namespace cartrelay::connectors::woocommerce
