#include "core/store/shop_repo.h"

#include <soci/soci.h>

#include "core/store/detail/bind.h"
#include "core/store/detail/errors.h"

namespace cartrelay::core::store {
namespace {

Result<model::Shop> toShop(std::int64_t id, std::string name, const std::string& platform,
                           std::int64_t created_at_ms) {
  auto parsed = model::parsePlatform(platform);
  if (!parsed)
    return Status::internal("shops: unknown platform value in row " + std::to_string(id));
  return model::Shop{id, std::move(name), *parsed, created_at_ms};
}

}  // namespace

Result<std::int64_t> ShopRepo::ensure(soci::session& s, const std::string& name,
                                      model::Platform platform) const {
  if (name.empty()) return Status::invalidArgument("shops: empty shop name");
  return detail::guarded("shops.ensure", [&]() -> Result<std::int64_t> {
    CARTRELAY_ASSIGN_OR_RETURN(std::optional<model::Shop> existing, findByName(s, name));
    if (existing) {
      if (existing->platform != platform) {
        return Status::invalidArgument("shops: shop '" + name + "' is registered as " +
                                       std::string(model::toString(existing->platform)) + ", not " +
                                       std::string(model::toString(platform)));
      }
      return existing->id;
    }
    std::string platform_text(model::toString(platform));
    std::int64_t now = clock_.nowMillis();
    try {
      s << "INSERT INTO shops (name, platform, created_at_ms) VALUES (:n, :p, :t)", soci::use(name),
          soci::use(platform_text), soci::use(now);
    } catch (const std::exception& e) {
      if (!detail::isConstraintViolation(e)) throw;
      return Status::unavailable("shops: inserted concurrently by another process; retry");
    }
    long long id = 0;
    if (!s.get_last_insert_id("shops", id)) return Status::internal("shops: no insert id");
    return static_cast<std::int64_t>(id);
  });
}

Result<std::optional<model::Shop>> ShopRepo::findByName(soci::session& s,
                                                        const std::string& name) const {
  return detail::guarded("shops.find", [&]() -> Result<std::optional<model::Shop>> {
    std::int64_t id = 0;
    std::int64_t created = 0;
    std::string found_name;
    std::string platform;
    s << "SELECT id, name, platform, created_at_ms FROM shops WHERE name = :n", soci::use(name),
        soci::into(id), soci::into(found_name), soci::into(platform), soci::into(created);
    if (!s.got_data()) return std::optional<model::Shop>();
    CARTRELAY_ASSIGN_OR_RETURN(model::Shop shop,
                               toShop(id, std::move(found_name), platform, created));
    return std::optional<model::Shop>(std::move(shop));
  });
}

Result<std::vector<model::Shop>> ShopRepo::list(soci::session& s) const {
  return detail::guarded("shops.list", [&]() -> Result<std::vector<model::Shop>> {
    std::vector<model::Shop> out;
    std::int64_t id = 0;
    std::int64_t created = 0;
    std::string name;
    std::string platform;
    soci::statement st =
        (s.prepare << "SELECT id, name, platform, created_at_ms FROM shops"
                      " ORDER BY name",
         soci::into(id), soci::into(name), soci::into(platform), soci::into(created));
    st.execute();
    while (st.fetch()) {
      CARTRELAY_ASSIGN_OR_RETURN(model::Shop shop, toShop(id, name, platform, created));
      out.push_back(std::move(shop));
    }
    return out;
  });
}

}  // namespace cartrelay::core::store
