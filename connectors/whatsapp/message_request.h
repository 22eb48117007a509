#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/util/result.h"
#include "core/util/status.h"

// Request bodies for POST /<PHONE_NUMBER_ID>/messages of the WhatsApp Cloud API
// (shared/reference/whatsapp-cloud-api.md §1; fixtures send_template_request_*.json,
// constructed_send_template_abandoned_cart_tr.json, send_text_request.json).
//
// Everything here is a pure function of its arguments: no I/O, no clock, no
// shared state, so it is safe from any thread. Nothing throws. Errors are
// kInvalidArgument; their messages name the parameter or the config token at
// fault but never quote a parameter value, the recipient or the callback data,
// because they are logged and values can be personal data.
namespace cartrelay::whatsapp {

// How one body placeholder is filled.
enum class ParamType {
  kText,      // {"type":"text","text":VALUE}
  kCurrency,  // VALUE is "AMOUNT CODE" ("249.90 TRY"); see buildTemplateRequest
  kDateTime,  // {"type":"date_time","date_time":{"fallback_value":VALUE}}
  // A tracked link: sent like kText. The value asked for is the target URL;
  // the gate replaces it by "{daemon.public_url}/r/{token}" for each send
  // attempt, so the channel only ever sees the tracked link.
  kLink,
};

struct BodyParam {
  std::string name;  // key in the params object; for named templates also Meta's parameter_name
  ParamType type = ParamType::kText;
};

enum class HeaderMedia { kNone, kImage, kVideo, kDocument };

struct TemplateButton {
  enum class Kind { kUrl, kTrackedUrl, kQuickReply };
  Kind kind;
  // kUrl: name of the param holding the dynamic suffix appended to the URL
  // prefix approved with the template. kTrackedUrl: the same, sent the same
  // way, but the value asked for is the target URL and the gate replaces it
  // by a tracked-link token (the template's URL is registered at Meta as
  // "{daemon.public_url}/r/{{1}}"). kQuickReply: the literal payload that
  // comes back in the button webhook (e.g. "STOP_MARKETING").
  std::string value;
};

// One approved Meta template as the config describes it. Filled by the config
// loader (app/config) with the parse* helpers below; consumed by
// buildTemplateRequest. A plain value type.
struct TemplateLayout {
  std::string meta_name;        // the template's name at Meta
  std::string language;         // language.code: "tr", "en_US"; Meta does not translate
  bool named_params = true;     // parameter_format: named ({{first_name}}) or positional ({{1}})
  std::vector<BodyParam> body;  // in placeholder order ({{1}}, {{2}}, ... when positional)
  HeaderMedia header = HeaderMedia::kNone;
  std::string header_param;             // param holding the media link (an https URL)
  std::vector<TemplateButton> buttons;  // a button's index at Meta is its position here
};

// INI spellings, parsed here so the config loader and its error messages share
// one definition. Tokens are separated by commas; ASCII whitespace around a
// token is ignored. Param names are lower-case ASCII letters, digits and '_'
// (what Meta allows in a named placeholder). Keywords are lower case. Messages
// quote the offending config token (config is not personal data) so
// `cartrelay check-config` can point at it.
//
//   body_params = "first_name, cart_total:currency, expires:date_time, cart:link"
//     NAME[:text|currency|date_time|link]; the type defaults to text. An
//     empty value means a body without parameters. Duplicate names are
//     refused.
core::Result<std::vector<BodyParam>> parseBodyParams(std::string_view text);

//   buttons = "url:cart_link, tracked_url:cart_url, quick_reply:STOP_MARKETING"
//     url:PARAM_NAME, tracked_url:PARAM_NAME or quick_reply:PAYLOAD (any
//     non-empty text without a comma). An empty value means no buttons; at
//     most 10 buttons (the BSP-documented maximum per template, reference §7).
core::Result<std::vector<TemplateButton>> parseButtons(std::string_view text);

//   header = "none" | "image:PARAM" | "video:PARAM" | "document:PARAM"
// Sets out->header and out->header_param (cleared for "none"). On error *out is
// left unchanged. `out` must not be null.
core::Status parseHeader(std::string_view text, TemplateLayout* out);

// The JSON body of a template send:
//   {"messaging_product":"whatsapp","recipient_type":"individual","to":TO,
//    "type":"template","template":{"name":..,"language":{"code":..},"components":[..]},
//    "biz_opaque_callback_data":..}
//
// - `to_e164`: "+" then 7-15 digits, the first not 0.
// - `params`: a JSON object, param name -> string or number (numbers are written
//   as their decimal text: 42 -> "42", 2.5 -> "2.5"). Only the params the layout
//   names are read; others are ignored. Values must be non-empty UTF-8.
// - `biz_opaque_callback_data`: put top-level when non-empty (echoed in every
//   status webhook); at most 512 bytes.
//
// Components, each omitted when it has nothing to carry (and "components"
// itself when all are empty): the header ({"type":"image","image":{"link":URL}},
// likewise video/document; the URL must be https://HOST...), the body (one
// parameter per layout.body entry, in order, with "parameter_name" when
// layout.named_params), then one {"type":"button","sub_type":"url"|"quick_reply",
// "index":"N"} component per button, N as a string.
//
// Currency: the value "AMOUNT CODE" ("249.90 TRY", "1299 EUR"): AMOUNT is
// digits with at most 3 fraction digits after a '.', no sign, no grouping,
// parsed exactly into "amount_1000" = AMOUNT x 1000; CODE is 3 upper-case ASCII
// letters. "fallback_value" is the value of param "<name>_fallback" when the
// params have it (e.g. "1.249,90 TL"), else the value as given.
//
// kInvalidArgument when the layout is incomplete (no name/language, media
// header without a param), the recipient is not E.164, params is not an
// object, or a param is missing, of the wrong JSON type, empty, not UTF-8, a
// bad currency or a bad link.
core::Result<nlohmann::json> buildTemplateRequest(const TemplateLayout& layout,
                                                  std::string_view to_e164,
                                                  const nlohmann::json& params,
                                                  std::string_view biz_opaque_callback_data);

// The JSON body of a free-form text send (only valid inside a customer-service
// window; enforcing that is the gate's job, not this function's):
//   {"messaging_product":"whatsapp","recipient_type":"individual","to":TO,
//    "type":"text","text":{"preview_url":..,"body":..},"biz_opaque_callback_data":..}
// `body` must be non-empty UTF-8 of at most 4096 characters (Meta's limit for
// text messages). Same recipient and callback-data rules and errors as above.
core::Result<nlohmann::json> buildTextRequest(std::string_view to_e164, std::string_view body,
                                              bool preview_url,
                                              std::string_view biz_opaque_callback_data);

}  // namespace cartrelay::whatsapp
