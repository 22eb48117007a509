#include "core/store/product_repo.h"

#include <functional>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "core/store/detail/dialect.h"
#include "core/store/detail/errors.h"

namespace cartrelay::core::store {
namespace {

using Json = nlohmann::json;

constexpr int kMaxLimit = 10000;

// JSON array text of `values`; std::nullopt when a value is not valid UTF-8
// (MariaDB's utf8mb4 columns would reject it; SQLite would store it).
std::optional<std::string> encodeList(const std::vector<std::string>& values) {
  try {
    return Json(values).dump(-1, ' ', false, Json::error_handler_t::strict);
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

bool validUtf8(const std::string& text) { return encodeList({text}).has_value(); }

// The strings of a stored JSON array; std::nullopt when the cell is not one.
std::optional<std::vector<std::string>> decodeList(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(parsed.size());
  for (const Json& item : parsed) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

struct Row {
  std::int64_t id = 0;
  std::int64_t shop_id = 0;
  std::string platform_product_id;
  std::string title;
  std::string product_type;
  std::string categories_json;
  std::string tags_json;
  std::int64_t platform_updated_at_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

constexpr std::string_view kSelect =
    "SELECT id, shop_id, platform_product_id, title, product_type, categories_json, tags_json,"
    " platform_updated_at_ms, created_at_ms, updated_at_ms FROM products ";

void exchangeRow(soci::statement& st, Row& r) {
  st.exchange(soci::into(r.id));
  st.exchange(soci::into(r.shop_id));
  st.exchange(soci::into(r.platform_product_id));
  st.exchange(soci::into(r.title));
  st.exchange(soci::into(r.product_type));
  st.exchange(soci::into(r.categories_json));
  st.exchange(soci::into(r.tags_json));
  st.exchange(soci::into(r.platform_updated_at_ms));
  st.exchange(soci::into(r.created_at_ms));
  st.exchange(soci::into(r.updated_at_ms));
}

Result<model::Product> decode(const Row& r) {
  model::Product p;
  p.id = r.id;
  p.shop_id = r.shop_id;
  p.platform_product_id = r.platform_product_id;
  p.title = r.title;
  p.product_type = r.product_type;
  auto categories = decodeList(r.categories_json);
  auto tags = decodeList(r.tags_json);
  if (!categories || !tags) {
    return Status::internal("products: malformed categories or tags in row " +
                            std::to_string(r.id));
  }
  p.categories = std::move(*categories);
  p.tags = std::move(*tags);
  p.platform_updated_at_ms = r.platform_updated_at_ms;
  p.created_at_ms = r.created_at_ms;
  p.updated_at_ms = r.updated_at_ms;
  return p;
}

Result<std::vector<model::Product>> query(soci::session& s, const std::string& where,
                                          const std::function<void(soci::statement&)>& bind) {
  Row row;
  soci::statement st(s);
  exchangeRow(st, row);
  bind(st);
  st.alloc();
  st.prepare(std::string(kSelect) + where);
  st.define_and_bind();
  st.execute();
  std::vector<model::Product> out;
  while (st.fetch()) {
    CARTRELAY_ASSIGN_OR_RETURN(model::Product p, decode(row));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

Result<UpsertResult> ProductRepo::upsert(soci::session& s, const model::Product& in) const {
  if (in.shop_id <= 0) return Status::invalidArgument("products: missing shop id");
  if (in.platform_product_id.empty()) {
    return Status::invalidArgument("products: missing platform product id");
  }
  std::optional<std::string> categories_json = encodeList(in.categories);
  std::optional<std::string> tags_json = encodeList(in.tags);
  if (!categories_json || !tags_json || !validUtf8(in.platform_product_id) ||
      !validUtf8(in.title) || !validUtf8(in.product_type)) {
    return Status::invalidArgument("products: text is not valid UTF-8");
  }
  return detail::guarded("products.upsert", [&]() -> Result<UpsertResult> {
    const Backend backend = detail::backendOf(s);
    CARTRELAY_RETURN_IF_ERROR(detail::checkShopAndCustomer(s, "products", in.shop_id, {}));
    const std::int64_t now = clock_.nowMillis();
    std::int64_t shop_id = in.shop_id;
    std::string platform_id = in.platform_product_id;

    std::int64_t id = 0;
    std::int64_t stored_updated = 0;
    s << "SELECT id, platform_updated_at_ms FROM products"
         " WHERE shop_id = :s AND platform_product_id = :p" +
             std::string(detail::forUpdate(backend)),
        soci::use(shop_id), soci::use(platform_id), soci::into(id), soci::into(stored_updated);
    const bool exists = s.got_data();
    if (exists && in.platform_updated_at_ms < stored_updated) return UpsertResult{id, false};

    std::string title = in.title;
    std::string product_type = in.product_type;
    std::int64_t updated = in.platform_updated_at_ms;

    if (!exists) {
      try {
        s << "INSERT INTO products (shop_id, platform_product_id, title, product_type,"
             " categories_json, tags_json, platform_updated_at_ms, created_at_ms, updated_at_ms)"
             " VALUES (:s, :p, :t, :y, :c, :g, :pu, :ca, :ua)",
            soci::use(shop_id), soci::use(platform_id), soci::use(title), soci::use(product_type),
            soci::use(*categories_json), soci::use(*tags_json), soci::use(updated), soci::use(now),
            soci::use(now);
      } catch (const std::exception& e) {
        if (!detail::isConstraintViolation(e)) throw;
        return Status::unavailable("products: inserted concurrently by another process; retry");
      }
      long long new_id = 0;
      if (!s.get_last_insert_id("products", new_id)) {
        return Status::internal("products: no insert id");
      }
      return UpsertResult{static_cast<std::int64_t>(new_id), true};
    }
    s << "UPDATE products SET title = :t, product_type = :y, categories_json = :c,"
         " tags_json = :g, platform_updated_at_ms = :pu, updated_at_ms = :ua WHERE id = :id",
        soci::use(title), soci::use(product_type), soci::use(*categories_json),
        soci::use(*tags_json), soci::use(updated), soci::use(now), soci::use(id);
    return UpsertResult{id, true};
  });
}

Result<std::optional<model::Product>> ProductRepo::findByPlatformId(
    soci::session& s, std::int64_t shop_id, const std::string& platform_product_id) const {
  return detail::guarded("products.find", [&]() -> Result<std::optional<model::Product>> {
    std::int64_t shop = shop_id;
    std::string pid = platform_product_id;
    CARTRELAY_ASSIGN_OR_RETURN(
        std::vector<model::Product> rows,
        query(s, "WHERE shop_id = :s AND platform_product_id = :p", [&](soci::statement& st) {
          st.exchange(soci::use(shop));
          st.exchange(soci::use(pid));
        }));
    if (rows.empty()) return std::optional<model::Product>();
    return std::optional<model::Product>(std::move(rows.front()));
  });
}

Result<std::vector<model::Product>> ProductRepo::list(soci::session& s,
                                                      const Filter& filter) const {
  if (filter.shop_id <= 0) return Status::invalidArgument("products: missing shop id");
  if (filter.limit < 1 || filter.limit > kMaxLimit) {
    return Status::invalidArgument("products: limit must be 1.." + std::to_string(kMaxLimit));
  }
  return detail::guarded("products.list", [&]() -> Result<std::vector<model::Product>> {
    std::int64_t shop = filter.shop_id;
    std::int64_t after = filter.after_id;
    int limit = filter.limit;
    return query(s, "WHERE shop_id = :shop AND id > :after ORDER BY id LIMIT :limit",
                 [&](soci::statement& st) {
                   st.exchange(soci::use(shop));
                   st.exchange(soci::use(after));
                   st.exchange(soci::use(limit));
                 });
  });
}

}  // namespace cartrelay::core::store
