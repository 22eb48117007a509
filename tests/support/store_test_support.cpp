#include "tests/support/store_test_support.h"

#include <cstdlib>
#include <random>

#include <soci/soci.h>
#include <unistd.h>

#include "core/store/database_url.h"
#include "core/store/migrations.h"

namespace cartrelay::testing {

using core::store::Backend;
using core::store::Database;
using core::store::DatabaseOptions;

std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
  return std::string(core::store::toString(info.param));
}

std::unique_ptr<ScratchDatabase> ScratchDatabase::create(Backend backend) {
  std::unique_ptr<ScratchDatabase> scratch(new ScratchDatabase());
  scratch->options_.pool_size = 3;
  scratch->options_.busy_timeout_ms = 10000;
  scratch->options_.connect_timeout_s = 5;
  if (backend == Backend::kSqlite) {
    scratch->sqlite_path_ = scratch->dir_.file("cartrelay.db");
    scratch->options_.url = "sqlite://" + scratch->sqlite_path_;
    return scratch;
  }

  const char* env = std::getenv(kMySqlUrlEnv);
  if (env == nullptr || *env == '\0') {
    ADD_FAILURE() << kMySqlUrlEnv
                  << " is not set. The MariaDB store tests need a server: run\n"
                     "  scripts/test-mariadb.sh start\n"
                     "  export "
                  << kMySqlUrlEnv
                  << "=$(scripts/test-mariadb.sh url)\n"
                     "or exclude them with `ctest -LE mariadb`.";
    return nullptr;
  }
  auto base = core::store::parseDatabaseUrl(env);
  if (!base.isOk()) {
    ADD_FAILURE() << kMySqlUrlEnv << ": " << base.status().toString();
    return nullptr;
  }
  DatabaseOptions admin_options;
  admin_options.url = env;
  admin_options.pool_size = 1;
  auto admin = Database::open(admin_options, nullptr);
  if (!admin.isOk()) {
    ADD_FAILURE() << "cannot reach the MariaDB test server (" << base->redacted()
                  << "): " << admin.status().toString();
    return nullptr;
  }
  scratch->admin_ = std::move(admin).value();

  std::random_device rd;
  std::uniform_int_distribution<std::uint32_t> dist;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", dist(rd));
  // Generated from digits and hex only, so safe to splice as an identifier.
  scratch->mysql_database_ =
      "cartrelay_test_" + std::to_string(::getpid()) + "_" + std::string(suffix);
  std::string create = "CREATE DATABASE `" + scratch->mysql_database_ +
                       "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
  core::Status status = scratch->admin_->withSession([&](soci::session& s) {
    s << create;
    return core::Status::ok();
  });
  if (!status.isOk()) {
    ADD_FAILURE() << "CREATE DATABASE failed: " << status.toString();
    return nullptr;
  }
  core::store::DatabaseUrl url = *base;
  url.database = scratch->mysql_database_;
  scratch->options_.url = url.toString();
  return scratch;
}

ScratchDatabase::~ScratchDatabase() {
  if (admin_ && !mysql_database_.empty()) {
    std::string drop = "DROP DATABASE IF EXISTS `" + mysql_database_ + "`";
    core::Status status = admin_->withSession([&](soci::session& s) {
      s << drop;
      return core::Status::ok();
    });
    if (!status.isOk()) ADD_FAILURE() << "DROP DATABASE failed: " << status.toString();
  }
}

void StoreTest::SetUp() {
  scratch_ = ScratchDatabase::create(GetParam());
  ASSERT_NE(scratch_, nullptr) << "no scratch database (see the failure above)";
  auto keydir = scratch_->dir().file("keys");
  ASSERT_TRUE(core::KeyRing::generateMissing(keydir, 0600, -1).isOk());
  auto keys = core::KeyRing::load(keydir);
  ASSERT_TRUE(keys.isOk()) << keys.status().toString();
  keys_.emplace(std::move(keys).value());
  auto db = Database::open(scratch_->options(), nullptr);
  ASSERT_TRUE(db.isOk()) << db.status().toString();
  db_ = std::move(db).value();
}

void StoreTest::TearDown() {
  db_.reset();
  scratch_.reset();
}

void StoreTest::openMigrated() { ASSERT_TRUE(core::store::migrate(*db_, clock_).isOk()); }

void StoreTest::exec(const std::string& sql) {
  core::Status status = db_->withSession([&](soci::session& s) {
    s << sql;
    return core::Status::ok();
  });
  ASSERT_TRUE(status.isOk()) << status.toString();
}

std::vector<std::vector<std::string>> StoreTest::rawRows(const std::string& select) {
  std::vector<std::vector<std::string>> out;
  core::Status status = db_->withSession([&](soci::session& s) {
    soci::rowset<soci::row> rows = (s.prepare << select);
    for (const soci::row& row : rows) {
      std::vector<std::string> cells;
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (row.get_indicator(i) == soci::i_null) {
          cells.emplace_back("<null>");
          continue;
        }
        switch (row.get_properties(i).get_data_type()) {
          case soci::dt_string:
          case soci::dt_blob:
          case soci::dt_xml:
            cells.push_back(row.get<std::string>(i));
            break;
          case soci::dt_integer:
            cells.push_back(std::to_string(row.get<int>(i)));
            break;
          case soci::dt_long_long:
            cells.push_back(std::to_string(row.get<long long>(i)));
            break;
          case soci::dt_unsigned_long_long:
            cells.push_back(std::to_string(row.get<unsigned long long>(i)));
            break;
          case soci::dt_double:
            cells.push_back(std::to_string(row.get<double>(i)));
            break;
          case soci::dt_date:
            cells.emplace_back("<date>");
            break;
        }
      }
      out.push_back(std::move(cells));
    }
    return core::Status::ok();
  });
  EXPECT_TRUE(status.isOk()) << status.toString();
  return out;
}

}  // namespace cartrelay::testing
