#include "compliance/audit_record.h"

#include <nlohmann/json.hpp>

#include "compliance/audit_hash.h"
#include "core/util/crypto.h"

namespace cartrelay::compliance {
namespace {

constexpr std::string_view kLeafVersion = "cartrelay-audit-v1";
constexpr std::string_view kGenesisLabel = "cartrelay-audit-genesis";

void appendBigEndian(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void appendField(std::string& out, std::string_view field) {
  appendBigEndian(out, field.size(), 4);
  out.append(field);
}

bool holdsFloat(const nlohmann::json& value) {
  if (value.is_number_float()) return true;
  if (value.is_structured()) {
    for (const auto& item : value) {
      if (holdsFloat(item)) return true;
    }
  }
  return false;
}

}  // namespace

std::string auditLeafBytes(const AuditRecord& r) {
  std::string out(kLeafVersion);
  appendBigEndian(out, static_cast<std::uint64_t>(r.seq), 8);
  appendBigEndian(out, static_cast<std::uint64_t>(r.ts_ms), 8);
  appendField(out, r.kind);
  appendField(out, r.actor);
  appendField(out, r.subject_ref);
  out.append(core::crypto::sha256(r.payload));
  out.append(r.prev_hash);
  return out;
}

std::string auditEntryHash(const AuditRecord& record) { return leafHash(auditLeafBytes(record)); }

std::string auditGenesisHash(std::string_view install_id) {
  return core::crypto::sha256(std::string(kGenesisLabel) + std::string(install_id));
}

core::Result<std::string> canonicalJson(const nlohmann::json& payload) {
  if (!payload.is_object()) return core::Status::invalidArgument("audit payload must be an object");
  if (holdsFloat(payload)) {
    return core::Status::invalidArgument("audit payload must not hold floating-point numbers");
  }
  try {
    // nlohmann's object is a std::map, so dump() writes keys in byte order;
    // no indent means no whitespace; strict UTF-8 (the default handler throws).
    return payload.dump();
  } catch (const nlohmann::json::exception&) {
    return core::Status::invalidArgument("audit payload holds text that is not UTF-8");
  }
}

}  // namespace cartrelay::compliance
