#include "parser/xml_util.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>

#include "common/text.h"
#include "parser/html_entities.h"

namespace newscrawl::xml {
namespace {

enum class TagKind { kNotATag, kInline, kBlock };

// Only known HTML tag names are markup: a title such as "Giá <tăng> mạnh" keeps its text.
// Inline tags (<b>, </em>, <a href=...>) do not separate words; the others do ("a<br>b").
TagKind ClassifyTag(std::string_view tag) {
  if (!tag.empty() && tag[0] == '/') tag.remove_prefix(1);
  size_t end = 0;
  while (end < tag.size() && std::isalnum(static_cast<unsigned char>(tag[end]))) ++end;
  if (end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[end])) && tag[end] != '/') {
    return TagKind::kNotATag;
  }
  std::string name(tag.substr(0, end));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kInline[] = {"a",    "abbr",   "b",    "cite", "code", "em",
                                  "font", "i",      "mark", "q",    "s",    "small",
                                  "span", "strong", "sub",  "sup",  "u"};
  static const char* kBlock[] = {
      "article", "aside", "blockquote", "br",      "caption", "center",  "dd",     "div",
      "dl",      "dt",    "figcaption", "figure",  "footer",  "h1",      "h2",     "h3",
      "h4",      "h5",    "h6",         "header",  "hr",      "iframe",  "img",    "li",
      "nav",     "ol",    "p",          "picture", "pre",     "section", "source", "table",
      "tbody",   "td",    "th",         "thead",   "tr",      "ul",      "video"};
  for (const char* t : kInline) {
    if (name == t) return TagKind::kInline;
  }
  for (const char* t : kBlock) {
    if (name == t) return TagKind::kBlock;
  }
  return TagKind::kNotATag;
}

}  // namespace

std::string_view LocalName(std::string_view qualified_name) {
  size_t colon = qualified_name.rfind(':');
  return colon == std::string_view::npos ? qualified_name : qualified_name.substr(colon + 1);
}

bool LocalNameIs(const pugi::xml_node& node, std::string_view local_name) {
  return node.type() == pugi::node_element &&
         text::EqualsIgnoreCase(LocalName(node.name()), local_name);
}

pugi::xml_node Child(const pugi::xml_node& parent, std::string_view local_name) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (LocalNameIs(child, local_name)) return child;
  }
  return pugi::xml_node();
}

std::vector<pugi::xml_node> Children(const pugi::xml_node& parent, std::string_view local_name) {
  std::vector<pugi::xml_node> found;
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (LocalNameIs(child, local_name)) found.push_back(child);
  }
  return found;
}

std::string_view Attribute(const pugi::xml_node& node, std::string_view local_name) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (text::EqualsIgnoreCase(LocalName(a.name()), local_name)) return a.value();
  }
  return {};
}

std::string NodeText(const pugi::xml_node& node) {
  std::string text;
  if (!node) return text;
  // Iterative pre-order walk bounded to `node`'s subtree: no recursion on deep documents.
  pugi::xml_node current = node.first_child();
  while (current) {
    if (current.type() == pugi::node_pcdata || current.type() == pugi::node_cdata) {
      text += current.value();
    }
    if (current.first_child()) {
      current = current.first_child();
      continue;
    }
    while (current && current != node && !current.next_sibling()) current = current.parent();
    if (!current || current == node) break;
    current = current.next_sibling();
  }
  return text;
}

std::string CleanText(const pugi::xml_node& node) {
  return text::CollapseWhitespace(NodeText(node));
}

std::string HtmlToText(std::string_view html) {
  std::string text;
  text.reserve(html.size());
  for (size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 2;
        text.push_back(' ');
        continue;
      }
      size_t end = html.find('>', i);
      if (end != std::string_view::npos) {
        TagKind kind = ClassifyTag(html.substr(i + 1, end - i - 1));
        if (kind != TagKind::kNotATag) {
          if (kind == TagKind::kBlock) text.push_back(' ');
          i = end;
          continue;
        }
      }
    } else if (c == '&' && DecodeCharacterReference(html, &i, &text)) {
      continue;
    }
    text.push_back(c);
  }
  return text::CollapseWhitespace(text);
}

Status LoadXml(std::string_view body, pugi::xml_document* doc, size_t* error_offset) {
  pugi::xml_parse_result result =
      doc->load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_auto);
  *error_offset = static_cast<size_t>(result.offset);
  if (result) return Status::Ok();
  return Status::InvalidArgument("XML error at byte " + std::to_string(result.offset) + ": " +
                                 result.description());
}

bool ElementComplete(const pugi::xml_node& element, std::string_view body, size_t error_offset) {
  if (element.type() != pugi::node_element) return false;
  size_t start = static_cast<size_t>(element.offset_debug());
  if (start >= body.size() || error_offset > body.size()) return false;
  std::string closing = std::string("</") + element.name();
  size_t close = body.find(closing, start);
  if (close != std::string_view::npos && close + closing.size() <= error_offset) return true;
  // <url/>: self-closed before the error.
  size_t tag_end = body.find('>', start);
  return tag_end != std::string_view::npos && tag_end < error_offset && body[tag_end - 1] == '/';
}

}  // namespace newscrawl::xml
