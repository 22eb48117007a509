#include "core/store/database_url.h"

#include <gtest/gtest.h>

namespace cartrelay::core::store {
namespace {

TEST(DatabaseUrl, SqliteAbsoluteRelativeAndMemory) {
  auto abs = parseDatabaseUrl("sqlite:///var/lib/cartrelay/cartrelay.db");
  ASSERT_TRUE(abs.isOk()) << abs.status().toString();
  EXPECT_EQ(abs->backend, Backend::kSqlite);
  EXPECT_EQ(abs->path, "/var/lib/cartrelay/cartrelay.db");

  auto rel = parseDatabaseUrl("SQLite://state/cartrelay.db");
  ASSERT_TRUE(rel.isOk());
  EXPECT_EQ(rel->path, "state/cartrelay.db");

  auto mem = parseDatabaseUrl("sqlite://:memory:");
  ASSERT_TRUE(mem.isOk());
  EXPECT_EQ(mem->path, ":memory:");

  auto spaced = parseDatabaseUrl("sqlite:///tmp/my%20shop/db%C3%A7.db");
  ASSERT_TRUE(spaced.isOk());
  EXPECT_EQ(spaced->path, "/tmp/my shop/db\xC3\xA7.db");
  EXPECT_EQ(spaced->toString(), "sqlite:///tmp/my%20shop/db%C3%A7.db");
}

TEST(DatabaseUrl, SqliteErrors) {
  EXPECT_EQ(parseDatabaseUrl("sqlite://").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(parseDatabaseUrl("sqlite:///a/b?mode=ro").status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(parseDatabaseUrl("sqlite:///a/b=c.db").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(parseDatabaseUrl("sqlite:///var/lib/").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(parseDatabaseUrl("sqlite:///a/%00b").status().code(), Status::Code::kInvalidArgument);
}

TEST(DatabaseUrl, MySqlFull) {
  auto url = parseDatabaseUrl("mysql://cartrelay:s3cr3t@db.example.com:3307/shopdb");
  ASSERT_TRUE(url.isOk()) << url.status().toString();
  EXPECT_EQ(url->backend, Backend::kMariaDb);
  EXPECT_EQ(url->user, "cartrelay");
  EXPECT_EQ(url->password, "s3cr3t");
  EXPECT_EQ(url->host, "db.example.com");
  EXPECT_EQ(url->port, 3307);
  EXPECT_EQ(url->database, "shopdb");
  EXPECT_TRUE(url->socket.empty());
  EXPECT_EQ(url->redacted(), "mysql://cartrelay:***@db.example.com:3307/shopdb");
}

TEST(DatabaseUrl, MariaDbSchemeDefaultPortNoPassword) {
  auto url = parseDatabaseUrl("MariaDB://app@127.0.0.1/cartrelay");
  ASSERT_TRUE(url.isOk()) << url.status().toString();
  EXPECT_EQ(url->backend, Backend::kMariaDb);
  EXPECT_EQ(url->port, 3306);
  EXPECT_TRUE(url->password.empty());
  EXPECT_EQ(url->redacted(), "mysql://app@127.0.0.1:3306/cartrelay");
}

TEST(DatabaseUrl, PercentDecodingAndAwkwardPasswords) {
  auto url = parseDatabaseUrl("mysql://us%40er:p%40ss%3Aw%2Frd%25@h/d%62");
  ASSERT_TRUE(url.isOk()) << url.status().toString();
  EXPECT_EQ(url->user, "us@er");
  EXPECT_EQ(url->password, "p@ss:w/rd%");
  EXPECT_EQ(url->database, "db");

  // Unencoded '@', '/' and ':' in the password: the host starts after the last '@'.
  auto raw = parseDatabaseUrl("mysql://u:a@b/c:d@localhost:3306/db");
  ASSERT_TRUE(raw.isOk()) << raw.status().toString();
  EXPECT_EQ(raw->password, "a@b/c:d");
  EXPECT_EQ(raw->host, "localhost");

  // toString() round-trips through the parser.
  auto again = parseDatabaseUrl(url->toString());
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(again->user, url->user);
  EXPECT_EQ(again->password, url->password);
  EXPECT_EQ(again->database, url->database);
}

TEST(DatabaseUrl, Ipv6AndSocket) {
  auto v6 = parseDatabaseUrl("mysql://u:p@[::1]:3310/db");
  ASSERT_TRUE(v6.isOk()) << v6.status().toString();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 3310);
  EXPECT_EQ(v6->redacted(), "mysql://u:***@[::1]:3310/db");

  auto sock = parseDatabaseUrl("mysql://u:p@localhost/db?socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(sock.isOk()) << sock.status().toString();
  EXPECT_EQ(sock->socket, "/run/mysqld/mysqld.sock");
}

TEST(DatabaseUrl, ErrorsNameTheProblemButNeverThePassword) {
  const std::string pw = "Hunter2-secret";
  const std::vector<std::string> bad = {
      "mysql://u:" + pw + "@host:99999/db",      // port out of range
      "mysql://u:" + pw + "@host:abc/db",        // port not a number
      "mysql://u:" + pw + "@host:/db",           // empty port
      "mysql://u:" + pw + "@host",               // no database
      "mysql://u:" + pw + "@host/",              // empty database
      "mysql://u:" + pw + "@/db",                // no host
      "mysql://:" + pw + "@host/db",             // empty user
      "mysql://u:" + pw + "%zz@host/db",         // bad escape in the password
      "mysql://u:" + pw + "@host/db?sslmode=x",  // unknown parameter
      "mysql://u:" + pw + "@[::1/db",            // unterminated IPv6
      "postgres://u:" + pw + "@host/db",         // unsupported scheme
      "u:" + pw + "@host/db",                    // no scheme
      "mysql://" + pw + "host/db",               // no user at all
  };
  for (const std::string& text : bad) {
    auto url = parseDatabaseUrl(text);
    ASSERT_FALSE(url.isOk()) << "accepted: " << text;
    EXPECT_EQ(url.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(url.status().message().find("Hunter2"), std::string::npos) << url.status().message();
    EXPECT_EQ(url.status().message().rfind("database URL: ", 0), 0u) << url.status().message();
  }
  EXPECT_NE(parseDatabaseUrl("mysql://u:p@host:99999/db").status().message().find("port"),
            std::string::npos);
  EXPECT_NE(parseDatabaseUrl("mysql://u:p@host").status().message().find("database name"),
            std::string::npos);
  EXPECT_NE(parseDatabaseUrl("postgres://x@y/z").status().message().find("'postgres'"),
            std::string::npos);
}

TEST(DatabaseUrl, BackendNames) {
  EXPECT_EQ(toString(Backend::kSqlite), "sqlite");
  EXPECT_EQ(toString(Backend::kMariaDb), "mariadb");
}

}  // namespace
}  // namespace cartrelay::core::store
