#include "core/store/detail/schema.h"

namespace cartrelay::core::store::detail {
namespace {

MigrationStep sql(std::string_view text) {
  MigrationStep step;
  step.kind = MigrationStep::Kind::kSql;
  step.sql = text;
  return step;
}

MigrationStep index(std::string_view name, std::string_view table, std::string_view columns) {
  MigrationStep step;
  step.kind = MigrationStep::Kind::kIndex;
  step.name = name;
  step.table = table;
  step.columns = columns;
  return step;
}

MigrationStep column(std::string_view table, std::string_view name, std::string_view definition) {
  MigrationStep step;
  step.kind = MigrationStep::Kind::kColumn;
  step.table = table;
  step.name = name;
  step.definition = definition;
  return step;
}

MigrationStep appendOnly(std::string_view table) {
  MigrationStep step;
  step.kind = MigrationStep::Kind::kAppendOnly;
  step.table = table;
  return step;
}

// Conventions (DESIGN.md "Store"): times are UTC epoch milliseconds in
// BIGINT *_at_ms columns; money is *_minor BIGINT plus an ISO 4217 currency;
// personal data lives only in *_enc columns (FieldCipher text under the
// row's data key, NULL when absent) and is found through *_hash columns
// (KeyedHasher hex). data_key holds the wrapped per-row key and is set to
// NULL to crypto-erase the row.

constexpr std::string_view kShops = R"sql(
CREATE TABLE IF NOT EXISTS shops (
  id ${ID},
  name ${KEY} NOT NULL,
  platform ${SHORT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT uq_shops_name UNIQUE (name)
)${TABLE_OPTIONS})sql";

constexpr std::string_view kCustomers = R"sql(
CREATE TABLE IF NOT EXISTS customers (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  platform_customer_id ${KEY} NOT NULL,
  data_key ${TEXT} NULL,
  phone_enc ${TEXT} NULL,
  phone_hash ${HASH} NULL,
  phone_valid INTEGER NOT NULL,
  email_enc ${TEXT} NULL,
  email_hash ${HASH} NULL,
  first_name_enc ${TEXT} NULL,
  last_name_enc ${TEXT} NULL,
  address1_enc ${TEXT} NULL,
  address2_enc ${TEXT} NULL,
  city_enc ${TEXT} NULL,
  province_enc ${TEXT} NULL,
  postal_code_enc ${TEXT} NULL,
  country_code ${SHORT} NOT NULL,
  birthday_enc ${TEXT} NULL,
  tags ${TEXT} NOT NULL,
  platform_updated_at_ms ${BIGINT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  erased_at_ms ${BIGINT} NULL,
  CONSTRAINT uq_customers_platform_id UNIQUE (shop_id, platform_customer_id),
  CONSTRAINT fk_customers_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
)${TABLE_OPTIONS})sql";

constexpr std::string_view kCarts = R"sql(
CREATE TABLE IF NOT EXISTS carts (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  platform_cart_id ${KEY} NOT NULL,
  customer_id ${BIGINT} NULL,
  currency ${SHORT} NOT NULL,
  total_minor ${BIGINT} NOT NULL,
  data_key ${TEXT} NULL,
  recovery_url_enc ${TEXT} NULL,
  contact_captured INTEGER NOT NULL,
  state ${SHORT} NOT NULL,
  platform_created_at_ms ${BIGINT} NOT NULL,
  platform_updated_at_ms ${BIGINT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT uq_carts_platform_id UNIQUE (shop_id, platform_cart_id),
  CONSTRAINT fk_carts_shop FOREIGN KEY (shop_id) REFERENCES shops (id),
  CONSTRAINT fk_carts_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ON DELETE SET NULL
)${TABLE_OPTIONS})sql";

constexpr std::string_view kCartItems = R"sql(
CREATE TABLE IF NOT EXISTS cart_items (
  cart_id ${BIGINT} NOT NULL,
  line INTEGER NOT NULL,
  product_id ${KEY} NOT NULL,
  variant_id ${KEY} NOT NULL,
  title ${TEXT} NOT NULL,
  quantity ${BIGINT} NOT NULL,
  unit_price_minor ${BIGINT} NOT NULL,
  PRIMARY KEY (cart_id, line),
  CONSTRAINT fk_cart_items_cart FOREIGN KEY (cart_id) REFERENCES carts (id) ON DELETE CASCADE
)${TABLE_OPTIONS})sql";

constexpr std::string_view kOrders = R"sql(
CREATE TABLE IF NOT EXISTS orders (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  platform_order_id ${KEY} NOT NULL,
  name ${KEY} NOT NULL,
  customer_id ${BIGINT} NULL,
  checkout_token ${KEY} NULL,
  cart_token ${KEY} NULL,
  currency ${SHORT} NOT NULL,
  total_minor ${BIGINT} NOT NULL,
  financial_status ${SHORT} NOT NULL,
  fulfillment_status ${SHORT} NOT NULL,
  placed_at_ms ${BIGINT} NOT NULL,
  cancelled_at_ms ${BIGINT} NULL,
  platform_updated_at_ms ${BIGINT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT uq_orders_platform_id UNIQUE (shop_id, platform_order_id),
  CONSTRAINT fk_orders_shop FOREIGN KEY (shop_id) REFERENCES shops (id),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
    ON DELETE SET NULL
)${TABLE_OPTIONS})sql";

constexpr std::string_view kOrderItems = R"sql(
CREATE TABLE IF NOT EXISTS order_items (
  order_id ${BIGINT} NOT NULL,
  line INTEGER NOT NULL,
  product_id ${KEY} NOT NULL,
  variant_id ${KEY} NOT NULL,
  title ${TEXT} NOT NULL,
  quantity ${BIGINT} NOT NULL,
  unit_price_minor ${BIGINT} NOT NULL,
  PRIMARY KEY (order_id, line),
  CONSTRAINT fk_order_items_order FOREIGN KEY (order_id) REFERENCES orders (id)
    ON DELETE CASCADE
)${TABLE_OPTIONS})sql";

constexpr std::string_view kInbox = R"sql(
CREATE TABLE IF NOT EXISTS inbox (
  id ${ID},
  source ${KEY} NOT NULL,
  shop_id ${BIGINT} NULL,
  platform ${SHORT} NOT NULL,
  topic ${KEY} NOT NULL,
  delivery_id ${KEY} NOT NULL,
  headers_json ${TEXT} NOT NULL,
  data_key ${TEXT} NULL,
  body_enc ${LONGTEXT} NULL,
  state ${SHORT} NOT NULL,
  reason ${TEXT} NULL,
  received_at_ms ${BIGINT} NOT NULL,
  processed_at_ms ${BIGINT} NULL,
  attempts INTEGER NOT NULL,
  CONSTRAINT uq_inbox_delivery UNIQUE (source, delivery_id),
  CONSTRAINT fk_inbox_shop FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE SET NULL
)${TABLE_OPTIONS})sql";

// Migration 2: what the shop connectors need.

// Catalogue entries, for "bought in category X" segments. categories_json
// and tags_json are JSON arrays of strings (unambiguous for names holding
// commas). No personal data.
constexpr std::string_view kProducts = R"sql(
CREATE TABLE IF NOT EXISTS products (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  platform_product_id ${KEY} NOT NULL,
  title ${TEXT} NOT NULL,
  product_type ${TEXT} NOT NULL,
  categories_json ${LONGTEXT} NOT NULL,
  tags_json ${LONGTEXT} NOT NULL,
  platform_updated_at_ms ${BIGINT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT uq_products_platform_id UNIQUE (shop_id, platform_product_id),
  CONSTRAINT fk_products_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
)${TABLE_OPTIONS})sql";

// An append-only log read in id order. customer_id, cart_id, order_id and
// inbox_id are deliberately not foreign keys: an event outlives the row it
// describes (OrderDeleted, inbox retention) and must keep naming it.
constexpr std::string_view kDomainEvents = R"sql(
CREATE TABLE IF NOT EXISTS domain_events (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  kind ${KEY} NOT NULL,
  customer_id ${BIGINT} NULL,
  cart_id ${BIGINT} NULL,
  order_id ${BIGINT} NULL,
  subject_hash ${HASH} NULL,
  inbox_id ${BIGINT} NULL,
  occurred_at_ms ${BIGINT} NOT NULL,
  payload_json ${TEXT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT fk_domain_events_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
)${TABLE_OPTIONS})sql";

// CURSOR is a reserved word in MariaDB/MySQL: the column is always written
// `cursor` (backticks work on both engines).
constexpr std::string_view kPollCursors = R"sql(
CREATE TABLE IF NOT EXISTS poll_cursors (
  shop_id ${BIGINT} NOT NULL,
  resource ${KEY} NOT NULL,
  `cursor` ${TEXT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  PRIMARY KEY (shop_id, resource),
  CONSTRAINT fk_poll_cursors_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
)${TABLE_OPTIONS})sql";

// The tamper-evident audit chain (compliance/audit_log.h). seq is assigned
// by the appender (head + 1 under the audit_state lock), not by the engine,
// so the chain has no gaps. Hashes are lower-case hex; subject_ref is a
// keyed hash or '' and payload is canonical JSON without personal data.
constexpr std::string_view kAuditLog = R"sql(
CREATE TABLE IF NOT EXISTS audit_log (
  seq ${BIGINT} NOT NULL PRIMARY KEY,
  ts_ms ${BIGINT} NOT NULL,
  kind ${KEY} NOT NULL,
  actor ${KEY} NOT NULL,
  subject_ref ${HASH} NOT NULL,
  payload ${TEXT} NOT NULL,
  prev_hash ${HASH} NOT NULL,
  entry_hash ${HASH} NOT NULL
)${TABLE_OPTIONS})sql";

// Signed Merkle tree heads over audit_log[1..tree_size], one per key epoch
// (compliance/audit_checkpointer.h). consistency_proof is the RFC 9162
// proof from the previous checkpoint, hex hashes separated by ','.
constexpr std::string_view kAuditCheckpoints = R"sql(
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  tree_size ${BIGINT} NOT NULL PRIMARY KEY,
  epoch ${BIGINT} NOT NULL,
  ts_ms ${BIGINT} NOT NULL,
  root ${HASH} NOT NULL,
  public_key ${HASH} NOT NULL,
  next_public_key ${HASH} NOT NULL,
  signature ${KEY} NOT NULL,
  consistency_proof ${TEXT} NOT NULL,
  CONSTRAINT uq_audit_checkpoints_epoch UNIQUE (epoch)
)${TABLE_OPTIONS})sql";

// One row (id = 1): the chain's head and the installation id its genesis
// hash is derived from. Appenders lock it, which serialises them on MariaDB
// as BEGIN IMMEDIATE does on SQLite. It is a cache of audit_log's last row,
// never trusted by the verifier.
constexpr std::string_view kAuditState = R"sql(
CREATE TABLE IF NOT EXISTS audit_state (
  id INTEGER NOT NULL PRIMARY KEY,
  install_id ${KEY} NOT NULL,
  head_seq ${BIGINT} NOT NULL,
  head_hash ${HASH} NOT NULL,
  head_ts_ms ${BIGINT} NOT NULL
)${TABLE_OPTIONS})sql";

// Consent events (compliance/consent_ledger.h), compliance-rules.md (b).
// Append-only in meaning, but not by trigger: erasure (rule 46) clears the
// encrypted recipient and evidence and keeps the minimal proof. Every row is
// also recorded in the audit chain (audit_seq). purpose_scope is a comma
// list of purposes, '' for all.
constexpr std::string_view kConsentEvents = R"sql(
CREATE TABLE IF NOT EXISTS consent_events (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  subject_ref ${HASH} NOT NULL,
  channel ${SHORT} NOT NULL,
  status ${SHORT} NOT NULL,
  event_type ${SHORT} NOT NULL,
  recipient_type ${SHORT} NOT NULL,
  source ${SHORT} NOT NULL,
  capture_point ${KEY} NOT NULL,
  purpose_scope ${KEY} NOT NULL,
  consent_text_id ${KEY} NOT NULL,
  consent_text_version ${KEY} NOT NULL,
  consent_text_sha256 ${HASH} NOT NULL,
  kvkk_notice_version ${KEY} NOT NULL,
  legal_basis ${KEY} NOT NULL,
  verified INTEGER NOT NULL,
  complete INTEGER NOT NULL,
  block_all INTEGER NOT NULL,
  evidence_only INTEGER NOT NULL,
  withdrawal_channel ${KEY} NOT NULL,
  iys_sync ${SHORT} NOT NULL,
  iys_transaction_id ${KEY} NOT NULL,
  data_key ${TEXT} NULL,
  recipient_enc ${TEXT} NULL,
  evidence_enc ${TEXT} NULL,
  event_at_ms ${BIGINT} NOT NULL,
  received_at_ms ${BIGINT} NOT NULL,
  audit_seq ${BIGINT} NOT NULL,
  CONSTRAINT fk_consent_events_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
)${TABLE_OPTIONS})sql";

// How far each in-process consumer of domain_events has read (keyset
// pagination by id), so a restart resumes where it stopped.
constexpr std::string_view kConsumerOffsets = R"sql(
CREATE TABLE IF NOT EXISTS consumer_offsets (
  consumer ${KEY} NOT NULL PRIMARY KEY,
  last_id ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL
)${TABLE_OPTIONS})sql";

// Every message the gate decided on (compliance/send_gate.h): the decision,
// its reason and audit record, and for an allowed one the state of its
// delivery. dedupe_key is "<journey>|<step>|<subject_ref>" for journey
// messages, so each is sent at most once, and NULL for manual sends. The
// recipient and the template parameters (names, cart links) are encrypted
// under the row's data key.
constexpr std::string_view kOutbox = R"sql(
CREATE TABLE IF NOT EXISTS outbox (
  id ${ID},
  shop_id ${BIGINT} NOT NULL,
  subject_ref ${HASH} NOT NULL,
  journey ${KEY} NOT NULL,
  step ${KEY} NOT NULL,
  template ${KEY} NOT NULL,
  purpose ${SHORT} NOT NULL,
  purpose_class ${SHORT} NOT NULL,
  cart_id ${BIGINT} NULL,
  order_id ${BIGINT} NULL,
  decision ${SHORT} NOT NULL,
  reason ${KEY} NULL,
  retry_at_ms ${BIGINT} NULL,
  consent_event_id ${BIGINT} NULL,
  audit_seq ${BIGINT} NOT NULL,
  state ${SHORT} NOT NULL,
  dedupe_key ${KEY} NULL,
  data_key ${TEXT} NULL,
  recipient_enc ${TEXT} NULL,
  params_enc ${TEXT} NULL,
  created_at_ms ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT uq_outbox_dedupe UNIQUE (dedupe_key),
  CONSTRAINT fk_outbox_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
)${TABLE_OPTIONS})sql";

// People who must never be messaged again whatever later imports say:
// erased subjects (rule 46). Keyed hash only.
constexpr std::string_view kSuppressions = R"sql(
CREATE TABLE IF NOT EXISTS subject_suppressions (
  subject_ref ${HASH} NOT NULL PRIMARY KEY,
  reason ${SHORT} NOT NULL,
  created_at_ms ${BIGINT} NOT NULL
)${TABLE_OPTIONS})sql";

// The last İYS status seen per (shop, subject) for type MESAJ
// (compliance/iys_sync.h): from a live /consents/status call or a pulled
// change. recipient_type (BIREYSEL | TACIR) says which İYS record it is of;
// status is ONAY, RET or NOT_FOUND; transaction_id is '' for NOT_FOUND. A
// cache, not evidence: the ledger keeps the history.
constexpr std::string_view kIysStatus = R"sql(
CREATE TABLE IF NOT EXISTS iys_status (
  shop_id ${BIGINT} NOT NULL,
  subject_ref ${HASH} NOT NULL,
  recipient_type ${SHORT} NOT NULL,
  status ${SHORT} NOT NULL,
  transaction_id ${KEY} NOT NULL,
  checked_at_ms ${BIGINT} NOT NULL,
  PRIMARY KEY (shop_id, subject_ref),
  CONSTRAINT fk_iys_status_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
)${TABLE_OPTIONS})sql";

}  // namespace

const std::string_view kSchemaMigrationsTableSql = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name ${KEY} NOT NULL,
  applied_at_ms ${BIGINT} NOT NULL
)${TABLE_OPTIONS})sql";

// Migration 8: WhatsApp delivery (connectors/whatsapp, compliance/outbox_delivery.h).

// Statuses Meta reported for a wamid no outbox row holds yet: the webhook
// can beat the send's own response (whatsapp-cloud-api.md "What senders get
// wrong" 2). Applied and deleted when the send's wamid is stored. No
// personal data: the wamid is Meta's opaque id.
constexpr std::string_view kDeliveryStatusBuffer = R"sql(
CREATE TABLE IF NOT EXISTS delivery_status_buffer (
  wamid ${KEY} NOT NULL,
  status ${SHORT} NOT NULL,
  status_at_ms ${BIGINT} NOT NULL,
  error_code INTEGER NULL,
  pricing_category ${SHORT} NULL,
  pricing_type ${SHORT} NULL,
  received_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT pk_delivery_status_buffer PRIMARY KEY (wamid, status)
)${TABLE_OPTIONS})sql";

// What WhatsApp users said to the shop, per subject (keyed phone hash): the
// 24-hour customer service window and the engagement segments use.
constexpr std::string_view kWhatsAppContacts = R"sql(
CREATE TABLE IF NOT EXISTS whatsapp_contacts (
  subject_ref ${HASH} NOT NULL PRIMARY KEY,
  last_inbound_at_ms ${BIGINT} NOT NULL,
  inbound_count ${BIGINT} NOT NULL,
  updated_at_ms ${BIGINT} NOT NULL
)${TABLE_OPTIONS})sql";

// Per-message tracked links (GET /r/{token}). token_hash is the SHA-256 of
// the token, so reading the database does not let anyone click for a
// customer; the target is sealed under the outbox row's data key, so
// erasing the message's content makes the link a 404.
constexpr std::string_view kTrackedLinks = R"sql(
CREATE TABLE IF NOT EXISTS tracked_links (
  token_hash ${HASH} NOT NULL PRIMARY KEY,
  outbox_id ${BIGINT} NOT NULL,
  target_enc ${TEXT} NULL,
  created_at_ms ${BIGINT} NOT NULL,
  expires_at_ms ${BIGINT} NOT NULL,
  clicks ${BIGINT} NOT NULL,
  first_click_at_ms ${BIGINT} NULL,
  last_click_at_ms ${BIGINT} NULL
)${TABLE_OPTIONS})sql";

// Meta's view of each template (name + language): status, category and
// quality, from the management API and the template webhooks.
constexpr std::string_view kWhatsAppTemplates = R"sql(
CREATE TABLE IF NOT EXISTS whatsapp_templates (
  name ${KEY} NOT NULL,
  language ${SHORT} NOT NULL,
  template_id ${KEY} NULL,
  status ${SHORT} NOT NULL,
  category ${SHORT} NULL,
  quality ${SHORT} NULL,
  reason ${KEY} NULL,
  updated_at_ms ${BIGINT} NOT NULL,
  CONSTRAINT pk_whatsapp_templates PRIMARY KEY (name, language)
)${TABLE_OPTIONS})sql";

const std::vector<Migration>& allMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "initial_schema",
       {
           sql(kShops),
           sql(kCustomers),
           index("ix_customers_phone_hash", "customers", "phone_hash"),
           index("ix_customers_email_hash", "customers", "email_hash"),
           sql(kCarts),
           index("ix_carts_state_updated", "carts", "state, platform_updated_at_ms"),
           index("ix_carts_customer", "carts", "customer_id"),
           sql(kCartItems),
           sql(kOrders),
           index("ix_orders_customer", "orders", "customer_id"),
           index("ix_orders_checkout_token", "orders", "shop_id, checkout_token"),
           sql(kOrderItems),
           sql(kInbox),
           index("ix_inbox_state", "inbox", "state, id"),
       }},
      {2,
       "connector_store",
       {
           column("carts", "cart_token", "${KEY} NULL"),
           index("ix_carts_cart_token", "carts", "shop_id, cart_token"),
           sql(kProducts),
           index("ix_products_shop", "products", "shop_id, id"),
           sql(kDomainEvents),
           index("ix_domain_events_shop", "domain_events", "shop_id, id"),
           index("ix_domain_events_customer", "domain_events", "customer_id"),
           sql(kPollCursors),
           // Retention (InboxRepo::deleteExpired) finds done/duplicate rows by
           // processed_at_ms; quarantined rows are few and found through
           // ix_inbox_state.
           index("ix_inbox_state_processed", "inbox", "state, processed_at_ms"),
       }},
      {3,
       "inbox_body_format",
       {
           // 0: body_enc is the raw body sealed to "inbox.body:<id>" (rows
           // written before this migration); 1: the LZ4-compressed body
           // sealed to the row's unique (source, delivery_id), so it can be
           // sealed before the insert (InboxRepo::seal).
           column("inbox", "body_format", "INTEGER NOT NULL DEFAULT 0"),
       }},
      {4,
       "audit_chain",
       {
           sql(kAuditLog),
           appendOnly("audit_log"),
           sql(kAuditCheckpoints),
           appendOnly("audit_checkpoints"),
           sql(kAuditState),
       }},
      {5,
       "consent_ledger",
       {
           sql(kConsentEvents),
           index("ix_consent_events_subject", "consent_events", "shop_id, subject_ref, id"),
           sql(kConsumerOffsets),
       }},
      {6,
       "outbox",
       {
           sql(kOutbox),
           // Frequency caps read a subject's recent allowed sends.
           index("ix_outbox_subject", "outbox", "shop_id, subject_ref, created_at_ms"),
           index("ix_outbox_state", "outbox", "state, retry_at_ms"),
           sql(kSuppressions),
       }},
      {7, "iys_status", {sql(kIysStatus)}},
      {8,
       "whatsapp_delivery",
       {
           // The delivery side of an outbox row: Meta's id, how often it
           // was tried, the last error, when each status arrived and what
           // Meta charged for it.
           column("outbox", "wamid", "${KEY} NULL"),
           column("outbox", "attempts", "INTEGER NOT NULL DEFAULT 0"),
           column("outbox", "error_code", "INTEGER NULL"),
           column("outbox", "error_reason", "${KEY} NULL"),
           column("outbox", "sent_at_ms", "${BIGINT} NULL"),
           column("outbox", "delivered_at_ms", "${BIGINT} NULL"),
           column("outbox", "read_at_ms", "${BIGINT} NULL"),
           column("outbox", "pricing_category", "${SHORT} NULL"),
           column("outbox", "pricing_type", "${SHORT} NULL"),
           index("ix_outbox_wamid", "outbox", "wamid"),
           sql(kDeliveryStatusBuffer),
           sql(kWhatsAppContacts),
           sql(kTrackedLinks),
           index("ix_tracked_links_outbox", "tracked_links", "outbox_id"),
           sql(kWhatsAppTemplates),
       }},
  };
  return kMigrations;
}

}  // namespace cartrelay::core::store::detail
