#include "app/cli/command_support.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <utility>

#include "app/config/loader.h"
#include "app/store_options.h"
#include "core/store/database_url.h"
#include "core/store/migrations.h"
#include "core/store/shop_repo.h"
#include "core/util/log.h"
#include "core/util/phone.h"

namespace cartrelay::app::cli {

void printError(std::string_view command, std::string_view message) {
  std::cerr << "cartrelay " << command << ": " << message << "\n";
}

std::optional<config::AppConfig> loadOrReport(const std::string& path) {
  config::LoadResult result = config::loadConfigFile(path);
  for (const auto& error : result.errors) std::cerr << error.toString() << "\n";
  return std::move(result.config);
}

OperatorStore::OperatorStore(config::AppConfig config, core::KeyRing keys,
                             std::unique_ptr<core::store::Database> database)
    : config_(std::move(config)), keys_(std::move(keys)), database_(std::move(database)) {}

OperatorStore::~OperatorStore() = default;

std::unique_ptr<OperatorStore> OperatorStore::open(const std::string& config_path,
                                                   std::string_view command, int* exit_code) {
  *exit_code = kExitUsage;
  auto config = loadOrReport(config_path);
  if (!config) return nullptr;

  auto keys = core::KeyRing::load(config->daemon.key_dir);
  if (!keys.isOk()) {
    printError(command, "daemon.key_dir: " + keys.status().message());
    return nullptr;
  }

  *exit_code = kExitFailure;
  // An operator command only reads what the daemon stored: refuse a SQLite
  // file that does not exist rather than creating an empty one.
  auto url = core::store::parseDatabaseUrl(config->daemon.database_url);
  if (url.isOk() && url->backend == core::store::Backend::kSqlite && url->path != ":memory:" &&
      !std::filesystem::exists(url->path)) {
    printError(command, "database " + url->redacted() +
                            " does not exist (start the daemon or run `cartrelay migrate` first)");
    return nullptr;
  }

  core::log::setMinLevel(core::log::Level::kWarn);
  auto db = core::store::Database::open(storeOptions(config->daemon), nullptr);
  if (!db.isOk()) {
    printError(command, db.status().toString());
    return nullptr;
  }
  auto version = core::store::currentVersion(**db);
  if (!version.isOk()) {
    printError(command, version.status().toString());
    return nullptr;
  }
  const int latest = core::store::latestVersion();
  if (*version < latest) {
    printError(command, "the database schema is at version " + std::to_string(*version) +
                            ", this cartrelay needs " + std::to_string(latest) +
                            ": run `cartrelay migrate` (or start the daemon)");
    return nullptr;
  }
  if (*version > latest) {
    printError(command, "the database schema (version " + std::to_string(*version) +
                            ") is newer than this cartrelay (" + std::to_string(latest) +
                            "): upgrade cartrelay");
    return nullptr;
  }

  std::unique_ptr<OperatorStore> store(
      new OperatorStore(std::move(*config), std::move(keys).value(), std::move(db).value()));
  core::store::ShopRepo shop_repo(store->clock_);
  auto shops = store->database_->querySession([&](soci::session& s) { return shop_repo.list(s); });
  if (!shops.isOk()) {
    printError(command, shops.status().toString());
    return nullptr;
  }
  store->shops_ = std::move(shops).value();
  *exit_code = kExitOk;
  return store;
}

std::string OperatorStore::shopName(std::int64_t id) const {
  for (const auto& shop : shops_) {
    if (shop.id == id) return shop.name;
  }
  return "#" + std::to_string(id);
}

const config::ShopConfig* OperatorStore::shopConfig(std::string_view name) const {
  for (const auto& shop : config_.shops) {
    if (shop.name == name) return &shop;
  }
  return nullptr;
}

bool OperatorStore::selectShop(std::string_view command, const std::string& name,
                               ShopSelection* out) const {
  *out = ShopSelection{};
  if (name.empty()) return true;
  out->all = false;
  out->name = name;
  for (const auto& shop : shops_) {
    if (shop.name == name) out->shop = shop;
  }
  if (out->shop || shopConfig(name) != nullptr) return true;
  std::string known;
  for (const auto& shop : config_.shops) known += (known.empty() ? "" : ", ") + shop.name;
  printError(command, "unknown shop '" + name +
                          "' (configured: " + (known.empty() ? std::string("none") : known) + ")");
  return false;
}

std::vector<std::string> phoneCandidates(const OperatorStore& store, const ShopSelection& shop,
                                         std::string_view phone) {
  std::vector<std::string> regions;
  const config::ShopConfig* selected = shop.all ? nullptr : store.shopConfig(shop.name);
  if (selected != nullptr) {
    regions.push_back(selected->country);
  } else {
    for (const auto& s : store.config().shops) regions.push_back(s.country);
  }
  regions.push_back("");
  std::vector<std::string> out;
  for (const auto& region : regions) {
    core::NormalisedPhone normalised = core::normalisePhone(phone, region);
    if (normalised.valid) out.push_back(normalised.value);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace cartrelay::app::cli
