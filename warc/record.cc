#include "warc/record.h"

#include "common/text.h"

namespace newscrawl::warc {

void WarcFields::Add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

std::string_view WarcFields::Get(std::string_view name) const {
  for (const auto& [n, v] : fields_) {
    if (text::EqualsIgnoreCase(n, name)) return v;
  }
  return {};
}

void WarcFields::AppendToLast(std::string_view more) {
  if (!fields_.empty()) fields_.back().second.append(more);
}

bool WarcFields::Has(std::string_view name) const {
  for (const auto& field : fields_) {
    if (text::EqualsIgnoreCase(field.first, name)) return true;
  }
  return false;
}

}  // namespace newscrawl::warc
