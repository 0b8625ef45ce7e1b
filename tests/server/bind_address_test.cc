#include "server/bind_address.h"

#include <gtest/gtest.h>

namespace newscrawl::server {
namespace {

TEST(BindAddressTest, AcceptedForms) {
  struct Case {
    std::string bind, address;
    uint16_t port;
  };
  for (const Case& c : std::vector<Case>{{"127.0.0.1:8080", "127.0.0.1", 8080},
                                         {"0.0.0.0:80", "0.0.0.0", 80},
                                         {"[::1]:9000", "::1", 9000},
                                         {"[::]:65535", "::", 65535},
                                         {"localhost:8080", "127.0.0.1", 8080},
                                         {"127.0.0.1:0", "127.0.0.1", 0}}) {
    auto parsed = ParseBindAddress(c.bind);
    ASSERT_TRUE(parsed.ok()) << c.bind << ": " << parsed.status().ToString();
    EXPECT_EQ(parsed->address, c.address) << c.bind;
    EXPECT_EQ(parsed->port, c.port) << c.bind;
  }
}

TEST(BindAddressTest, RejectedFormsSayWhy) {
  const std::string kHint = " (expected host:port or [v6]:port, e.g. 127.0.0.1:8080)";
  struct Case {
    std::string bind, why;
  };
  for (const Case& c : std::vector<Case>{
           {"127.0.0.1", "no port"},
           {"127.0.0.1:", "the port must be a number from 0 to 65535"},
           {"127.0.0.1:65536", "the port must be a number from 0 to 65535"},
           {"127.0.0.1:80x", "the port must be a number from 0 to 65535"},
           {"::1:8080", "the host must be an IPv4 address, [IPv6] or localhost"},
           {"example.com:80", "the host must be an IPv4 address, [IPv6] or localhost"},
           {"[127.0.0.1]:80", "not an IPv6 address inside the brackets"},
       }) {
    auto parsed = ParseBindAddress(c.bind);
    ASSERT_FALSE(parsed.ok()) << c.bind;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(parsed.status().message(), "HTTP bind address \"" + c.bind + "\": " + c.why + kHint);
  }
}

}  // namespace
}  // namespace newscrawl::server
