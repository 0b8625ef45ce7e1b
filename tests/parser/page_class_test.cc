// ExtractArticle on small pages written for each class of page the extractor must handle
// (tests/fixtures/classes/: NAME.html and NAME.expect, see README there). One test per fixture;
// each expectation line is checked and reported on its own.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parser/extract.h"

namespace newscrawl {
namespace {

const std::string kDir = std::string(NC_SOURCE_DIR) + "/tests/fixtures/classes/";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() == ".expect") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class PageClassTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PageClassTest, Extracts) {
  const std::string html = ReadFile(kDir + GetParam() + ".html");
  ASSERT_FALSE(html.empty()) << GetParam() << ".html missing";
  ExtractOptions options;
  std::stringstream expect(ReadFile(kDir + GetParam() + ".expect"));
  std::vector<std::pair<std::string, std::string>> checks;
  std::vector<std::string> authors;
  bool check_authors = false;
  for (std::string line; std::getline(expect, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(": ");
    ASSERT_NE(colon, std::string::npos) << "bad line: " << line;
    std::string key = line.substr(0, colon), value = line.substr(colon + 2);
    if (key == "url") {
      options.url = value;
    } else if (key == "author") {
      check_authors = true;
      if (value != "-") authors.push_back(value);
    } else {
      checks.emplace_back(key, value);
    }
  }
  Result<Article> article = ExtractArticle(html, options);
  ASSERT_TRUE(article.ok()) << article.status().message();
  const std::string& text = article->text;
  for (const auto& [key, value] : checks) {
    if (key == "has") {
      EXPECT_NE(text.find(value), std::string::npos) << "text lacks: " << value << "\n" << text;
    } else if (key == "lacks") {
      EXPECT_EQ(text.find(value), std::string::npos) << "text has: " << value << "\n" << text;
    } else if (key == "is_article") {
      EXPECT_EQ(article->is_article ? "true" : "false", value) << article->not_article_reason;
    } else if (key == "doubt") {
      EXPECT_EQ(article->doubt_reason, value == "-" ? "" : value);
    } else if (key == "title") {
      EXPECT_EQ(article->title, value);
    } else if (key == "published") {
      EXPECT_EQ(article->published_at, value == "-" ? "" : value);
    } else if (key == "lines") {
      EXPECT_EQ(std::to_string(1 + std::count(text.begin(), text.end(), '\n')), value) << text;
    } else {
      ADD_FAILURE() << "unknown key " << key;
    }
  }
  if (check_authors) {
    EXPECT_EQ(article->authors, authors);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, PageClassTest, ::testing::ValuesIn(FixtureNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace newscrawl
