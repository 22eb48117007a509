#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/clock.h"
#include "core/util/key_ring.h"
#include "core/util/result.h"
#include "core/util/status.h"

namespace soci {
class session;
}  // namespace soci

namespace cartrelay::core::store {
class Database;
}  // namespace cartrelay::core::store

// Tracked links (GET /r/{token}): a message's link to, say, the cart's
// recovery page goes out as a per-message token on cartrelay's own address,
// so the click is recorded (message, time) before the 302 to the target.
//
// Each link is a row of tracked_links (migration 8): the SHA-256 (hex) of
// the token, never the token itself, so a copy of the database does not let
// anyone click for a customer; the target sealed under the outbox row's data
// key (label "tracked_links.target", row id = the outbox id), so destroying
// the message's content (erasure, retention, a denial on re-decision, a new
// key on re-decision) turns the link into a 404; an expiry; and the click
// count with the first and last click time (UTC epoch ms).
//
// Tokens are 16 bytes of the CSPRNG (core::crypto::randomBytes), base64url
// without padding: 22 characters of [A-Za-z0-9_-], 128 bits, unguessable.
// The redirect target is only ever the sealed target of a stored link, so
// the endpoint cannot be used as an open redirect.
namespace cartrelay::compliance {

// A send parameter whose value the caller gives as a link target (an
// absolute http(s) URL) and that goes out as a tracked link instead
// ([template.NAME] buttons = tracked_url:PARAM, body_params = PARAM:link).
struct TrackedParam {
  enum class Form {
    kToken,  // the bare token: a URL button's dynamic suffix (the template at
             // Meta holds the prefix "{daemon.public_url}/r/")
    kUrl,    // "{daemon.public_url}/r/{token}": a link in the body text
  };
  std::string name;
  Form form = Form::kToken;
};

struct LinkOptions {
  // daemon.public_url, the base of kUrl links ("https://shop.example/cr");
  // a trailing '/' is ignored. Must be set when a template has a kUrl param.
  std::string public_url;
  // How long a link works after it was minted, in milliseconds
  // ([whatsapp] link_ttl).
  std::int64_t ttl_ms = 30LL * 24 * 60 * 60 * 1000;
};

// Characters in a token: base64url of 16 bytes without padding.
inline constexpr std::size_t kLinkTokenChars = 22;

// True when `token` has the syntax of a token ([A-Za-z0-9_-]{22}); says
// nothing about whether it exists.
bool isLinkToken(std::string_view token);

// Checks the targets of a message's tracked params before it is accepted:
// each must be present, a string and an absolute http:// or https:// URL
// (core::isWebLink). kInvalidArgument naming the first bad param, never its
// value (a cart's recovery URL is a bearer link to personal data).
core::Status checkLinkTargets(const std::vector<TrackedParam>& tracked,
                              const nlohmann::json& params);

// Mints and resolves tracked links.
//
// Ownership: db, keys and clock must outlive the object. Thread-safety:
// immutable; every method may be called concurrently (each resolve uses its
// own session; mint uses the caller's).
class TrackedLinks {
 public:
  TrackedLinks(core::store::Database& db, const core::KeyRing& keys, const core::Clock& clock,
               LinkOptions options)
      : db_(db), keys_(keys), clock_(clock), options_(std::move(options)) {}

  TrackedLinks(const TrackedLinks&) = delete;
  TrackedLinks& operator=(const TrackedLinks&) = delete;

  // In the caller's transaction `s` (the one that marks outbox row
  // `outbox_id` as sending): one new link per param of `tracked`, with the
  // param's value in `params` as its target, sealed under the row's current
  // data key and expiring LinkOptions::ttl_ms from now. Returns `params`
  // with each tracked value replaced by its token (kToken) or tracked URL
  // (kUrl); other params are untouched. Every call mints new tokens and
  // deletes the row's earlier links: a row is only claimed again when its
  // last attempt was not sent, so those never reached anyone.
  //
  // Errors: kPermanent when the message cannot get its links (the row holds
  // no data key any more, a target is missing or not an http(s) URL, or a
  // kUrl param without LinkOptions::public_url): the message can never be
  // sent as asked. Store errors as kUnavailable / kInternal.
  core::Result<nlohmann::json> mint(soci::session& s, std::int64_t outbox_id,
                                    const std::vector<TrackedParam>& tracked,
                                    const nlohmann::json& params) const;

  struct Hit {
    std::int64_t outbox_id = 0;
    std::string target;  // the sealed target: personal data, never log it
  };
  // A click: looks the token up by its hash and, when the link exists, has
  // not expired (expires_at_ms > now) and its target still opens under the
  // outbox row's data key, counts the click (clicks + 1, first and last
  // click time) in one transaction and returns the target. A token without
  // the right syntax is refused before the store is touched.
  //
  // Errors: kNotFound for an unknown, expired or erased link (the message
  // says which, without the token); kUnavailable / kInternal when the store
  // fails. Unknown tokens only read, so they never take the write lock.
  core::Result<Hit> resolveAndCount(std::string_view token) const;

 private:
  core::store::Database& db_;
  const core::KeyRing& keys_;
  const core::Clock& clock_;
  LinkOptions options_;
};

}  // namespace cartrelay::compliance
