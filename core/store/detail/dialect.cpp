#include "core/store/detail/dialect.h"

#include <algorithm>
#include <array>
#include <utility>

#include <soci/soci.h>

namespace cartrelay::core::store::detail {
namespace {

struct Token {
  std::string_view name;
  std::string_view sqlite;
  std::string_view mariadb;
};

constexpr std::array<Token, 8> kTokens{{
    {"${ID}", "INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY"},
    {"${BIGINT}", "BIGINT", "BIGINT"},
    {"${KEY}", "TEXT", "VARCHAR(255)"},
    {"${SHORT}", "TEXT", "VARCHAR(32)"},
    {"${HASH}", "TEXT", "VARCHAR(64)"},
    {"${TEXT}", "TEXT", "TEXT"},
    {"${LONGTEXT}", "TEXT", "LONGTEXT"},
    {"${TABLE_OPTIONS}", "", " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"},
}};

}  // namespace

Result<std::string> expandSchemaSql(Backend backend, std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 256);
  std::size_t i = 0;
  while (i < sql.size()) {
    if (sql.compare(i, 2, "${") == 0) {
      bool matched = false;
      for (const Token& t : kTokens) {
        if (sql.compare(i, t.name.size(), t.name) == 0) {
          out += backend == Backend::kSqlite ? t.sqlite : t.mariadb;
          i += t.name.size();
          matched = true;
          break;
        }
      }
      if (!matched) {
        return Status::internal("migrations: unknown schema token at offset " + std::to_string(i));
      }
      continue;
    }
    out += sql[i++];
  }
  return out;
}

Backend backendOf(soci::session& s) {
  return s.get_backend_name() == "mysql" ? Backend::kMariaDb : Backend::kSqlite;
}

std::string_view forUpdate(Backend backend) {
  return backend == Backend::kMariaDb ? " FOR UPDATE" : "";
}

std::string upsertSql(Backend backend, std::string_view table,
                      std::initializer_list<std::string_view> columns,
                      std::initializer_list<std::string_view> key_columns) {
  std::string names;
  std::string values;
  std::string updates;
  int n = 0;
  for (std::string_view column : columns) {
    if (n > 0) {
      names += ", ";
      values += ", ";
    }
    names += column;
    values += ":v" + std::to_string(n++);
    if (std::find(key_columns.begin(), key_columns.end(), column) != key_columns.end()) continue;
    if (!updates.empty()) updates += ", ";
    updates += std::string(column) + " = ";
    updates += backend == Backend::kSqlite ? "excluded." + std::string(column)
                                           : "VALUES(" + std::string(column) + ")";
  }
  std::string sql =
      "INSERT INTO " + std::string(table) + " (" + names + ") VALUES (" + values + ")";
  if (backend == Backend::kSqlite) {
    std::string keys;
    for (std::string_view key : key_columns) {
      if (!keys.empty()) keys += ", ";
      keys += key;
    }
    return sql + " ON CONFLICT (" + keys + ") DO UPDATE SET " + updates;
  }
  return sql + " ON DUPLICATE KEY UPDATE " + updates;
}

}  // namespace cartrelay::core::store::detail

namespace cartrelay::core::store::detail {

bool tableExists(soci::session& s, const std::string& table) {
  long long count = 0;
  std::string name = table;
  if (backendOf(s) == Backend::kSqlite) {
    s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :name",
        soci::use(name), soci::into(count);
  } else {
    s << "SELECT COUNT(*) FROM information_schema.tables"
         " WHERE table_schema = DATABASE() AND table_name = :name",
        soci::use(name), soci::into(count);
  }
  return count > 0;
}

bool indexExists(soci::session& s, const std::string& table, const std::string& index) {
  long long count = 0;
  std::string t = table;
  std::string i = index;
  if (backendOf(s) == Backend::kSqlite) {
    s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND name = :i",
        soci::use(t), soci::use(i), soci::into(count);
  } else {
    s << "SELECT COUNT(*) FROM information_schema.statistics"
         " WHERE table_schema = DATABASE() AND table_name = :t AND index_name = :i",
        soci::use(t), soci::use(i), soci::into(count);
  }
  return count > 0;
}

bool triggerExists(soci::session& s, const std::string& trigger) {
  long long count = 0;
  std::string t = trigger;
  if (backendOf(s) == Backend::kSqlite) {
    s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = :t", soci::use(t),
        soci::into(count);
  } else {
    s << "SELECT COUNT(*) FROM information_schema.triggers"
         " WHERE trigger_schema = DATABASE() AND trigger_name = :t",
        soci::use(t), soci::into(count);
  }
  return count > 0;
}

bool columnExists(soci::session& s, const std::string& table, const std::string& column) {
  long long count = 0;
  std::string t = table;
  std::string c = column;
  if (backendOf(s) == Backend::kSqlite) {
    s << "SELECT COUNT(*) FROM pragma_table_info(:t) WHERE name = :c", soci::use(t), soci::use(c),
        soci::into(count);
  } else {
    s << "SELECT COUNT(*) FROM information_schema.columns"
         " WHERE table_schema = DATABASE() AND table_name = :t AND column_name = :c",
        soci::use(t), soci::use(c), soci::into(count);
  }
  return count > 0;
}

}  // namespace cartrelay::core::store::detail

namespace cartrelay::core::store::detail {

bool rowExists(soci::session& s, const char* table, std::int64_t id) {
  long long count = 0;
  std::int64_t key = id;
  s << "SELECT COUNT(*) FROM " + std::string(table) + " WHERE id = :id", soci::use(key),
      soci::into(count);
  return count > 0;
}

Status checkShopAndCustomer(soci::session& s, std::string_view what, std::int64_t shop_id,
                            const std::optional<std::int64_t>& customer_id) {
  if (!rowExists(s, "shops", shop_id)) {
    return Status::invalidArgument(std::string(what) + ": unknown shop id " +
                                   std::to_string(shop_id));
  }
  if (customer_id && !rowExists(s, "customers", *customer_id)) {
    return Status::invalidArgument(std::string(what) + ": unknown customer id " +
                                   std::to_string(*customer_id));
  }
  return Status::ok();
}

}  // namespace cartrelay::core::store::detail
