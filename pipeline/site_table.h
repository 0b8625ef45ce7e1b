// SiteTable: the configured sites by name, each with its rules compiled once. The daemon holds it
// as an immutable snapshot (shared_ptr<const SiteTable>) that a reload swaps, so a worker keeps a
// consistent view of a site for the whole of one fetch result.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/config.h"
#include "pipeline/discovery.h"

namespace newscrawl::pipeline {

struct Site {
  explicit Site(const SiteConfig& site) : config(site), rules(site) {}
  SiteConfig config;
  SiteRules rules;  // which URLs belong to the site and which are articles
};

using SiteTable = std::map<std::string, Site>;

// The sites of `config`.
inline std::shared_ptr<const SiteTable> BuildSiteTable(const Config& config) {
  auto sites = std::make_shared<SiteTable>();
  for (const SiteConfig& site : config.sites) sites->emplace(site.name, Site(site));
  return sites;
}

}  // namespace newscrawl::pipeline
