#include "cli/warc_fetch.h"

#include <filesystem>

namespace newscrawl::cli {

Result<std::unique_ptr<pipeline::FetchArchive>> OpenFetchWarc(const std::string& path,
                                                              crawler::FetcherOptions* options,
                                                              crawler::FetcherEnv* env) {
  std::filesystem::path p(path);
  pipeline::FetchArchiveOptions archive_options;
  archive_options.writer.directory = p.has_parent_path() ? p.parent_path().string() : ".";
  archive_options.writer.file_name = p.filename().string();
  archive_options.writer.gzip = p.extension() != ".warc";  // FILE.warc: plain records
  archive_options.writer.info = {{"operator-user-agent", options->user_agent}};
  archive_options.user_agent = options->user_agent;
  archive_options.kinds = {pipeline::UrlKind::kArticle, pipeline::UrlKind::kRobots};
  auto archive = pipeline::FetchArchive::Open(std::move(archive_options));
  if (archive.ok()) (*archive)->Attach(options, env);
  return archive;
}

}  // namespace newscrawl::cli
