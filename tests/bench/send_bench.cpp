// Send benchmark (tests/bench/README.md, issue 5 "Speed"): messages per
// second through the whole path, due intent -> gate -> audit -> outbox ->
// POST to the fake Cloud API on loopback -> response stored, on SQLite with
// the real release binary; then the highest number of sends the fake saw in
// any 1 s window with the limit at 80. Prints figures and ratios to
// baselines measured in the same run; asserts no time. Exit 1 only for a
// correctness finding (a row not sent, a message sent twice or never, a
// malformed request, more sends in a window than the limit), 2 when it
// cannot run.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/util/log.h"
#include "tests/bench/load_client.h"
#include "tests/bench/outbox_probe.h"
#include "tests/e2e/daemon_harness.h"
#include "tests/support/fake_cloud_api.h"

namespace cartrelay::bench {
namespace {

using testing::FakeCloudApi;

constexpr const char* kAdminToken = "bench-admin-0123456789abcdef0123456789abcdef";

struct Options {
  std::size_t messages = 5000;  // per throughput phase
  int clients = 8;              // concurrent submitters (keep-alive connections)
  std::size_t limited = 800;    // messages of the limited phase
  int limit = 80;               // max_messages_per_second of the limited phase
  std::size_t baseline = 5000;  // requests per baseline
  int http_threads = 16;
};

double rate(double count, double seconds) { return seconds > 0 ? count / seconds : 0; }

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// Distinct, valid Turkish mobile numbers, so the 6 s pair limit never binds.
std::string phone(std::size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "+90532%07zu", n % 10'000'000);
  return buf;
}

Request sendRequest(std::size_t n) {
  Request r;
  r.method = "POST";
  r.path = "/api/v1/send";
  r.headers = {{"Authorization", std::string("Bearer ") + kAdminToken},
               {"Content-Type", "application/json"}};
  r.body = nlohmann::json{{"to", phone(n)},
                          {"template", "order_update"},
                          {"params", {{"order_no", "B-" + std::to_string(n)}}}}
               .dump();
  return r;
}

bool allowed(const Answer& a) {
  return a.status == 202 && a.body.find("\"decision\":\"ALLOW\"") != std::string::npos;
}

// The daemon under test: its configuration (live mode against a fake Cloud
// API, at a given throughput limit), start, stop, and the clients' submits.
class Bench {
 public:
  Bench(Options options, testing::DaemonHarness& daemon) : options_(options), daemon_(daemon) {}
  Bench(const Bench&) = delete;
  Bench& operator=(const Bench&) = delete;

  // Meta's template list, which the daemon syncs at start (live with a
  // waba_id) before it sends anything: the bench's template approved.
  static void approveTemplate(FakeCloudApi& meta) {
    meta.setTemplates(nlohmann::json::array({{{"name", "order_update"},
                                              {"language", "tr"},
                                              {"status", "APPROVED"},
                                              {"category", "UTILITY"},
                                              {"id", "2001"}}}));
  }

  void configure(FakeCloudApi& meta, int limit) {
    approveTemplate(meta);
    const auto& o = meta.options();
    const auto secret = [&](const char* name, const std::string& value) {
      return daemon_.dir().writeFile(name, value + "\n", 0600);
    };
    daemon_.writeConfig(
        "mode = live\napi_base = " + meta.baseUrl() + "\napi_version = " + o.version +
            "\nphone_number_id = " + o.phone_number_id + "\nwaba_id = " + o.waba_id +
            "\naccess_token = file:" + secret("access_token", o.access_token) +
            "\napp_secret = file:" + secret("app_secret", "bench-app-secret") +
            "\nverify_token = bench-verify\nmax_messages_per_second = " + std::to_string(limit) +
            "\ndaily_unique_recipients = 10000000\n"
            "[shop.bench]\nplatform = shopify\nshop_domain = bench.myshopify.com\n"
            "webhook_secret = file:" +
            secret("webhook_secret", "bench-webhook-secret") +
            "\ncountry = TR\n"
            "[compliance]\ntransfer_basis = explicit_consent\n"
            "[template.order_update]\nmeta_name = order_update\ncategory = UTILITY\n"
            "purpose = order_update\nbody_params = order_no\n",
        "",
        "admin_token = file:" + secret("admin_token", kAdminToken) +
            "\nhttp_threads = " + std::to_string(options_.http_threads) + "\nlog_level = info\n");
  }

  bool start() {
    std::string why;
    if (daemon_.start(&why)) return true;
    std::fprintf(stderr, "send_bench: %s\n", why.c_str());
    return false;
  }

  void stop() {
    daemon_.process().signal(SIGTERM);
    (void)daemon_.process().waitExit(std::chrono::seconds(30));
  }

  LoadResult submit(std::size_t first_phone, std::size_t count) {
    return runLoad(
        daemon_.port(), options_.clients, count, /*keep_alive=*/true,
        [&](std::size_t i) { return sendRequest(first_phone + i); },
        [](std::size_t, const Answer& a) { return allowed(a); });
  }

  void printSubmit(const char* label, const LoadResult& r) {
    std::printf(
        "  %s %.0f/s (%zu in %.2f s; p50 %.1f ms, p99 %.1f ms%s)\n", label, r.perSecond(), r.ok,
        r.seconds(), r.percentileMs(50), r.percentileMs(99),
        r.failed ? (", " + std::to_string(r.failed) + " refused: " + r.first_failure).c_str() : "");
  }

  testing::DaemonHarness& daemon() { return daemon_; }
  const Options& options() const { return options_; }

 private:
  Options options_;
  testing::DaemonHarness& daemon_;
  std::unique_ptr<core::store::Database> db_;
};

// The fake Cloud API answering a POST of the channel's shape, one fresh
// connection per request (as the channel sends): the floor under every send.
double fakePostRate(const Options& o) {
  FakeCloudApi meta;
  const std::string path = meta.messagesPath();
  const std::string token = meta.options().access_token;
  LoadResult r = runLoad(
      meta.port(), o.clients, o.baseline, /*keep_alive=*/false,
      [&](std::size_t i) {
        Request q;
        q.method = "POST";
        q.path = path;
        q.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
        q.body =
            nlohmann::json{
                {"messaging_product", "whatsapp"},
                {"recipient_type", "individual"},
                {"to", phone(9'000'000 + i)},
                {"type", "template"},
                {"template",
                 {{"name", "order_update"},
                  {"language", {{"code", "tr"}}},
                  {"components",
                   {{{"type", "body"},
                     {"parameters", {{{"type", "text"}, {"text", "B-" + std::to_string(i)}}}}}}}}},
                {"biz_opaque_callback_data", std::to_string(i + 1)}}
                .dump();
        return q;
      },
      [](std::size_t, const Answer& a) { return a.status == 200; });
  std::printf(
      "  POST to the fake Cloud API directly: %.0f requests/s (%zu, %d clients, a new "
      "connection each; p50 %.2f ms)\n",
      r.perSecond(), r.ok, o.clients, r.percentileMs(50));
  return r.perSecond();
}

double healthzRate(const Options& o, int port) {
  LoadResult r = runLoad(
      port, o.clients, o.baseline * 2, /*keep_alive=*/true,
      [](std::size_t) {
        Request q;
        q.path = "/healthz";
        return q;
      },
      [](std::size_t, const Answer& a) { return a.status == 200; });
  std::printf(
      "  GET /healthz on the daemon:          %.0f requests/s (%zu, %d keep-alive "
      "clients; p50 %.2f ms)\n",
      r.perSecond(), r.ok, o.clients, r.percentileMs(50));
  return r.perSecond();
}

constexpr const char* kUsage =
    "usage: send_bench [--messages N] [--clients C] [--limited-messages M] [--limit R]"
    " [--baseline B]\n"
    "  --messages N          messages per throughput phase (default 5000)\n"
    "  --clients C           concurrent submitters, keep-alive (default 8)\n"
    "  --limited-messages M  messages of the limited phase (default 800)\n"
    "  --limit R             max_messages_per_second of the limited phase (default 80)\n"
    "  --baseline B          requests per baseline (default 5000)\n"
    "See tests/bench/README.md.\n";

// 0 to run, else the exit code (0 after --help, 2 for bad usage).
int parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto number = [&](auto& into, long low, long high) {
      if (i + 1 >= argc) return false;
      char* end = nullptr;
      const long v = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || v < low || v > high) return false;
      into = static_cast<std::remove_reference_t<decltype(into)>>(v);
      return true;
    };
    bool ok = false;
    if (arg == "-h" || arg == "--help") {
      std::printf("%s", kUsage);
      return -1;
    }
    if (arg == "--messages") ok = number(o.messages, 100, 500'000);
    if (arg == "--clients") ok = number(o.clients, 1, 64);
    if (arg == "--limited-messages") ok = number(o.limited, 100, 100'000);
    if (arg == "--limit") ok = number(o.limit, 1, 1000);
    if (arg == "--baseline") ok = number(o.baseline, 100, 1'000'000);
    if (!ok) {
      std::fprintf(stderr, "send_bench: bad option or value '%s'\n%s", arg.c_str(), kUsage);
      return 2;
    }
  }
  o.http_threads = std::max(16, o.clients + 4);
  return 0;
}

int run(const Options& o) {
  const std::string root = std::string(CARTRELAY_SOURCE_DIR) + "/build/bench-run";
  std::filesystem::create_directories(root);
  ::setenv("TMPDIR", root.c_str(), 1);  // the daemon's directory (TempDir), removed at the end
  core::log::setMinLevel(core::log::Level::kWarn);
  testing::DaemonHarness daemon;

  FakeCloudApi meta;
  std::printf("cartrelay send benchmark\n");
  std::printf(
      "  machine:  %u CPU cores shared by the daemon, the fake Cloud API and the clients;"
      " load average before: %s\n",
      std::thread::hardware_concurrency(), loadAverage().c_str());
  std::printf("  store:    SQLite (WAL, synchronous=FULL) in %s\n", daemon.dir().path().c_str());
  std::printf(
      "  load:     %zu messages per phase from %d keep-alive clients (POST /api/v1/send),"
      " distinct recipients, template order_update (UTILITY)\n\n",
      o.messages, o.clients);

  Bench b(o, daemon);
  b.configure(meta, 1000);
  if (!b.start()) return 2;
  std::unique_ptr<OutboxProbe> store = OutboxProbe::open(daemon.dir().file("cartrelay.db"));
  if (!store) return 2;
  bool ok = true;

  std::printf("Baselines (same run)\n");
  const double healthz = healthzRate(o, daemon.port());
  const double fake_post = fakePostRate(o);

  // 1. Submit and send at once: the whole path under a steady intake.
  std::printf("\nEnd to end (max_messages_per_second = 1000): submit %zu while the daemon sends\n",
              o.messages);
  std::int64_t before = store->maxId();
  LoadResult sub = b.submit(0, o.messages);
  const std::int64_t done_us = store->waitStored(before, static_cast<std::int64_t>(sub.ok));
  const double e2e_s = static_cast<double>(done_us - sub.start_us) / 1e6;
  const double e2e = done_us ? rate(static_cast<double>(sub.ok), e2e_s) : 0;
  std::printf(
      "  messages/s:      %.0f   (first submit to last response stored: %.2f s;"
      " target >= 1000)\n",
      e2e, e2e_s);
  b.printSubmit("submitted:      ", sub);
  const auto [first_post, last_post] = OutboxProbe::postSpan(meta, before);
  std::printf("  sent:            %.0f/s (first to last POST the fake received: %.2f s)\n",
              rate(static_cast<double>(sub.ok), static_cast<double>(last_post - first_post) / 1e3),
              static_cast<double>(last_post - first_post) / 1e3);
  std::printf("  ratio:           %.3f of the fake's raw POST rate, %.3f of /healthz\n",
              fake_post > 0 ? e2e / fake_post : 0, healthz > 0 ? e2e / healthz : 0);
  ok = store->verify(meta, before, o.messages) && ok;

  // 2. A backlog: the channel halts (token refused), messages queue up, the
  //    token is fixed and the daemon restarted, the backlog drains.
  std::printf(
      "\nSubmit and send separately: a backlog queued while the channel is halted,"
      " sent after a restart\n");
  before = store->maxId();
  meta.setTokenValid(false);
  (void)b.submit(1'000'000, 1);
  const bool halted = testing::eventually(
      [&] {
        Client c(daemon.port(), false);
        Request q;
        q.path = "/readyz";
        return c.send(q).status == 503;
      },
      std::chrono::seconds(30));
  if (!halted) {
    std::printf("  the channel did not halt on the refused token; skipped\n");
  } else {
    LoadResult alone = b.submit(1'000'001, o.messages);
    b.printSubmit("submit alone:   ", alone);
    b.stop();
    meta.setTokenValid(true);
    if (!b.start()) return 2;
    const std::int64_t drained = store->waitStored(before, static_cast<std::int64_t>(alone.ok) + 1);
    const double s =
        static_cast<double>(drained / 1000 - OutboxProbe::postSpan(meta, before).first) / 1e3;
    std::printf(
        "  send alone:      %.0f/s (%zu queued messages, from the first POST after the"
        " restart to the last response stored: %.2f s)\n",
        drained ? rate(static_cast<double>(alone.ok + 1), s) : 0, alone.ok + 1, s);
    ok = store->verify(meta, before, alone.ok + 1) && ok;
  }

  // 3. The throughput limit: what the fake saw in any 1 s window.
  std::printf("\nThroughput limit (max_messages_per_second = %d): %zu messages\n", o.limit,
              o.limited);
  FakeCloudApi limited;
  b.stop();
  b.configure(limited, o.limit);
  if (!b.start()) return 2;
  before = store->maxId();
  LoadResult lim = b.submit(2'000'000, o.limited);
  (void)store->waitStored(before, static_cast<std::int64_t>(lim.ok));
  const auto sends = limited.accepted();
  const std::size_t most = limited.maxAcceptedInAnyWindow(1000);
  double achieved = 0;
  if (sends.size() > 1) {
    achieved = rate(
        static_cast<double>(sends.size() - 1),
        static_cast<double>(sends.back().received_steady_ms - sends.front().received_steady_ms) /
            1000.0);
  }
  std::printf("  most sends in any 1 s window: %zu (limit %d)%s\n", most, o.limit,
              most > static_cast<std::size_t>(o.limit) ? "   FINDING: over the limit" : "");
  std::printf("  achieved rate:   %.1f/s (first to last POST the fake received)\n", achieved);
  ok = store->verify(limited, before, o.limited) && ok;
  ok = ok && most <= static_cast<std::size_t>(o.limit);

  b.stop();
  std::printf(
      "\nload average after: %s (other work on the machine lowers every figure; compare"
      " runs by the ratios)\n",
      loadAverage().c_str());
  if (!ok) std::printf("correctness FINDING (see above): exit 1\n");
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace cartrelay::bench

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows while a phase runs
  cartrelay::bench::Options options;
  const int usage = cartrelay::bench::parse(argc, argv, options);
  if (usage != 0) return usage < 0 ? 0 : usage;
  return cartrelay::bench::run(options);
}
