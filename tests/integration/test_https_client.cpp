// The HTTP client over TLS (framework/net/src/http_client.cpp) against the
// project's own TLS server on loopback, with certificates made at test time
// (tests/support/test_pki): verified by default, pooled and resumed, and every
// refusal (unknown CA, wrong name, expired) a typed error naming the reason.
// Then the persistence transport over https against the real stub.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <jwt.hpp>
#include <memory>
#include <skill/net/http_client.hpp>
#include <skill/net/http_server.hpp>
#include <skill/persistence_http.hpp>
#include <string>
#include <stub_server.hpp>

#include "temp_dir.hpp"
#include "run_io.hpp"
#include "test_pki.hpp"

namespace asio = boost::asio;
namespace net = skill::net;
namespace http = net::http;
using namespace std::chrono_literals;
using skill::test::LeafSpec;
using skill::test::TempDir;
using skill::test::TestPki;

namespace {

using skill::test::run;

/// An https server on 127.0.0.1 answering {"ok":true} to everything.
struct TlsServer {
    std::unique_ptr<net::HttpServer> server;
    std::uint16_t port = 0;

    explicit TlsServer(const skill::test::CertFiles& files, std::size_t requests_per_connection = 0) {
        net::ServerOptions options;
        options.tls = net::TlsOptions{files.cert.string(), files.key.string()};
        options.limits.max_requests_per_connection = requests_per_connection;
        server = std::make_unique<net::HttpServer>(
            options, [](net::Request& req) -> net::Awaitable<net::Response> {
                co_return net::json_response(req, http::status::ok, R"({"ok":true})");
            });
        port = server->start();
    }
    ~TlsServer() {
        server->drain();
        server->wait();
    }
    net::Url url(std::string host = "localhost") const {
        auto url = net::Url::parse("https://" + host + ":" + std::to_string(port));
        REQUIRE(url);
        return *url;
    }
};

net::Request get(std::string target = "/x") {
    net::Request req{http::verb::get, target, 11};
    req.keep_alive(true);
    return req;
}

/// A client trusting the test CA (or only the system store when `ca` is empty).
struct Client {
    asio::io_context io;
    net::HttpClient http;
    explicit Client(const std::string& ca)
        : http(io.get_executor(),
               net::ClientOptions{.tls = std::make_shared<net::TlsClientContext>(
                                      net::TlsClientOptions{.ca_file = ca})}) {}
    net::ClientResult send(const net::Url& to) { return run(io, http.send(to, get(), 5s)); }
};

}  // namespace

TEST_CASE("https: verified, pooled, one handshake for many calls, resumed on a new connection") {
    TempDir dir;
    TestPki pki(dir.path);
    TlsServer server(pki.issue({}));
    Client client(pki.ca_file().string());

    for (int i = 0; i < 5; ++i) {
        auto result = client.send(server.url());
        REQUIRE_FALSE(result.error);
        CHECK(result.response.result_int() == 200);
        CHECK(result.response.body() == R"({"ok":true})");
    }
    CHECK(client.http.tls_stats().handshakes == 1);  // keep-alive: no handshake per call
    CHECK(client.http.idle_connections() == 1);

    SECTION("an IP address is verified against the certificate's IP entries") {
        CHECK_FALSE(client.send(server.url("127.0.0.1")).error);
    }
    SECTION("a server closing every connection: each new one resumes the session") {
        TlsServer closing(pki.issue({}), 1);
        Client fresh(pki.ca_file().string());
        for (int i = 0; i < 4; ++i) REQUIRE_FALSE(fresh.send(closing.url()).error);
        CHECK(fresh.http.tls_stats().handshakes == 4);
        CHECK(fresh.http.tls_stats().resumed == 3);
    }
}

TEST_CASE("https refusals are typed errors with OpenSSL's reason, never a downgrade") {
    TempDir dir;
    TestPki pki(dir.path);
    const std::string ca = pki.ca_file().string();

    auto refused = [](const net::ClientResult& result, std::string_view reason) {
        REQUIRE(result.error);
        CHECK(net::is_tls_error(result.error));
        CHECK(result.error.category() == net::tls_verify_category());
        CHECK_THAT(result.error.message(), Catch::Contains(std::string(reason)));
    };

    SECTION("unknown CA") {
        TlsServer server(pki.issue({.from_other_ca = true}));
        refused(Client(ca).send(server.url()), "unable to get local issuer certificate");
    }
    SECTION("host name mismatch") {
        TlsServer server(pki.issue({.dns = {"api.voiceui.telekom.net"}, .ips = {}}));
        refused(Client(ca).send(server.url("localhost")), "hostname mismatch");
        refused(Client(ca).send(server.url("127.0.0.1")), "IP address mismatch");
    }
    SECTION("expired certificate") {
        TlsServer server(pki.issue({.not_before_offset = -48h, .not_after_offset = -24h}));
        refused(Client(ca).send(server.url()), "certificate has expired");
    }
    SECTION("the test CA is not trusted without ca_file: the system store alone refuses it") {
        TlsServer server(pki.issue({}));
        refused(Client("").send(server.url()), "unable to get local issuer certificate");
    }
    SECTION("plain http to a TLS port fails cleanly, and the server keeps serving") {
        TlsServer server(pki.issue({}));
        Client client(ca);
        net::Url plain = server.url();
        plain.tls = false;
        CHECK(client.send(plain).error);
        CHECK_FALSE(client.send(server.url()).error);
    }
}

TEST_CASE("a ca_file that does not load stops start-up, naming the file") {
    TempDir dir;
    const auto missing = dir.file("missing.pem");
    CHECK_THROWS_WITH(net::TlsClientContext(net::TlsClientOptions{.ca_file = missing}),
                      Catch::Contains(missing));
}

TEST_CASE("persistence over https against the real stub: the calls, and refusals as PersistenceErrc::tls") {
    TempDir dir;
    TestPki pki(dir.path);
    skill::stub::StubOptions options;
    options.db_path = dir.file("stub.db");
    options.jwt_secret = std::string(skill::stub::default_dev_secret);
    options.base_path = "/svh/services/persistence/v1";  // where the seed's URL points
    options.tls = net::TlsOptions{};
    const auto files = pki.issue({});
    options.tls->certificate_chain_file = files.cert.string();
    options.tls->private_key_file = files.key.string();
    skill::stub::StubServer stub(options);
    const auto port = stub.start();

    asio::io_context io;
    auto tls = std::make_shared<net::TlsClientContext>(
        net::TlsClientOptions{.ca_file = pki.ca_file().string()});
    net::HttpClient http(io.get_executor(), net::ClientOptions{.tls = tls});
    skill::CircuitBreaker breaker(2, 30s);
    skill::PersistenceOptions persistence;
    persistence.url = "https://localhost:" + std::to_string(port) + "/svh/services/persistence/";
    skill::HttpPersistenceTransport transport(persistence, http, breaker);
    const std::string token = skill::stub::make_dev_token("anna", "hello");

    skill::PersistenceSession session(&transport, token, skill::HeaderList{});
    const skill::Document data{{"name", "Anna"}};
    run(io, session.set(data));
    skill::PersistenceSession later(&transport, token, skill::HeaderList{});
    auto stored = run(io, later.get());
    CHECK(stored["name"].as_string().value_or("") == "Anna");
    CHECK(http.tls_stats().handshakes == 1);

    SECTION("a service whose certificate is not trusted: tls, host and reason in the message") {
        net::HttpClient untrusting(io.get_executor());  // the system store only
        skill::HttpPersistenceTransport refused(persistence, untrusting, breaker);
        skill::PersistenceSession s(&refused, token, skill::HeaderList{});
        try {
            run(io, s.get());
            FAIL("no PersistenceError");
        } catch (const skill::PersistenceError& e) {
            CHECK(e.code() == skill::PersistenceErrc::tls);
            CHECK_THAT(e.what(), Catch::Contains("localhost:" + std::to_string(port)));
            CHECK_THAT(e.what(), Catch::Contains("unable to get local issuer certificate"));
            CHECK_THAT(e.what(), !Catch::Contains(token));
        }
    }
}
