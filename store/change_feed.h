// The change-feed line format shared by `newscrawl export`, the HTTP change feed and the NATS
// stream (docs/change-feed.md): the stored article record (schema 1 JSON, whose "seq" is the
// event's sequence number) with one more member, "event": "new" | "version" | "duplicate".
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "store/store.h"

namespace newscrawl::store {

// Appends the feed line for `event` (one JSON object, no newline) to *out. `record_json` is the
// stored record the event points to (Store::ForEachChange hands both over).
void AppendFeedLine(const ChangeEvent& event, std::string_view record_json, std::string* out);

}  // namespace newscrawl::store
