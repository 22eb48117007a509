#include "app/config/loader.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace cartrelay::app::config {
namespace {

const char kMinimal[] = R"([daemon]
listen = 127.0.0.1:9090
database = sqlite:///tmp/x.db

[shop.acme]
platform = shopify
shop_domain = acme.myshopify.com
webhook_secret = s3cret
)";

bool hasError(const LoadResult& r, const std::string& key, const std::string& fragment = "") {
  return std::any_of(r.errors.begin(), r.errors.end(), [&](const ConfigError& e) {
    return e.key == key && e.message.find(fragment) != std::string::npos;
  });
}

std::string dump(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.toString() + "\n";
  return out;
}

TEST(ConfigLoader, MinimalFileGetsDefaults) {
  LoadResult r = loadConfigText(kMinimal, "/etc/cartrelay/cartrelay.ini");
  ASSERT_TRUE(r.config) << dump(r);
  const AppConfig& c = *r.config;
  EXPECT_EQ(c.daemon.listen.host, "127.0.0.1");
  EXPECT_EQ(c.daemon.listen.port, 9090);
  EXPECT_EQ(c.daemon.max_body_bytes, 1024 * 1024);
  EXPECT_EQ(c.daemon.read_timeout_ms, 10'000);
  EXPECT_EQ(c.daemon.key_dir, "/etc/cartrelay/keys");
  ASSERT_EQ(c.shops.size(), 1u);
  EXPECT_EQ(c.shops[0].name, "acme");
  EXPECT_EQ(c.shops[0].webhook_secret, "s3cret");
  EXPECT_EQ(c.shops[0].country, "TR");
  EXPECT_EQ(c.shops[0].poll_interval_ms, 5 * 60 * 1000);
  EXPECT_EQ(c.whatsapp.mode, "sandbox");
  EXPECT_EQ(c.compliance.quiet_hours.start_minute, 8 * 60);
  EXPECT_EQ(c.compliance.quiet_hours.end_minute, 21 * 60);
  EXPECT_EQ(c.compliance.retention_inbox_ms, 7LL * 24 * 3600 * 1000);
  EXPECT_NE(std::find(c.compliance.opt_out_keywords.begin(), c.compliance.opt_out_keywords.end(),
                      "İPTAL"),
            c.compliance.opt_out_keywords.end());
}

TEST(ConfigLoader, TypoedKeyIsNamed) {
  LoadResult r = loadConfigText(std::string(kMinimal) + "[whatsapp]\nmodee = live\n", "x.ini");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(hasError(r, "whatsapp.modee", "unknown key")) << dump(r);
}

TEST(ConfigLoader, UnknownSectionAndBadDynamicName) {
  LoadResult r = loadConfigText(
      "[deamon]\nlisten = 1.2.3.4:1\n[shop.Bad Name]\nplatform = shopify\n", "x.ini");
  EXPECT_TRUE(hasError(r, "deamon", "unknown section")) << dump(r);
  EXPECT_TRUE(hasError(r, "shop.Bad Name", "unknown section")) << dump(r);
}

TEST(ConfigLoader, BadValuesAreNamedWithReason) {
  LoadResult r = loadConfigText(R"([daemon]
listen = localhost
max_body_bytes = 10GiB
read_timeout = soon
log_level = chatty
[compliance]
quiet_hours = 8-21
jurisdiction = US
)",
                                "x.ini");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(hasError(r, "daemon.listen", "host:port")) << dump(r);
  EXPECT_TRUE(hasError(r, "daemon.max_body_bytes", "between")) << dump(r);
  EXPECT_TRUE(hasError(r, "daemon.read_timeout", "duration")) << dump(r);
  EXPECT_TRUE(hasError(r, "daemon.log_level", "debug, info, warn, error")) << dump(r);
  EXPECT_TRUE(hasError(r, "compliance.quiet_hours", "HH:MM")) << dump(r);
  EXPECT_TRUE(hasError(r, "compliance.jurisdiction", "TR, EU")) << dump(r);
}

TEST(ConfigLoader, RequiredAndCrossKeyRules) {
  LoadResult r = loadConfigText(R"([shop.a]
platform = shopify
webhook_secret = x
[shop.b]
platform = woocommerce
[whatsapp]
mode = live
[compliance]
iys = api
iys_username = api-user
[template.t1]
meta_name = hello
[journey.j]
trigger = cart_abandoned
steps = 1h:t1, 24h:missing, soon
)",
                                "x.ini");
  EXPECT_TRUE(hasError(r, "shop.a.shop_domain", "shopify")) << dump(r);
  EXPECT_TRUE(hasError(r, "shop.b.webhook_secret", "required")) << dump(r);
  EXPECT_TRUE(hasError(r, "shop.b.base_url", "woocommerce")) << dump(r);
  EXPECT_TRUE(hasError(r, "whatsapp.access_token", "live")) << dump(r);
  EXPECT_TRUE(hasError(r, "compliance.iys_password", "required for iys = api")) << dump(r);
  EXPECT_TRUE(hasError(r, "compliance.iys_brand_code", "required for iys = api")) << dump(r);
  EXPECT_FALSE(hasError(r, "compliance.iys_username", "required")) << dump(r);
  EXPECT_TRUE(hasError(r, "journey.j.steps", "unknown template 'missing'")) << dump(r);
  EXPECT_TRUE(hasError(r, "journey.j.steps", "DELAY:TEMPLATE")) << dump(r);
}

TEST(ConfigLoader, CommercialTemplatesMustNameTheSenderAndOfferAnOptOut) {
  LoadResult r = loadConfigText(R"([template.cart]
meta_name = cart_1h
purpose = abandoned_cart
[template.utility_cart]
meta_name = cart_u
category = UTILITY
purpose = abandoned_cart
sender_id = Acme
opt_out = Reply STOP
[template.shipped]
meta_name = shipped
category = UTILITY
purpose = shipping
[template.good]
meta_name = good
purpose = winback
sender_id = Acme
opt_out = Reply STOP
)",
                                "x.ini");
  EXPECT_TRUE(hasError(r, "template.cart.sender_id", "name the sender")) << dump(r);
  EXPECT_TRUE(hasError(r, "template.cart.opt_out", "opt out")) << dump(r);
  EXPECT_TRUE(hasError(r, "template.utility_cart.category", "MARKETING")) << dump(r);
  for (const ConfigError& e : r.errors) {
    EXPECT_EQ(e.key.find("template.shipped"), std::string::npos) << "transactional: " << dump(r);
    EXPECT_EQ(e.key.find("template.good"), std::string::npos) << dump(r);
  }
  EXPECT_EQ(r.errors.size(), 3u) << dump(r);
}

TEST(ConfigLoader, TrackedLinksNeedThePublicUrlAndTheirOwnPlaceholder) {
  const std::string templates = R"([template.cart]
meta_name = cart_1h
category = UTILITY
purpose = shipping
body_params = first_name, cart_page:link
buttons = tracked_url:cart_url, quick_reply:STOP
[template.clash]
meta_name = clash
category = UTILITY
purpose = shipping
body_params = cart_url
buttons = tracked_url:cart_url
[template.plain]
meta_name = plain
category = UTILITY
purpose = shipping
buttons = url:suffix
)";
  LoadResult without = loadConfigText(std::string(kMinimal) + templates, "x.ini");
  EXPECT_FALSE(without.config);
  EXPECT_TRUE(hasError(without, "template.cart.body_params", "daemon.public_url")) << dump(without);
  EXPECT_TRUE(hasError(without, "template.cart.buttons", "daemon.public_url")) << dump(without);
  EXPECT_TRUE(hasError(without, "template.clash.buttons", "any other placeholder"))
      << dump(without);
  for (const ConfigError& e : without.errors) {
    EXPECT_EQ(e.key.find("template.plain"), std::string::npos) << "no tracked link: " << e.key;
  }

  std::string with = kMinimal;
  with.insert(with.find("\n[shop.acme]"), "\npublic_url = https://relay.example/cr");
  LoadResult r = loadConfigText(with + templates, "x.ini");
  EXPECT_EQ(r.errors.size(), 1u) << dump(r);
  EXPECT_TRUE(hasError(r, "template.clash.buttons", "any other placeholder")) << dump(r);
}

TEST(ConfigLoader, LinkTtlDefaultsToThirtyDaysWithinBounds) {
  LoadResult r = loadConfigText(kMinimal, "x.ini");
  ASSERT_TRUE(r.config) << dump(r);
  EXPECT_EQ(r.config->whatsapp.link_ttl_ms, 30LL * 24 * 3600 * 1000);

  r = loadConfigText(std::string(kMinimal) + "[whatsapp]\nlink_ttl = 7d\n", "x.ini");
  ASSERT_TRUE(r.config) << dump(r);
  EXPECT_EQ(r.config->whatsapp.link_ttl_ms, 7LL * 24 * 3600 * 1000);

  for (const char* bad : {"30m", "366d", "soon"}) {
    r = loadConfigText(std::string(kMinimal) + "[whatsapp]\nlink_ttl = " + bad + "\n", "x.ini");
    EXPECT_TRUE(hasError(r, "whatsapp.link_ttl")) << bad << "\n" << dump(r);
  }
}

TEST(ConfigLoader, TheOptOutConfirmationHasADefaultCanBeOffAndReservesItsName) {
  LoadResult r = loadConfigText(kMinimal, "x.ini");
  ASSERT_TRUE(r.config) << dump(r);
  EXPECT_NE(r.config->compliance.opt_out_confirmation.find("unsubscribed"), std::string::npos);

  r = loadConfigText(std::string(kMinimal) + "[compliance]\nopt_out_confirmation =\n", "x.ini");
  ASSERT_TRUE(r.config) << dump(r);
  EXPECT_EQ(r.config->compliance.opt_out_confirmation, "") << "empty turns it off";

  r = loadConfigText(std::string(kMinimal) +
                         "[compliance]\nopt_out_confirmation = " + std::string(4097, 'x') + "\n",
                     "x.ini");
  EXPECT_TRUE(hasError(r, "compliance.opt_out_confirmation", "4096")) << dump(r);

  r = loadConfigText(std::string(kMinimal) +
                         "[template.opt_out_confirmation]\nmeta_name = x\ncategory = UTILITY\n"
                         "purpose = order_update\n",
                     "x.ini");
  EXPECT_TRUE(hasError(r, "template.opt_out_confirmation", "reserved")) << dump(r);
}

TEST(ConfigLoader, RepeatedKeyAndSemicolonComment) {
  LoadResult twice =
      loadConfigText("[daemon]\nlog_level = info\n[daemon]\nlog_level = warn\n", "x");
  EXPECT_TRUE(hasError(twice, "daemon.log_level", "more than once")) << dump(twice);
  LoadResult semi = loadConfigText("[daemon]\n; old style comment\n", "x.ini");
  EXPECT_FALSE(semi.config);
  ASSERT_EQ(semi.errors.size(), 1u);
  EXPECT_NE(semi.errors[0].message.find("'#'"), std::string::npos) << dump(semi);
}

TEST(ConfigLoader, FileSecretsAreReadAndModeChecked) {
  testing::TempDir dir;
  std::string good = dir.writeFile("good.secret", "from-file\n", 0600);
  std::string leaky = dir.writeFile("leaky.secret", "exposed\n", 0644);
  std::string text = std::string(kMinimal) + "webhook_secret_previous = file:" + good +
                     "\n[whatsapp]\napp_secret = file:" + leaky + "\n";
  LoadResult r = loadConfigText(text, dir.file("c.ini"));
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u) << dump(r);
  EXPECT_EQ(r.errors[0].key, "whatsapp.app_secret");
  EXPECT_NE(r.errors[0].message.find("0644"), std::string::npos);
  // The message names the file, never its content.
  EXPECT_EQ(r.errors[0].toString().find("exposed"), std::string::npos);

  LoadResult ok = loadConfigText(
      std::string(kMinimal) + "webhook_secret_previous = file:" + good + "\n", dir.file("c.ini"));
  ASSERT_TRUE(ok.config) << dump(ok);
  EXPECT_EQ(ok.config->shops[0].webhook_secret_previous, "from-file");
}

TEST(ConfigLoader, RelativePathsFollowTheConfigFile) {
  LoadResult r = loadConfigText(R"([daemon]
database = sqlite://../var/c.db
key_dir = keys
[whatsapp]
sandbox_log = /abs/sandbox.jsonl
)",
                                "/srv/cr/etc/cartrelay.ini");
  ASSERT_TRUE(r.config) << dump(r);
  EXPECT_EQ(r.config->daemon.database_url, "sqlite:///srv/cr/var/c.db");
  EXPECT_EQ(r.config->daemon.key_dir, "/srv/cr/etc/keys");
  EXPECT_EQ(r.config->whatsapp.sandbox_log, "/abs/sandbox.jsonl");
}

TEST(ConfigLoader, MissingFileIsReported) {
  LoadResult r = loadConfigFile("/nonexistent/cartrelay.ini");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].key, "/nonexistent/cartrelay.ini");
}

}  // namespace
}  // namespace cartrelay::app::config
