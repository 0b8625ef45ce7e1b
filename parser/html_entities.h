// Character references (&amp; &#7871; &#x1EBF; &eacute; ...) in text that no HTML parser has
// decoded: feed descriptions, JSON-LD strings, meta values escaped twice ("&amp;#7871;" reaches
// us as "&#7871;" after Gumbo). The one decoder of the parser besides Gumbo's own.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace newscrawl {

// Decodes the reference starting at text[*i] == '&' (it must end in ';' within 10 bytes):
// appends its UTF-8 to `out` and sets *i to the ';'. Numeric references outside Unicode, to
// surrogates or to U+0000 give U+FFFD. Returns false and changes nothing for unknown names and
// malformed references (the caller keeps the '&' as text).
bool DecodeCharacterReference(std::string_view text, size_t* i, std::string* out);

// `text` with every reference decoded; unknown or malformed ones are left as they are.
std::string DecodeCharacterReferences(std::string_view text);

}  // namespace newscrawl
