#include "core/util/phone.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include "core/util/text.h"

namespace cartrelay::core {

NormalisedPhone normalisePhone(std::string_view raw, std::string_view default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;

  NormalisedPhone result;
  result.value = std::string(trimAsciiWhitespace(raw));
  if (result.value.empty()) return result;

  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  // "ZZ" is libphonenumber's "unknown region": only numbers with an explicit
  // country code parse, which is what "ambiguous input is rejected" means.
  std::string region = default_region.empty() ? "ZZ" : std::string(default_region);
  PhoneNumber number;
  if (util.Parse(result.value, region, &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return result;
  }
  if (!util.IsValidNumber(number)) return result;
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  result.value = std::move(e164);
  result.valid = true;
  std::string number_region;
  util.GetRegionCodeForNumber(number, &number_region);
  if (number_region.size() == 2) result.region = std::move(number_region);
  return result;
}

}  // namespace cartrelay::core
