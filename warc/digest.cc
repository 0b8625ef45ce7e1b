#include "warc/digest.h"

#include <openssl/evp.h>

#include <memory>

namespace newscrawl::warc {

std::string Base32Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  out.reserve((bytes.size() + 4) / 5 * 8);
  uint64_t bits = 0;
  int nbits = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    nbits += 8;
    while (nbits >= 5) {
      out += kAlphabet[(bits >> (nbits - 5)) & 31];
      nbits -= 5;
    }
  }
  if (nbits > 0) out += kAlphabet[(bits << (5 - nbits)) & 31];
  while (out.size() % 8 != 0) out += '=';
  return out;
}

std::string Sha1Digest(std::string_view data) { return Sha1Digest(data, {}); }

std::string Sha1Digest(std::string_view first, std::string_view second) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), first.data(), first.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), second.data(), second.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md, &length) != 1) {
    return "sha1:";  // only when OpenSSL cannot allocate; a reader then reports a mismatch
  }
  return "sha1:" + Base32Encode(std::string_view(reinterpret_cast<const char*>(md), length));
}

}  // namespace newscrawl::warc
