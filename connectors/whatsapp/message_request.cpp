#include "connectors/whatsapp/message_request.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <system_error>

#include "core/util/text.h"
#include "core/util/url_encoding.h"

namespace cartrelay::whatsapp {

namespace {

using nlohmann::json;

// Meta documents biz_opaque_callback_data as at most 512 characters; counting
// bytes is stricter and keeps the check independent of the encoding.
constexpr std::size_t kMaxCallbackDataBytes = 512;
// Meta's limit on a text message body, in characters.
constexpr std::size_t kMaxTextBodyChars = 4096;
// Reference §7 (BSP docs): up to 10 buttons per template. A config with more
// could never match an approved template, so it is refused at load.
constexpr std::size_t kMaxButtons = 10;
// 15 integer digits x 1000 stays far below INT64_MAX, so amount_1000 cannot overflow.
constexpr std::size_t kMaxAmountIntegerDigits = 15;

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool isParamName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || isDigit(c) || c == '_')) return false;
  }
  return true;
}

// Comma-separated tokens, each trimmed. A blank list is empty; an empty token
// inside a list ("a,,b", "a,") is kept so the caller can refuse it.
std::vector<std::string_view> splitList(std::string_view text) {
  std::vector<std::string_view> out;
  text = core::trimAsciiWhitespace(text);
  if (text.empty()) return out;
  while (true) {
    const auto comma = text.find(',');
    out.push_back(core::trimAsciiWhitespace(text.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// Number of code points when `s` is strict UTF-8 (no overlong forms, no
// surrogates, nothing above U+10FFFF), else nullopt. nlohmann::json::dump()
// throws on invalid UTF-8, so every string put into a request is checked here
// first: the failure becomes a kInvalidArgument naming the field, not an
// exception in the sender.
std::optional<std::size_t> utf8Length(std::string_view s) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if (b0 < 0x80) {
      len = 1;
      cp = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
      len = 2;
      cp = b0 & 0x1Fu;
      min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      len = 3;
      cp = b0 & 0x0Fu;
      min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      len = 4;
      cp = b0 & 0x07u;
      min = 0x10000;
    } else {
      return std::nullopt;
    }
    if (i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += len;
    ++count;
  }
  return count;
}

// E.164: '+', a country code not starting with 0, at most 15 digits in all.
// The lower bound of 7 digits excludes obvious truncations.
bool isE164(std::string_view s) {
  if (s.size() < 8 || s.size() > 16 || s.front() != '+' || s[1] == '0') return false;
  for (char c : s.substr(1)) {
    if (!isDigit(c)) return false;
  }
  return true;
}

std::string inQuotes(std::string_view name) { return "'" + std::string(name) + "'"; }

core::Status paramError(std::string_view name, std::string_view what) {
  return core::Status::invalidArgument("parameter " + inQuotes(name) + " " + std::string(what));
}

// A number's decimal text without exponent notation: 42 -> "42", 2.5 -> "2.5".
std::optional<std::string> numberText(const json& v) {
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  const double d = v.get<double>();
  if (!std::isfinite(d)) return std::nullopt;
  // Shortest round-trip digits in fixed notation fit easily: a double has at
  // most 309 integer digits and ~330 characters in its longest fixed form.
  char buf[512];
  const auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  if (res.ec != std::errc()) return std::nullopt;
  return std::string(buf, res.ptr);
}

// The text of param `name`: a string, or a number written in decimal. Missing,
// other JSON types, empty or non-UTF-8 values are errors naming the param.
core::Result<std::string> paramText(const json& params, std::string_view name) {
  const auto it = params.find(name);
  if (it == params.end()) return paramError(name, "is missing");
  std::string text;
  if (it->is_string()) {
    text = it->get<std::string>();
  } else if (it->is_number()) {
    auto number = numberText(*it);
    if (!number) return paramError(name, "is not a finite number");
    text = std::move(*number);
  } else {
    return paramError(name, "must be a string or a number");
  }
  if (text.empty()) return paramError(name, "is empty");
  if (!utf8Length(text)) return paramError(name, "is not valid UTF-8");
  return text;
}

// "249.90" -> 249900: exact decimal, at most 3 fraction digits, no sign.
std::optional<std::int64_t> parseAmount1000(std::string_view amount) {
  const auto dot = amount.find('.');
  const std::string_view whole = amount.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view() : amount.substr(dot + 1);
  if (whole.empty() || whole.size() > kMaxAmountIntegerDigits) return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 3)) return std::nullopt;
  std::int64_t value = 0;
  for (char c : whole) {
    if (!isDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  std::int64_t thousandths = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const char c = i < frac.size() ? frac[i] : '0';
    if (!isDigit(c)) return std::nullopt;
    thousandths = thousandths * 10 + (c - '0');
  }
  return value * 1000 + thousandths;
}

core::Result<json> currencyParam(std::string_view name, const std::string& value,
                                 const json& params) {
  // "AMOUNT CODE": one run of ASCII blanks between the two tokens.
  const std::string_view text = core::trimAsciiWhitespace(value);
  const auto gap = text.find_first_of(" \t");
  if (gap == std::string_view::npos) return paramError(name, "is not 'AMOUNT CODE'");
  const std::string_view amount = text.substr(0, gap);
  const std::string_view code = core::trimAsciiWhitespace(text.substr(gap));
  const auto amount_1000 = parseAmount1000(amount);
  if (!amount_1000) return paramError(name, "has an invalid amount");
  // ISO 4217 alphabetic codes are three upper-case letters; Meta rejects others.
  if (code.size() != 3 ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return paramError(name, "has an invalid currency code");
  }

  std::string fallback = value;
  const std::string fallback_name = std::string(name) + "_fallback";
  if (params.contains(fallback_name)) {
    CARTRELAY_ASSIGN_OR_RETURN(fallback, paramText(params, fallback_name));
  }
  return json{{"type", "currency"},
              {"currency",
               {{"fallback_value", std::move(fallback)},
                {"code", std::string(code)},
                {"amount_1000", *amount_1000}}}};
}

core::Result<json> bodyParameter(const BodyParam& param, bool named, const json& params) {
  CARTRELAY_ASSIGN_OR_RETURN(std::string value, paramText(params, param.name));
  json out;
  switch (param.type) {
    case ParamType::kText:
    case ParamType::kLink:
      out = json{{"type", "text"}, {"text", std::move(value)}};
      break;
    case ParamType::kCurrency: {
      CARTRELAY_ASSIGN_OR_RETURN(out, currencyParam(param.name, value, params));
      break;
    }
    case ParamType::kDateTime:
      // Meta renders the fallback text as given; we never localise dates here.
      out = json{{"type", "date_time"}, {"date_time", {{"fallback_value", std::move(value)}}}};
      break;
  }
  if (named) out["parameter_name"] = param.name;
  return out;
}

std::string_view mediaType(HeaderMedia media) {
  switch (media) {
    case HeaderMedia::kImage:
      return "image";
    case HeaderMedia::kVideo:
      return "video";
    case HeaderMedia::kDocument:
      return "document";
    case HeaderMedia::kNone:
      break;
  }
  return "";
}

core::Status checkEnvelope(std::string_view to_e164, std::string_view biz_opaque_callback_data) {
  if (!isE164(to_e164)) return core::Status::invalidArgument("recipient is not an E.164 number");
  if (biz_opaque_callback_data.size() > kMaxCallbackDataBytes) {
    return core::Status::invalidArgument("biz_opaque_callback_data is longer than 512 bytes");
  }
  if (!utf8Length(biz_opaque_callback_data)) {
    return core::Status::invalidArgument("biz_opaque_callback_data is not valid UTF-8");
  }
  return core::Status::ok();
}

json envelope(std::string_view to_e164, std::string_view type,
              std::string_view biz_opaque_callback_data) {
  json out = {{"messaging_product", "whatsapp"},
              {"recipient_type", "individual"},
              {"to", std::string(to_e164)},
              {"type", std::string(type)}};
  if (!biz_opaque_callback_data.empty()) {
    out["biz_opaque_callback_data"] = std::string(biz_opaque_callback_data);
  }
  return out;
}

}  // namespace

core::Result<std::vector<BodyParam>> parseBodyParams(std::string_view text) {
  std::vector<BodyParam> out;
  std::set<std::string_view> seen;
  for (const std::string_view token : splitList(text)) {
    const auto colon = token.find(':');
    const std::string_view name = core::trimAsciiWhitespace(token.substr(0, colon));
    if (!isParamName(name)) {
      return core::Status::invalidArgument("body_params: " + inQuotes(token) +
                                           " is not NAME[:text|currency|date_time|link] with "
                                           "NAME of a-z, 0-9 and _");
    }
    BodyParam param{std::string(name), ParamType::kText};
    if (colon != std::string_view::npos) {
      const std::string_view type = core::trimAsciiWhitespace(token.substr(colon + 1));
      if (type == "text") {
        param.type = ParamType::kText;
      } else if (type == "currency") {
        param.type = ParamType::kCurrency;
      } else if (type == "date_time") {
        param.type = ParamType::kDateTime;
      } else if (type == "link") {
        param.type = ParamType::kLink;
      } else {
        return core::Status::invalidArgument("body_params: unknown type " + inQuotes(type) +
                                             " for " + inQuotes(name) +
                                             " (text, currency, date_time or link)");
      }
    }
    if (!seen.insert(name).second) {
      return core::Status::invalidArgument("body_params: " + inQuotes(name) + " appears twice");
    }
    out.push_back(std::move(param));
  }
  return out;
}

core::Result<std::vector<TemplateButton>> parseButtons(std::string_view text) {
  std::vector<TemplateButton> out;
  for (const std::string_view token : splitList(text)) {
    const auto colon = token.find(':');
    const std::string_view kind = core::trimAsciiWhitespace(token.substr(0, colon));
    const std::string_view value = colon == std::string_view::npos
                                       ? std::string_view()
                                       : core::trimAsciiWhitespace(token.substr(colon + 1));
    if (kind == "url" || kind == "tracked_url") {
      if (!isParamName(value)) {
        return core::Status::invalidArgument("buttons: " + inQuotes(token) + " is not " +
                                             std::string(kind) +
                                             ":PARAM with PARAM of a-z, 0-9 and _");
      }
      out.push_back({kind == "url" ? TemplateButton::Kind::kUrl : TemplateButton::Kind::kTrackedUrl,
                     std::string(value)});
    } else if (kind == "quick_reply") {
      if (value.empty() || !utf8Length(value)) {
        return core::Status::invalidArgument("buttons: " + inQuotes(token) +
                                             " is not quick_reply:PAYLOAD");
      }
      out.push_back({TemplateButton::Kind::kQuickReply, std::string(value)});
    } else {
      return core::Status::invalidArgument("buttons: " + inQuotes(token) +
                                           " is not url:PARAM, tracked_url:PARAM or "
                                           "quick_reply:PAYLOAD");
    }
  }
  if (out.size() > kMaxButtons) {
    return core::Status::invalidArgument("buttons: more than 10 buttons");
  }
  return out;
}

core::Status parseHeader(std::string_view text, TemplateLayout* out) {
  text = core::trimAsciiWhitespace(text);
  if (text == "none") {
    out->header = HeaderMedia::kNone;
    out->header_param.clear();
    return core::Status::ok();
  }
  const auto colon = text.find(':');
  const std::string_view kind = core::trimAsciiWhitespace(text.substr(0, colon));
  const std::string_view param = colon == std::string_view::npos
                                     ? std::string_view()
                                     : core::trimAsciiWhitespace(text.substr(colon + 1));
  HeaderMedia media = HeaderMedia::kNone;
  if (kind == "image") {
    media = HeaderMedia::kImage;
  } else if (kind == "video") {
    media = HeaderMedia::kVideo;
  } else if (kind == "document") {
    media = HeaderMedia::kDocument;
  }
  if (media == HeaderMedia::kNone || !isParamName(param)) {
    return core::Status::invalidArgument("header: " + inQuotes(text) +
                                         " is not none, image:PARAM, video:PARAM or "
                                         "document:PARAM");
  }
  out->header = media;
  out->header_param = std::string(param);
  return core::Status::ok();
}

core::Result<json> buildTemplateRequest(const TemplateLayout& layout, std::string_view to_e164,
                                        const json& params,
                                        std::string_view biz_opaque_callback_data) {
  if (layout.meta_name.empty() || layout.language.empty()) {
    return core::Status::invalidArgument("template layout has no name or language");
  }
  CARTRELAY_RETURN_IF_ERROR(checkEnvelope(to_e164, biz_opaque_callback_data));
  if (!params.is_object()) return core::Status::invalidArgument("params must be a JSON object");

  json components = json::array();

  if (layout.header != HeaderMedia::kNone) {
    if (layout.header_param.empty()) {
      return core::Status::invalidArgument("template " + inQuotes(layout.meta_name) +
                                           " has a media header without a parameter");
    }
    CARTRELAY_ASSIGN_OR_RETURN(std::string link, paramText(params, layout.header_param));
    // Meta fetches header media itself, so the link must be absolute https.
    if (!core::isWebLink(link, /*https_only=*/true)) {
      return paramError(layout.header_param, "is not an https link");
    }
    const std::string type(mediaType(layout.header));
    json media = {{"type", type}};
    media[type] = {{"link", std::move(link)}};
    components.push_back({{"type", "header"}, {"parameters", json::array({std::move(media)})}});
  }

  if (!layout.body.empty()) {
    json parameters = json::array();
    for (const BodyParam& param : layout.body) {
      CARTRELAY_ASSIGN_OR_RETURN(json p, bodyParameter(param, layout.named_params, params));
      parameters.push_back(std::move(p));
    }
    components.push_back({{"type", "body"}, {"parameters", std::move(parameters)}});
  }

  for (std::size_t i = 0; i < layout.buttons.size(); ++i) {
    const TemplateButton& button = layout.buttons[i];
    json parameter;
    std::string_view sub_type;
    if (button.kind != TemplateButton::Kind::kQuickReply) {
      // The approved template holds the URL prefix; only the suffix is sent
      // (for a tracked URL, the token the gate put in place of the target).
      CARTRELAY_ASSIGN_OR_RETURN(std::string suffix, paramText(params, button.value));
      parameter = {{"type", "text"}, {"text", std::move(suffix)}};
      sub_type = "url";
    } else {
      parameter = {{"type", "payload"}, {"payload", button.value}};
      sub_type = "quick_reply";
    }
    // Meta wants the button index as a string ("0"), not a number (reference §1).
    components.push_back({{"type", "button"},
                          {"sub_type", std::string(sub_type)},
                          {"index", std::to_string(i)},
                          {"parameters", json::array({std::move(parameter)})}});
  }

  json tmpl = {{"name", layout.meta_name}, {"language", {{"code", layout.language}}}};
  // A template without placeholders is sent with no "components" at all, as in
  // Meta's hello_world example.
  if (!components.empty()) tmpl["components"] = std::move(components);

  json out = envelope(to_e164, "template", biz_opaque_callback_data);
  out["template"] = std::move(tmpl);
  return out;
}

core::Result<json> buildTextRequest(std::string_view to_e164, std::string_view body,
                                    bool preview_url, std::string_view biz_opaque_callback_data) {
  CARTRELAY_RETURN_IF_ERROR(checkEnvelope(to_e164, biz_opaque_callback_data));
  if (body.empty()) return core::Status::invalidArgument("text body is empty");
  const auto length = utf8Length(body);
  if (!length) return core::Status::invalidArgument("text body is not valid UTF-8");
  if (*length > kMaxTextBodyChars) {
    return core::Status::invalidArgument("text body is longer than 4096 characters");
  }
  json out = envelope(to_e164, "text", biz_opaque_callback_data);
  out["text"] = {{"preview_url", preview_url}, {"body", std::string(body)}};
  return out;
}

}  // namespace cartrelay::whatsapp
