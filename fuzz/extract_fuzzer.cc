// libFuzzer target for the article extractor: any bytes must give a record or an error, never a
// crash, hang, leak or undefined behaviour. Built with clang by scripts/fuzz.sh
// (-DNEWSCRAWL_FUZZ=ON, ASan + UBSan).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parser/extract.h"
#include "parser/html_prefilter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  newscrawl::ExtractOptions options;
  options.url = "https://example.com/news/2023/03/16/story.html";
  // Small caps keep each run fast while still exercising truncation and flattening.
  options.max_input_bytes = 256 * 1024;
  options.max_depth = 64;
  newscrawl::Result<newscrawl::Article> article = newscrawl::ExtractArticle(bytes, options);
  if (article.ok() && article->text.size() > bytes.size() * 4 + 16) __builtin_trap();
  newscrawl::PrefilterOptions prefilter;
  prefilter.max_bytes = 4096;
  prefilter.max_depth = 8;
  newscrawl::PrefilterResult filtered = newscrawl::PrefilterHtml(bytes, prefilter);
  // It removes bytes, and adds at most one end tag ("</title>", "</xmp>") per tag of the input
  // when it closes an element left open.
  size_t tags = 0;
  for (char c : bytes.substr(0, prefilter.max_bytes)) tags += c == '<' ? 1 : 0;
  if (filtered.html.size() > bytes.size() + 8 * tags) __builtin_trap();
  return 0;
}
