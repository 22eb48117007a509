#include "connectors/whatsapp/template_list.h"

#include <nlohmann/json.hpp>

#include "connectors/whatsapp/error_taxonomy.h"
#include "core/util/url_encoding.h"

namespace cartrelay::whatsapp {
namespace {

using core::Result;
using core::Status;
using Json = nlohmann::json;

std::string text(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return {};
}

// What a refused listing means for whoever runs the sync: wait and try
// again, fix the credentials, or fix the configuration.
Status refused(int http_status, const std::string& body) {
  const CloudApiError error = parseCloudApiError(http_status, body);
  const std::string what =
      "template list: HTTP " + std::to_string(http_status) + ", code " + std::to_string(error.code);
  if (http_status >= 500 || http_status == 429 || error.code == 4 || error.code == 80008 ||
      error.code == 130429) {
    return Status::unavailable(what + " (try again later)");
  }
  if (error.code == 190 || error.code == 10 || error.code == 200 || error.code == 3 ||
      http_status == 401 || http_status == 403) {
    return Status::unauthenticated(what + " (the access token or its permissions)");
  }
  return Status::invalidArgument(what + " (check whatsapp.waba_id)");
}

ListedTemplate listedOf(const Json& item) {
  ListedTemplate t;
  t.name = text(item, "name");
  t.language = text(item, "language");
  t.id = text(item, "id");
  t.status = text(item, "status");
  t.category = text(item, "category");
  auto quality = item.find("quality_score");
  if (quality != item.end() && quality->is_object()) t.quality = text(*quality, "score");
  return t;
}

}  // namespace

Result<std::vector<ListedTemplate>> listTemplates(core::net::HttpClient& http,
                                                  const TemplateListConfig& config) {
  const std::string first = config.api_base + "/" + config.api_version + "/" +
                            core::percentEncode(config.waba_id) +
                            "/message_templates?fields=name,language,status,category,quality_"
                            "score,id&limit=" +
                            std::to_string(kTemplatePageSize);
  std::vector<ListedTemplate> out;
  std::string after;
  for (int page = 0; page < kMaxTemplatePages; ++page) {
    core::net::HttpRequest request;
    request.method = "GET";
    request.url = after.empty() ? first : first + "&after=" + core::percentEncode(after);
    request.headers = {{"Authorization", "Bearer " + config.access_token}};
    auto answer = http.send(request);
    if (!answer.isOk()) return answer.status().withContext("template list");
    if (answer->status < 200 || answer->status >= 300) return refused(answer->status, answer->body);

    const Json body = Json::parse(answer->body, nullptr, false);
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array()) {
      return Status::internal("template list: the answer has no data array");
    }
    for (const Json& item : body["data"]) {
      if (!item.is_object()) continue;
      ListedTemplate t = listedOf(item);
      // Without both a template cannot be addressed (a send names
      // name + language.code), so it cannot be one of ours.
      if (!t.name.empty() && !t.language.empty()) out.push_back(std::move(t));
    }
    // Meta sends `next` only when there is another page.
    const Json paging = body.value("paging", Json::object());
    if (!paging.is_object() || !paging.contains("next")) return out;
    const Json cursors = paging.value("cursors", Json::object());
    after = cursors.is_object() ? text(cursors, "after") : std::string();
    if (after.empty()) return Status::internal("template list: a next page without a cursor");
  }
  return Status::internal("template list: more than " + std::to_string(kMaxTemplatePages) +
                          " pages");
}

}  // namespace cartrelay::whatsapp
