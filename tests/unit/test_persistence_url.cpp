// normalize_persistence_url: protocol.md §5 rules applied literally, in order,
// to the path only (the default host name itself contains "persistence").
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <skill/persistence_http.hpp>
#include <stdexcept>

using skill::normalize_persistence_url;

TEST_CASE("a bare host gets /v1/persistence") {
    CHECK(normalize_persistence_url("http://h:1555") == "http://h:1555/v1/persistence");
    CHECK(normalize_persistence_url("http://h:1555/") == "http://h:1555/v1/persistence");
    CHECK(normalize_persistence_url("http://service-persistence-service:1555") ==
          "http://service-persistence-service:1555/v1/persistence");
}

TEST_CASE("a complete URL only loses its trailing slashes") {
    CHECK(normalize_persistence_url("http://h:1555/v1/persistence") ==
          "http://h:1555/v1/persistence");
    CHECK(normalize_persistence_url("http://h:1555/v1/persistence/") ==
          "http://h:1555/v1/persistence");
    CHECK(normalize_persistence_url("http://h/v2/persistence//") == "http://h/v2/persistence");
}

TEST_CASE("a versioned path without 'persistence' gets /persistence") {
    CHECK(normalize_persistence_url("http://h/v2/x") == "http://h/v2/x/persistence");
    CHECK(normalize_persistence_url("http://h/api/v1/") == "http://h/api/v1/persistence");
}

TEST_CASE("a 'persistence' path without a version gets /v1 appended, literally") {
    CHECK(normalize_persistence_url("http://h/persistence") == "http://h/persistence/v1");
    CHECK(normalize_persistence_url("https://api.voiceui.telekom.net/svh/services/persistence/") ==
          "https://api.voiceui.telekom.net/svh/services/persistence/v1");
}

TEST_CASE("a path with neither gets both") {
    CHECK(normalize_persistence_url("http://h:8080/svc/") == "http://h:8080/svc/v1/persistence");
}

TEST_CASE("the transport speaks http and https, and refuses any other URL") {
    boost::asio::io_context io;
    skill::net::HttpClient client(io.get_executor());
    skill::CircuitBreaker breaker(5, std::chrono::seconds(30));
    skill::PersistenceOptions options;
    // The seed's own configuration (persistence-service.md), verbatim.
    options.url = "https://api.voiceui.telekom.net/svh/services/persistence/";
    CHECK_NOTHROW(skill::HttpPersistenceTransport(options, client, breaker));
    options.url = "http://h:1555";
    CHECK_NOTHROW(skill::HttpPersistenceTransport(options, client, breaker));
    for (const char* bad : {"ftp://h", "h:1555", "https://", "http://user:pw@h/",
                            "http://h:0", "http://h:99999", "http://h/a b", "http://h/\r\nX: y",
                            "https://h?token=x"}) {
        options.url = bad;
        CHECK_THROWS_AS(skill::HttpPersistenceTransport(options, client, breaker),
                        std::invalid_argument);
    }
}

TEST_CASE("net::Url reads the scheme, the default port and the path") {
    auto seed = skill::net::Url::parse(
        normalize_persistence_url("https://api.voiceui.telekom.net/svh/services/persistence/"));
    REQUIRE(seed);
    CHECK(seed->tls);
    CHECK(seed->host == "api.voiceui.telekom.net");
    CHECK(seed->port == "443");
    CHECK(seed->path == "/svh/services/persistence/v1");  // protocol.md §5: "/v1" appended
    auto plain = skill::net::Url::parse("http://[::1]:1555/x/");
    REQUIRE(plain);
    CHECK_FALSE(plain->tls);
    CHECK(plain->host == "::1");
    CHECK(plain->port == "1555");
    CHECK(plain->path == "/x");
    auto https_port = skill::net::Url::parse("https://h:8443");
    REQUIRE(https_port);
    CHECK(https_port->port == "8443");
    CHECK(https_port->path.empty());
}
