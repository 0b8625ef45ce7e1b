// extract_adversarial [MB] [RUNS]: ExtractArticle on generated hostile pages of about MB
// megabytes each (default 7.5, just under the default 8 MiB input cap), one thread. Prints one
// line per shape: CPU seconds per MB and per page, wall seconds per page (medians of RUNS runs,
// default 1; CPU time is this thread's, meaningful on a shared machine) and what came out
// (bytes of text, is_article), so a shape that is fast only because it lost its text shows.
// A page over the 2 s budget (CPU) is marked "SLOW" and makes the exit code 1.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "bench/extract/bench_time.h"
#include "parser/extract.h"

namespace {

constexpr double kBudgetSeconds = 2.0;

struct Shape {
  const char* name;
  // Appends one repeating unit to the page (called until the page reaches the target size).
  std::function<void(std::string*, int)> unit;
  const char* prefix;
  const char* suffix;
};

std::string Build(const Shape& shape, size_t target) {
  std::string html = shape.prefix;
  html.reserve(target + 1024);
  for (int i = 0; html.size() < target; ++i) shape.unit(&html, i);
  html += shape.suffix;
  return html;
}

std::vector<Shape> Shapes() {
  const char* head = "<html><head><title>Hostile page</title></head><body>";
  return {
      {"many_siblings",
       [](std::string* s, int i) {
         *s += "<p>Short sibling paragraph " + std::to_string(i) + ".</p>";
       },
       head, "</body></html>"},
      {"siblings_images",
       [](std::string* s, int i) {
         *s += "<div><img src=\"/p" + std::to_string(i) +
               ".jpg\" alt=\"photo\"></div>"
               "<p class=\"caption\">Photo " +
               std::to_string(i) + " by the agency</p>";
       },
       head, "</body></html>"},
      {"deep_divs", [](std::string* s, int) { *s += "<div>"; }, head,
       "<p>Text at the bottom of a very deep page.</p></body></html>"},
      {"deep_inline", [](std::string* s, int i) { *s += (i % 2) ? "<span>x " : "<b>y "; }, head,
       "</body></html>"},
      {"unclosed_links",
       [](std::string* s, int i) {
         *s += "<a href=\"/a" + std::to_string(i) + "\">link " + std::to_string(i) + " ";
       },
       head, "</body></html>"},
      {"unclosed_fonts",
       [](std::string* s, int i) {
         *s += "<font color=\"#" + std::to_string(i % 999999) + "\"><p>text of paragraph";
       },
       head, "</body></html>"},
      {"attributes_one_tag",
       [](std::string* s, int i) { *s += " data-a" + std::to_string(i) + "=\"v\""; },
       "<html><body><div", "><p>After the attributes.</p></div></body></html>"},
      {"attributes_many_tags",
       [](std::string* s, int i) {
         *s += "<p";
         for (int k = 0; k < 2000; ++k)
           *s += " a" + std::to_string(k) + "=\"" + std::to_string(i) + "\"";
         *s += ">A paragraph with two thousand attributes.</p>";
       },
       head, "</body></html>"},
      {"huge_text_node",
       [](std::string* s, int i) {
         *s += "word" + std::to_string(i % 97) + " and more words in one text node ";
       },
       "<html><body><p>", "</p></body></html>"},
      {"huge_table",
       [](std::string* s, int i) {
         *s += "<tr><td>cell " + std::to_string(i) +
               "</td><td>another cell</td><td><a href=\"/x\">"
               "link</a></td></tr>";
       },
       "<html><body><table>", "</table></body></html>"},
      {"nested_tables", [](std::string* s, int) { *s += "<table><tr><td>cell text "; }, head,
       "</body></html>"},
      {"forms_iframes",
       [](std::string* s, int i) {
         *s += "<form action=\"/f\"><input name=\"q" + std::to_string(i) +
               "\"><label>Search</label></form><iframe src=\"/frame\"></iframe>"
               "<p>Some text between the forms.</p>";
       },
       head, "</body></html>"},
      {"unclosed_forms",
       [](std::string* s, int i) {
         *s += "<form><input name=\"q" + std::to_string(i) + "\"><p>Text in a form.";
       },
       head, "</body></html>"},
      {"no_tags_long_line",
       [](std::string* s, int i) {
         *s += "plain text without any tag number " + std::to_string(i) + " ";
       },
       "", ""},
      {"many_br",
       [](std::string* s, int i) { *s += "A line of text number " + std::to_string(i) + "<br>"; },
       "<html><body><div>", "</div></body></html>"},
      {"many_lt", [](std::string* s, int) { *s += "a < b <c <!x <? <1 "; }, head, "</body></html>"},
      {"many_unclosed_raw",
       [](std::string* s, int i) {
         *s += (i % 3 == 0) ? "<noscript><p>a<p>b " : (i % 3 == 1) ? "<textarea>t " : "<title>t ";
       },
       head, "</body></html>"},
      {"many_headings",
       [](std::string* s, int i) {
         *s += (i % 2) ? "<h3>Related</h3>"
                       : "<div><h3>Read more</h3><ul><li><a href=\"/r\">r</a>"
                         "</li></ul></div>";
       },
       "<html><body><article>", "</article></body></html>"},
  };
}

using newscrawl::bench::Median;
using newscrawl::bench::ThreadCpuSeconds;

}  // namespace

int main(int argc, char** argv) {
  const double mb = argc > 1 ? std::atof(argv[1]) : 7.5;
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 1;
  const size_t target = static_cast<size_t>(mb * 1024 * 1024);
  int slow = 0;
  std::printf("%-22s %9s %9s %9s %10s %s\n", "shape", "cpu_s/MB", "cpu_s", "wall_s", "text_bytes",
              "is_article");
  for (const Shape& shape : Shapes()) {
    std::string html = Build(shape, target);
    std::vector<double> seconds, wall;
    size_t text = 0;
    bool is_article = false;
    for (int r = 0; r < runs; ++r) {
      auto start = std::chrono::steady_clock::now();
      double cpu_start = ThreadCpuSeconds();
      newscrawl::Result<newscrawl::Article> article =
          newscrawl::ExtractArticle(html, newscrawl::ExtractOptions());
      seconds.push_back(ThreadCpuSeconds() - cpu_start);
      wall.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      text = article.ok() ? article->text.size() : 0;
      is_article = article.ok() && article->is_article;
    }
    double s = Median(seconds);
    double size_mb = static_cast<double>(html.size()) / (1024 * 1024);
    bool over = s > kBudgetSeconds;
    slow += over ? 1 : 0;
    std::printf("%-22s %9.4f %9.3f %9.3f %10zu %s%s\n", shape.name, s / size_mb, s, Median(wall),
                text, is_article ? "yes" : "no", over ? "  SLOW" : "");
    std::fflush(stdout);
  }
  return slow == 0 ? 0 : 1;
}
