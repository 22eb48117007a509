#include "compliance/tracked_links.h"

#include <soci/soci.h>

#include "core/store/database.h"
#include "core/store/detail/bind.h"
#include "core/store/detail/errors.h"
#include "core/store/detail/pii.h"
#include "core/util/base64.h"
#include "core/util/crypto.h"
#include "core/util/url_encoding.h"

namespace cartrelay::compliance {
namespace {

namespace detail = core::store::detail;
using core::Result;
using core::Status;

constexpr std::size_t kTokenBytes = 16;
constexpr std::string_view kTargetLabel = "tracked_links.target";

std::string tokenHash(std::string_view token) {
  return core::crypto::hexEncode(core::crypto::sha256(token));
}

// The target of param `name`, or why it is none. The message names the
// param only: the value is a customer's link.
Result<std::string> targetOf(const nlohmann::json& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end()) return Status::invalidArgument("parameter '" + name + "' is missing");
  if (!it->is_string() || !core::isWebLink(it->get_ref<const std::string&>(), false)) {
    return Status::invalidArgument("parameter '" + name +
                                   "' must be an absolute http:// or https:// URL");
  }
  return it->get<std::string>();
}

}  // namespace

bool isLinkToken(std::string_view token) {
  if (token.size() != kLinkTokenChars) return false;
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

Status checkLinkTargets(const std::vector<TrackedParam>& tracked, const nlohmann::json& params) {
  for (const TrackedParam& p : tracked)
    CARTRELAY_RETURN_IF_ERROR(targetOf(params, p.name).status());
  return Status::ok();
}

Result<nlohmann::json> TrackedLinks::mint(soci::session& s, std::int64_t outbox_id,
                                          const std::vector<TrackedParam>& tracked,
                                          const nlohmann::json& params) const {
  if (tracked.empty()) return params;
  // submit() checked the targets, but the message may have waited while the
  // configuration changed under it: such a message fails, it is not sent
  // with a link that goes nowhere.
  auto permanent = [outbox_id](const Status& why) {
    return Status::permanent("outbox " + std::to_string(outbox_id) +
                             ": no tracked link: " + why.message());
  };
  std::string base = options_.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();

  detail::NullableText wrapped;
  CARTRELAY_RETURN_IF_ERROR(detail::guarded("tracked_links.key", [&]() -> Status {
    std::int64_t id = outbox_id;
    s << "SELECT data_key FROM outbox WHERE id = :id", soci::use(id),
        soci::into(wrapped.value, wrapped.ind);
    return Status::ok();
  }));
  if (wrapped.get().empty()) return permanent(Status::permanent("the message has no content"));
  auto key = detail::unwrapRowKey(keys_.cipher(), wrapped.get());
  if (!key.isOk()) return permanent(key.status());

  // A row is claimed again only when its last attempt was not sent
  // (released, or refused with a retry), so the links of earlier attempts
  // never reached anyone: they go, and only this attempt's links work.
  CARTRELAY_RETURN_IF_ERROR(detail::guarded("tracked_links.replace", [&]() -> Status {
    std::int64_t id = outbox_id;
    s << "DELETE FROM tracked_links WHERE outbox_id = :id", soci::use(id);
    return Status::ok();
  }));

  const core::EpochMillis now = clock_.nowMillis();
  nlohmann::json out = params;
  for (const TrackedParam& p : tracked) {
    auto target = targetOf(params, p.name);
    if (!target.isOk()) return permanent(target.status());
    if (p.form == TrackedParam::Form::kUrl && base.empty()) {
      return permanent(Status::invalidArgument("daemon.public_url is not set"));
    }
    CARTRELAY_ASSIGN_OR_RETURN(std::string random, core::crypto::randomBytes(kTokenBytes));
    const std::string token = core::base64UrlEncode(random);
    CARTRELAY_ASSIGN_OR_RETURN(std::string sealed,
                               detail::sealCell(*key, *target, kTargetLabel, outbox_id));
    CARTRELAY_RETURN_IF_ERROR(detail::guarded("tracked_links.mint", [&]() -> Status {
      std::string hash = tokenHash(token);
      std::int64_t id = outbox_id;
      std::int64_t created = now;
      std::int64_t expires = now + options_.ttl_ms;
      s << "INSERT INTO tracked_links (token_hash, outbox_id, target_enc, created_at_ms,"
           " expires_at_ms, clicks) VALUES (:h, :o, :t, :c, :e, 0)",
          soci::use(hash), soci::use(id), soci::use(sealed), soci::use(created), soci::use(expires);
      return Status::ok();
    }));
    out[p.name] = p.form == TrackedParam::Form::kToken ? token : base + "/r/" + token;
  }
  return out;
}

Result<TrackedLinks::Hit> TrackedLinks::resolveAndCount(std::string_view token) const {
  if (!isLinkToken(token)) return Status::notFound("link: not a token");
  const std::string hash = tokenHash(token);
  const core::EpochMillis now = clock_.nowMillis();

  // Looked up outside a transaction: made-up tokens (a scan, a typo) must
  // not queue for the SQLite write lock.
  Hit hit;
  std::int64_t expires_at = 0;
  detail::NullableText target;
  detail::NullableText wrapped;
  bool found = false;
  CARTRELAY_RETURN_IF_ERROR(db_.withSession([&](soci::session& s) {
    return detail::guarded("tracked_links.find", [&]() -> Status {
      std::string h = hash;
      s << "SELECT l.outbox_id, l.target_enc, l.expires_at_ms, o.data_key FROM tracked_links l"
           " LEFT JOIN outbox o ON o.id = l.outbox_id WHERE l.token_hash = :h",
          soci::use(h), soci::into(hit.outbox_id), soci::into(target.value, target.ind),
          soci::into(expires_at), soci::into(wrapped.value, wrapped.ind);
      found = s.got_data();
      return Status::ok();
    });
  }));
  if (!found) return Status::notFound("link: unknown");
  if (expires_at <= now) return Status::notFound("link: expired");
  if (wrapped.get().empty() || target.get().empty()) {
    return Status::notFound("link: message content erased");
  }
  // A key or ciphertext that does not verify is a link whose message got a
  // new data key (decided again) or lost its content: gone, not broken.
  auto key = detail::unwrapRowKey(keys_.cipher(), wrapped.get());
  if (!key.isOk()) return Status::notFound("link: message key unreadable");
  auto opened = detail::openCell(*key, target.get(), kTargetLabel, hit.outbox_id);
  if (!opened.isOk()) return Status::notFound("link: target unreadable");
  hit.target = std::move(opened).value();
  // Stored targets were checked when the message was asked for; checked
  // again because this one goes into a Location header.
  if (!core::isWebLink(hit.target, false)) return Status::notFound("link: target not a web link");

  // The click counts only if the link is still there, unexpired, and its
  // message still has its content: an erasure or retention run between the
  // read and now wins.
  auto counted = db_.queryTransaction([&](soci::session& s) -> Result<bool> {
    return detail::guarded("tracked_links.click", [&]() -> Result<bool> {
      std::string h = hash;
      std::int64_t at = now;
      soci::statement st =
          (s.prepare << "UPDATE tracked_links SET clicks = clicks + 1, first_click_at_ms ="
                        " COALESCE(first_click_at_ms, :t1), last_click_at_ms = :t2"
                        " WHERE token_hash = :h AND expires_at_ms > :t3 AND EXISTS (SELECT 1"
                        " FROM outbox o WHERE o.id = tracked_links.outbox_id AND o.data_key IS"
                        " NOT NULL)",
           soci::use(at), soci::use(at), soci::use(h), soci::use(at));
      st.execute(true);
      return st.get_affected_rows() == 1;
    });
  });
  if (!counted.isOk()) return counted.status();
  if (!*counted) return Status::notFound("link: gone while resolving");
  return hit;
}

}  // namespace cartrelay::compliance
