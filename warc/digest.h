// WARC digests: SHA-1 in the "sha1:<base32>" form that WARC-Block-Digest and
// WARC-Payload-Digest carry (RFC 4648 base32, upper case, as wget, Heritrix and warcio write).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace newscrawl::warc {

// RFC 4648 base32 (alphabet A-Z2-7), '=' padded to a multiple of 8 characters.
std::string Base32Encode(std::string_view bytes);

// "sha1:" + Base32Encode(SHA-1 of `data`): 32 characters after the prefix.
std::string Sha1Digest(std::string_view data);
// The digest of `first` followed by `second`, without joining them.
std::string Sha1Digest(std::string_view first, std::string_view second);

}  // namespace newscrawl::warc
