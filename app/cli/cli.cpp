#include "app/cli/cli.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "app/cli/audit_commands.h"
#include "app/cli/commands.h"
#include "app/cli/compliance_report.h"
#include "app/cli/consent_commands.h"
#include "app/cli/inspect_commands.h"
#include "app/cli/replay_command.h"
#include "app/cli/retention_command.h"
#include "app/cli/send_command.h"
#include "app/cli/subject_commands.h"

namespace cartrelay::app::cli {
namespace {

namespace po = boost::program_options;

constexpr int kUsageError = 2;

struct Command {
  // One word ("run") or a group and a verb ("inbox list").
  const char* name;
  const char* summary;
  // Arguments for the usage line after the name, e.g. "ID"; may be null.
  const char* synopsis;
  // More help after the summary (what is shown, caveats); may be null.
  const char* details;
  // Adds command-specific options to the description shown by --help.
  std::function<void(po::options_description&)> options;
  // Positional arguments: their hidden options and their order; may be null.
  std::function<void(po::options_description&, po::positional_options_description&)> positional;
  std::function<int(const po::variables_map&)> run;
};

std::string configOf(const po::variables_map& vm) { return vm["config"].as<std::string>(); }

std::string optionOr(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

// Number of words in a command name.
int wordsOf(const Command& command) {
  return 1 +
         static_cast<int>(std::count(command.name, command.name + std::strlen(command.name), ' '));
}

// --shop, --after, --limit and --json, as every list command takes them.
void addListOptions(po::options_description& d) {
  d.add_options()("shop", po::value<std::string>(), "only this shop (its [shop.NAME])")(
      "after", po::value<std::int64_t>()->default_value(0),
      "only ids greater than this (to page: the last id shown)")(
      "limit", po::value<int>()->default_value(100), "at most this many, 1..10000")(
      "json", po::bool_switch(), "print a JSON array instead of a table");
}

ListOptions listOptionsOf(const po::variables_map& vm) {
  ListOptions o;
  o.config_path = configOf(vm);
  o.shop = optionOr(vm, "shop");
  o.state = optionOr(vm, "state");
  o.after_id = vm["after"].as<std::int64_t>();
  o.limit = vm["limit"].as<int>();
  o.json = vm["json"].as<bool>();
  return o;
}

// --phone and --shop, as every consent command takes them.
void addConsentTargetOptions(po::options_description& d) {
  d.add_options()("phone", po::value<std::string>(), "the person's phone number")(
      "shop", po::value<std::string>(), "the [shop.NAME] (optional with one shop)");
}

ConsentTarget consentTargetOf(const po::variables_map& vm) {
  return ConsentTarget{configOf(vm), optionOr(vm, "phone"), optionOr(vm, "shop")};
}

// --phone, --email, --customer and --shop, as the subject commands take them.
void addSubjectOptions(po::options_description& d) {
  d.add_options()("phone", po::value<std::string>(), "the person's phone number")(
      "email", po::value<std::string>(), "the person's e-mail address")(
      "customer", po::value<std::string>(), "the shop platform's customer id (with --shop)")(
      "shop", po::value<std::string>(), "the [shop.NAME]");
}

SubjectTarget subjectTargetOf(const po::variables_map& vm) {
  return SubjectTarget{configOf(vm), optionOr(vm, "phone"), optionOr(vm, "email"),
                       optionOr(vm, "customer"), optionOr(vm, "shop")};
}

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"run", "run the daemon in the foreground (stop with SIGTERM)", nullptr, nullptr, nullptr,
       nullptr, [](const po::variables_map& vm) { return runCommand(configOf(vm)); }},
      {"check-config", "validate the configuration; prints each problem as section.key: message",
       nullptr, nullptr, nullptr, nullptr,
       [](const po::variables_map& vm) { return checkConfigCommand(configOf(vm)); }},
      {"migrate", "apply missing database schema migrations", nullptr, nullptr, nullptr, nullptr,
       [](const po::variables_map& vm) { return migrateCommand(configOf(vm)); }},
      {"keygen", "create missing key files (never overwrites existing keys)", nullptr, nullptr,
       [](po::options_description& d) {
         d.add_options()("key-dir", po::value<std::string>(),
                         "key directory (default: daemon.key_dir from the configuration)")(
             "group", po::value<std::string>(),
             "group allowed to read the keys (mode 0640); default: owner only (0600)");
       },
       nullptr,
       [](const po::variables_map& vm) {
         return keygenCommand(configOf(vm), optionOr(vm, "key-dir"), optionOr(vm, "group"));
       }},
      {"version", "print the version", nullptr, nullptr, nullptr, nullptr,
       [](const po::variables_map&) { return versionCommand(); }},
      {"replay", "sign payload files with a shop's secret and POST them to the daemon",
       "--shop NAME [--topic T] [--url URL] [--delivery-id ID] FILE...",
       "Each FILE is sent byte for byte, signed with the shop's webhook_secret and with\n"
       "the headers its platform sends, to <url>/webhooks/<platform>/<shop>. Without\n"
       "--topic the topic comes from the file name: Shopify orders_create.json ->\n"
       "orders/create (the '_' before the verb becomes '/'), WooCommerce\n"
       "order_created.json -> order.created. Prints: file, HTTP status, topic,\n"
       "delivery id. Exit 0 when every file got a 2xx answer, 1 otherwise.",
       [](po::options_description& d) {
         d.add_options()("shop", po::value<std::string>(), "the [shop.NAME] whose secret signs")(
             "topic", po::value<std::string>(), "topic for every FILE (default: from its name)")(
             "url", po::value<std::string>(),
             "daemon base URL: http://127.0.0.1:PORT or https://... (default: "
             "http://<daemon.listen>)")(
             "delivery-id", po::value<std::string>(),
             "delivery id to send, one FILE only (default: a fresh UUID per file)");
       },
       [](po::options_description& hidden, po::positional_options_description& pos) {
         hidden.add_options()("file", po::value<std::vector<std::string>>());
         pos.add("file", -1);
       },
       [](const po::variables_map& vm) {
         ReplayOptions o;
         o.config_path = configOf(vm);
         o.shop = optionOr(vm, "shop");
         o.topic = optionOr(vm, "topic");
         o.url = optionOr(vm, "url");
         o.delivery_id = optionOr(vm, "delivery-id");
         if (vm.count("file")) o.files = vm["file"].as<std::vector<std::string>>();
         return replayCommand(o);
       }},
      {"audit verify", "check the tamper-evident audit chain end to end",
       "[--anchors FILE] [--json]",
       "Checks that records are contiguous and linked, every hash recomputes, every\n"
       "checkpoint is the signed Merkle tree head of its records under the key of its own\n"
       "epoch, consecutive checkpoints are consistent, and the anchor file\n"
       "(compliance.audit_anchor_file) matches. Exit 0 intact, 1 tampered (names the first\n"
       "bad record and why), 2 unverifiable.",
       [](po::options_description& d) {
         d.add_options()("anchors", po::value<std::string>(),
                         "anchor file to check against (default: compliance.audit_anchor_file)")(
             "json", po::bool_switch(), "print the report as JSON");
       },
       nullptr,
       [](const po::variables_map& vm) {
         return auditVerifyCommand(configOf(vm), optionOr(vm, "anchors"), vm["json"].as<bool>());
       }},
      {"audit prove", "print one audit record with its inclusion proof and signed checkpoint",
       "SEQ",
       "Prints JSON: the record, its entry hash, the RFC 9162 inclusion path and the\n"
       "checkpoint that covers it, so the record can be shown on its own. Exit 1 when the\n"
       "record does not exist or no checkpoint covers it yet.",
       nullptr,
       [](po::options_description& hidden, po::positional_options_description& pos) {
         hidden.add_options()("seq", po::value<std::string>());
         pos.add("seq", 1);
       },
       [](const po::variables_map& vm) {
         return auditProveCommand(configOf(vm), optionOr(vm, "seq"));
       }},
      {"compliance report", "record of processing and data inventory (GDPR Art. 30, VERBIS)",
       "[--json]",
       "Prints, from the configuration, what cartrelay processes for the shop: purposes,\n"
       "data categories, recipients, transfers, retention periods and security measures,\n"
       "for the shop's GDPR Art. 30 record, VERBIS entry and DPO paperwork.",
       [](po::options_description& d) {
         d.add_options()("json", po::bool_switch(), "print JSON instead of text");
       },
       nullptr,
       [](const po::variables_map& vm) {
         return complianceReportCommand(configOf(vm), vm["json"].as<bool>());
       }},
      {"consent show", "a person's consent events in a shop and the state they add up to",
       "--phone PHONE [--shop NAME] [--json]",
       "Shows every consent event (oldest first) and the current state: the latest event\n"
       "by the time the person gave it. Exit 1 when there is none.",
       [](po::options_description& d) {
         addConsentTargetOptions(d);
         d.add_options()("json", po::bool_switch(), "print JSON instead of a table");
       },
       nullptr,
       [](const po::variables_map& vm) {
         return consentShowCommand(consentTargetOf(vm), vm["json"].as<bool>());
       }},
      {"consent grant", "record a consent (ONAY) the shop collected",
       "--phone PHONE --source HS_... [--shop NAME] [options]",
       "Records an ONAY with actor \"cli\" in the ledger and the audit chain. In TR a\n"
       "commercial message needs --verified, --name-on-record and --kvkk-notice too.",
       [](po::options_description& d) {
         addConsentTargetOptions(d);
         d.add_options()("source", po::value<std::string>(),
                         "IYS source code: HS_WEB, HS_MESAJ, HS_ISLAK_IMZA, ...")(
             "capture-point", po::value<std::string>(), "where it was collected (default manual)")(
             "purposes", po::value<std::string>(),
             "comma list of purposes it covers (default: all)")(
             "recipient-type", po::value<std::string>(), "BIREYSEL (default) or TACIR")(
             "kvkk-notice", po::value<std::string>(), "version of the KVKK notice shown")(
             "text-id", po::value<std::string>(), "id of the consent text shown")(
             "text-version", po::value<std::string>(), "its version")(
             "text-sha256", po::value<std::string>(), "SHA-256 (hex) of its exact wording")(
             "legal-basis", po::value<std::string>(), "e.g. TR_6563_ONAY+KVKK_ACIK_RIZA")(
             "verified", po::bool_switch(), "the phone was verified (code, link or reply)")(
             "name-on-record", po::bool_switch(), "name and surname were recorded")(
             "at", po::value<std::string>(), "when it was given, ISO 8601 UTC (default now)");
       },
       nullptr,
       [](const po::variables_map& vm) {
         ConsentGrantOptions o;
         o.target = consentTargetOf(vm);
         o.source = optionOr(vm, "source");
         o.capture_point = optionOr(vm, "capture-point");
         o.purposes = optionOr(vm, "purposes");
         o.recipient_type = optionOr(vm, "recipient-type");
         o.kvkk_notice_version = optionOr(vm, "kvkk-notice");
         o.consent_text_id = optionOr(vm, "text-id");
         o.consent_text_version = optionOr(vm, "text-version");
         o.consent_text_sha256 = optionOr(vm, "text-sha256");
         o.legal_basis = optionOr(vm, "legal-basis");
         o.verified = vm["verified"].as<bool>();
         o.name_on_record = vm["name-on-record"].as<bool>();
         o.at = optionOr(vm, "at");
         return consentGrantCommand(o);
       }},
      {"consent withdraw", "record a withdrawal (RET): no more commercial messages",
       "--phone PHONE [--shop NAME] [--channel C] [--block-all] [--at TIME]",
       "Records a RET with actor \"cli\"; every later commercial message to the person is\n"
       "denied. --block-all stops transactional messages too.",
       [](po::options_description& d) {
         addConsentTargetOptions(d);
         d.add_options()("channel", po::value<std::string>(),
                         "how the person withdrew: manual (default), email, phone, link, ...")(
             "block-all", po::bool_switch(), "also stop transactional messages")(
             "at", po::value<std::string>(), "when, ISO 8601 UTC (default now)");
       },
       nullptr,
       [](const po::variables_map& vm) {
         ConsentWithdrawOptions o;
         o.target = consentTargetOf(vm);
         o.channel = optionOr(vm, "channel");
         o.block_all = vm["block-all"].as<bool>();
         o.at = optionOr(vm, "at");
         return consentWithdrawCommand(o);
       }},
      {"consent import", "import consents and withdrawals from a CSV file",
       "FILE.csv [--shop NAME]",
       "Columns (header line, any order): phone, status (ONAY|RET), consent_date, source;\n"
       "optional recipient_type, purposes, capture_point, consent_text_id,\n"
       "consent_text_version, consent_text_sha256, kvkk_notice_version, legal_basis,\n"
       "verified, name_on_record, prechecked, implied, block_all. One transaction per\n"
       "row; refused rows are listed by line. Exit 1 when any row was refused.",
       [](po::options_description& d) {
         d.add_options()("shop", po::value<std::string>(),
                         "the [shop.NAME] (optional with one shop)");
       },
       [](po::options_description& hidden, po::positional_options_description& pos) {
         hidden.add_options()("file", po::value<std::string>());
         pos.add("file", 1);
       },
       [](const po::variables_map& vm) {
         return consentImportCommand(configOf(vm), optionOr(vm, "shop"), optionOr(vm, "file"));
       }},
      {"retention run", "run the destruction job now (the daemon runs it daily)",
       "[--dry-run] [--json]",
       "Deletes or anonymises each class of personal data older than its\n"
       "compliance.retention.* period and records each destruction in the audit chain.\n"
       "--dry-run only counts what would go.",
       [](po::options_description& d) {
         d.add_options()("dry-run", po::bool_switch(), "count, change nothing")(
             "json", po::bool_switch(), "print a JSON array instead of a table");
       },
       nullptr,
       [](const po::variables_map& vm) {
         return retentionRunCommand(configOf(vm), vm["dry-run"].as<bool>(), vm["json"].as<bool>());
       }},
      {"subject export", "everything held about a person, as JSON (access request)",
       "--phone P | --email E | --customer ID --shop NAME",
       "KVKK Art. 11 / GDPR Art. 15 and 20: customer profiles, carts, orders, consent\n"
       "events and message metadata from every shop, in clear, on stdout. Audited.",
       addSubjectOptions, nullptr,
       [](const po::variables_map& vm) { return subjectExportCommand(subjectTargetOf(vm)); }},
      {"subject erase", "erase a person's data (erasure request)",
       "--phone P | --email E | --customer ID --shop NAME",
       "Destroys the data keys of their profiles and carts, clears the encrypted parts\n"
       "of their consent events and messages, deletes the webhook bodies about them and\n"
       "suppresses their phone for good. Keeps the minimal consent proof; the audit\n"
       "chain still verifies. Exit 1 when nothing is held about the person.",
       addSubjectOptions, nullptr,
       [](const po::variables_map& vm) { return subjectEraseCommand(subjectTargetOf(vm)); }},
      {"inbox list", "what arrived (webhooks, polls) and how it was processed",
       "[--state S] [--shop NAME] [--after ID] [--limit N] [--json]",
       "Shows id, shop, platform, topic, delivery id, received time (UTC), state,\n"
       "attempts and reason, oldest first; never the payload.",
       [](po::options_description& d) {
         d.add_options()("state", po::value<std::string>(),
                         "received | done | duplicate | quarantined");
         addListOptions(d);
       },
       nullptr, [](const po::variables_map& vm) { return inboxListCommand(listOptionsOf(vm)); }},
      {"inbox retry", "process a quarantined inbox event again", "ID",
       "Moves the event back to `received`; the daemon picks it up on its next pass.", nullptr,
       [](po::options_description& hidden, po::positional_options_description& pos) {
         hidden.add_options()("id", po::value<std::string>());
         pos.add("id", 1);
       },
       [](const po::variables_map& vm) {
         return inboxRetryCommand(configOf(vm), optionOr(vm, "id"));
       }},
      {"send", "one message through the gate, the outbox and the channel",
       "--to PHONE --template NAME [--param K=V]... [--shop NAME] [--json]",
       "Sends [template.NAME] to PHONE exactly as a journey would: the compliance gate\n"
       "decides (consent, opt-outs, quiet hours, caps, ...), the decision is audited,\n"
       "and an allowed message goes to the channel of whatsapp.mode (Meta's Cloud API,\n"
       "or the sandbox log). Prints the decision, the outbox id and the message's state.\n"
       "Exit 0 sent, queued for a retry or deferred; 1 denied or failed.",
       [](po::options_description& d) {
         d.add_options()("to", po::value<std::string>(), "recipient phone number")(
             "template", po::value<std::string>(), "a [template.NAME] of the configuration")(
             "param", po::value<std::vector<std::string>>()->composing(),
             "template parameter NAME=VALUE (repeat for each)")(
             "shop", po::value<std::string>(), "the shop it is sent for (default: the only one)")(
             "json", po::bool_switch(), "print a JSON object");
       },
       nullptr,
       [](const po::variables_map& vm) {
         SendOptions o;
         o.config_path = configOf(vm);
         o.shop = optionOr(vm, "shop");
         o.to = optionOr(vm, "to");
         o.template_name = optionOr(vm, "template");
         if (vm.count("param")) o.params = vm["param"].as<std::vector<std::string>>();
         o.json = vm["json"].as<bool>();
         return sendCommand(o);
       }},
      {"outbox list", "messages the gate decided on and what became of them",
       "[--state S] [--shop NAME] [--after ID] [--limit N] [--json]",
       "Shows id, shop, created time (UTC), journey, step, template, the gate's decision\n"
       "and reason, state (queued, deferred, suppressed, sending, sent, delivered, read,\n"
       "failed, unknown), attempts, error and Meta's message id; never the recipient.",
       [](po::options_description& d) {
         d.add_options()("state", po::value<std::string>(), "a delivery state");
         addListOptions(d);
       },
       nullptr, [](const po::variables_map& vm) { return outboxListCommand(listOptionsOf(vm)); }},
      {"carts list", "carts and abandoned checkouts as last reported by the shops",
       "[--state S] [--shop NAME] [--after ID] [--limit N] [--json]", nullptr,
       [](po::options_description& d) {
         d.add_options()("state", po::value<std::string>(), "open | completed | deleted");
         addListOptions(d);
       },
       nullptr, [](const po::variables_map& vm) { return cartsListCommand(listOptionsOf(vm)); }},
      {"orders list", "orders as last reported by the shops",
       "[--shop NAME] [--after ID] [--limit N] [--json]", nullptr, addListOptions, nullptr,
       [](const po::variables_map& vm) { return ordersListCommand(listOptionsOf(vm)); }},
      {"customers show", "a customer's stored data, found by phone or e-mail",
       "(--phone P | --email E) [--shop NAME] [--json]",
       "Prints personal data (phone, e-mail, names, address, birthday) IN CLEAR: only\n"
       "for the operator running this command; do not paste it into tickets or chats.\n"
       "A phone without a country code is read with the --shop's country, or else\n"
       "with each configured shop's country (\"0532 123 45 67\" finds +905321234567\n"
       "in a TR shop). Exit 1 when nobody matches.",
       [](po::options_description& d) {
         d.add_options()("phone", po::value<std::string>(), "phone number, any usual format")(
             "email", po::value<std::string>(), "e-mail address (case-insensitive)")(
             "shop", po::value<std::string>(), "only this shop's customers")(
             "json", po::bool_switch(), "print a JSON array");
       },
       nullptr,
       [](const po::variables_map& vm) {
         CustomerQuery q;
         q.config_path = configOf(vm);
         q.phone = optionOr(vm, "phone");
         q.email = optionOr(vm, "email");
         q.shop = optionOr(vm, "shop");
         q.json = vm["json"].as<bool>();
         return customersShowCommand(q);
       }},
  };
  return kCommands;
}

void printUsage(std::ostream& out) {
  out << "usage: cartrelay COMMAND [--config PATH] [options]\n\ncommands:\n";
  for (const Command& c : commands()) {
    std::size_t len = std::strlen(c.name);
    out << "  " << c.name << std::string(len < 16 ? 16 - len : 1, ' ') << c.summary << "\n";
  }
  out << "\n`cartrelay COMMAND --help` describes a command's options.\n"
         "exit codes: 0 success, 1 failure, 2 usage or configuration error\n";
}

// `cartrelay inbox` and `cartrelay inbox --help`: the group's commands.
void printGroupUsage(std::ostream& out, const std::string& group) {
  out << "usage: cartrelay " << group << " COMMAND [--config PATH] [options]\n\ncommands:\n";
  for (const Command& c : commands()) {
    std::string name = c.name;
    if (name.rfind(group + " ", 0) != 0) continue;
    out << "  " << name << std::string(name.size() < 16 ? 16 - name.size() : 1, ' ') << c.summary
        << "\n";
  }
}

int runWithOptions(const Command& command, int argc, char** argv) {
  std::string caption = std::string("usage: cartrelay ") + command.name + " " +
                        (command.synopsis ? std::string(command.synopsis) + " " : "") +
                        "[--config PATH]\n\n" + command.summary + "\n";
  if (command.details) caption += std::string("\n") + command.details + "\n";
  po::options_description desc(caption + "\noptions");
  desc.add_options()("help,h", "show this help")(
      "config,c", po::value<std::string>()->default_value(kDefaultConfigPath),
      "configuration file");
  if (command.options) command.options(desc);
  po::options_description hidden;
  po::positional_options_description positional;
  if (command.positional) command.positional(hidden, positional);
  po::options_description all;
  all.add(desc).add(hidden);

  po::variables_map vm;
  const int words = wordsOf(command);
  try {
    // argv[1..words] name the command; parse what follows it.
    po::store(po::command_line_parser(argc - words, argv + words)
                  .options(all)
                  .positional(positional)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "cartrelay " << command.name << ": " << e.what() << "\n"
              << "try: cartrelay " << command.name << " --help\n";
    return kUsageError;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  return command.run(vm);
}

// The command argv names, or null. Sets *group when argv[1] is the first
// word of multi-word commands but the second word is missing or unknown.
const Command* findCommand(int argc, char** argv, bool* group) {
  *group = false;
  const std::string first = argv[1];
  for (const Command& command : commands()) {
    std::string name = command.name;
    if (wordsOf(command) == 1) {
      if (name == first) return &command;
      continue;
    }
    if (name.rfind(first + " ", 0) != 0) continue;
    *group = true;
    if (argc > 2 && name == first + " " + argv[2]) return &command;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    printUsage(std::cerr);
    return kUsageError;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    printUsage(std::cout);
    return 0;
  }
  if (name == "--version") return versionCommand();
  bool group = false;
  const Command* command = findCommand(argc, argv, &group);
  if (command != nullptr) {
    try {
      return runWithOptions(*command, argc, argv);
    } catch (const std::exception& e) {
      // Our code returns Status; this only catches a third-party surprise.
      std::cerr << "cartrelay " << command->name << ": internal error: " << e.what() << "\n";
      return 1;
    }
  }
  if (group) {
    std::string sub = argc > 2 ? argv[2] : "";
    if (sub == "--help" || sub == "-h") {
      printGroupUsage(std::cout, name);
      return 0;
    }
    if (sub.empty()) {
      std::cerr << "cartrelay " << name << ": missing command\n\n";
    } else {
      std::cerr << "cartrelay " << name << ": unknown command '" << sub << "'\n\n";
    }
    printGroupUsage(std::cerr, name);
    return kUsageError;
  }
  std::cerr << "cartrelay: unknown command '" << name << "'\n\n";
  printUsage(std::cerr);
  return kUsageError;
}

}  // namespace cartrelay::app::cli
