#include "parser/html_entities.h"

#include <gtest/gtest.h>

namespace newscrawl {
namespace {

TEST(HtmlEntitiesTest, DecodesReferences) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"Chi&#7871;n s&#x1EF1;", "Chi\u1EBFn s\u1EF1"},
      {"a &amp; b &lt;c&gt; &quot;d&quot; &eacute;", "a & b <c> \"d\" \u00E9"},
      {"&#0; &#xD800; &#1114112;", "\uFFFD \uFFFD \uFFFD"},
      // All of Latin-1 by name (German, Nordic, Spanish letters), first and last included.
      {"R&uuml;ckbau, Stra&szlig;e, &Oslash;st, se&ntilde;or",
       "R\u00FCckbau, Stra\u00DFe, \u00D8st, se\u00F1or"},
      {"&nbsp;&yuml;&euro;&bdquo;", "\u00A0\u00FF\u20AC\u201E"},
      {"AT&T &unknown; &#12 & &;", "AT&T &unknown; &#12 & &;"},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(DecodeCharacterReferences(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace newscrawl
