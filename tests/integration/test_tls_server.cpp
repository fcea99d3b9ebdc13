// TLS in the generic HTTP server and the persistence stub, on real loopback
// sockets with certificates from a throwaway test CA (tests/support/test_pki):
// a client that trusts the CA and checks the host name is served exactly as
// over plain TCP (keep-alive, pipelining, limits, drain with close_notify);
// plain HTTP, an untrusted, expired or misnamed certificate fail cleanly and
// the server keeps serving; unusable certificate files stop start-up.
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <cctype>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <skill/log.hpp>
#include <skill/net/http_server.hpp>
#include <string>
#include <thread>

#include "jwt.hpp"
#include "process.hpp"
#include "stub_server.hpp"
#include "temp_dir.hpp"
#include "test_http.hpp"
#include "test_pki.hpp"

using namespace skill;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
namespace fs = std::filesystem;
using asio::ip::tcp;
using test::LeafSpec;
using test::RawResponse;
using test::TempDir;
using test::TestPki;

namespace {

void set_timeouts(int fd, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

ssl::context client_context(const fs::path& ca) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(ca.string());
    ctx.set_verify_mode(ssl::verify_peer);
    return ctx;
}

/// A blocking HTTPS client: trusts `ca` only and checks the certificate names `host`.
class TlsClient {
  public:
    TlsClient(std::uint16_t port, const fs::path& ca, const std::string& host = "localhost",
              std::chrono::milliseconds timeout = 5s)
        : ctx_(client_context(ca)), stream_(io_, ctx_) {
        stream_.set_verify_callback(ssl::host_name_verification(host));
        SSL_set_tlsext_host_name(stream_.native_handle(), host.c_str());
        stream_.next_layer().connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port});
        set_timeouts(stream_.next_layer().native_handle(), timeout);
    }
    boost::system::error_code handshake() {
        boost::system::error_code ec;
        stream_.handshake(ssl::stream_base::client, ec);
        return ec;
    }
    void send(std::string_view bytes) { asio::write(stream_, asio::buffer(bytes)); }
    RawResponse read() {
        http::response_parser<http::string_body> parser;
        http::read(stream_, buffer_, parser);
        return skill::test::to_raw_response(parser.get());
    }
    RawResponse request(std::string_view method, std::string_view target,
                        std::string_view extra_headers = {}) {
        std::string req = std::string(method) + " " + std::string(target) +
                          " HTTP/1.1\r\nHost: localhost\r\n" + std::string(extra_headers) + "\r\n";
        send(req);
        return read();
    }
    /// Reads until the server ends the connection; the error that ended it
    /// (asio::error::eof after a close_notify, ssl::error::stream_truncated without).
    boost::system::error_code end_of_stream() {
        char byte;
        boost::system::error_code ec;
        while (!ec) stream_.read_some(asio::buffer(&byte, 1), ec);
        return ec;
    }

  private:
    asio::io_context io_;
    ssl::context ctx_;
    ssl::stream<tcp::socket> stream_;
    boost::beast::flat_buffer buffer_;
};

/// An HttpServer with TLS on an ephemeral loopback port; answers "<method> <target>".
struct TlsFixture {
    TempDir dir;
    TestPki pki{dir.path};
    test::CertFiles files;
    std::atomic<int> handled{0};
    std::unique_ptr<net::HttpServer> server;

    explicit TlsFixture(net::ServerLimits limits = {}, const LeafSpec& spec = {}) {
        log::configure(log::Level::off, log::Format::json);
        files = pki.issue(spec);
        net::ServerOptions options;
        options.port = 0;
        options.threads = 2;
        options.limits = limits;
        options.name = "tls-test";
        options.tls = net::TlsOptions{files.cert.string(), files.key.string()};
        server = std::make_unique<net::HttpServer>(
            options, [this](net::Request& req) -> net::Awaitable<net::Response> {
                ++handled;
                co_return net::json_response(
                    req, net::http::status::ok,
                    std::string(req.method_string()) + " " + std::string(req.target()));
            });
        server->start();
    }
    std::uint16_t port() const { return server->port(); }
};

std::string construction_error(const net::TlsOptions& tls) {
    net::ServerOptions options;
    options.tls = tls;
    try {
        net::HttpServer server(options, [](net::Request& req) -> net::Awaitable<net::Response> {
            co_return net::json_response(req, net::http::status::ok, "{}");
        });
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("TLS: keep-alive and pipelining over one TLS connection", "[tls]") {
    TlsFixture f;
    TlsClient client(f.port(), f.pki.ca_file());
    REQUIRE_FALSE(client.handshake());
    for (int i = 0; i < 20; ++i) {
        auto res = client.request("GET", "/k/" + std::to_string(i));
        REQUIRE(res.status == 200);
        REQUIRE(res.body == "GET /k/" + std::to_string(i));
        REQUIRE(res.keep_alive);
    }
    std::string batch;
    for (int i = 0; i < 5; ++i)
        batch += "GET /p/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    client.send(batch);
    for (int i = 0; i < 5; ++i) REQUIRE(client.read().body == "GET /p/" + std::to_string(i));
    CHECK(f.handled == 25);
}

TEST_CASE("TLS: the server's own answers (400, 413) and Connection: close end with close_notify",
          "[tls]") {
    net::ServerLimits limits;
    limits.max_body_bytes = 10;
    TlsFixture f(limits);
    {
        TlsClient client(f.port(), f.pki.ca_file());
        REQUIRE_FALSE(client.handshake());
        client.send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n");
        CHECK(client.read().status == 400);
        CHECK(client.end_of_stream() == asio::error::eof);
    }
    {
        TlsClient client(f.port(), f.pki.ca_file());
        REQUIRE_FALSE(client.handshake());
        client.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n01234567890");
        CHECK(client.read().status == 413);
    }
    {
        TlsClient client(f.port(), f.pki.ca_file());
        REQUIRE_FALSE(client.handshake());
        auto res = client.request("GET", "/bye", "Connection: close\r\n");
        CHECK(res.status == 200);
        CHECK_FALSE(res.keep_alive);
        CHECK(client.end_of_stream() == asio::error::eof);  // close_notify, not a cut
    }
    CHECK(f.handled == 1);
}

TEST_CASE("TLS: plain HTTP to the TLS port fails cleanly, the server keeps serving", "[tls]") {
    TlsFixture f;
    test::RawClient plain(f.port(), 3s);
    plain.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK_THROWS(plain.read());  // a TLS alert at most, then the connection closes
    CHECK(f.handled == 0);
    TlsClient client(f.port(), f.pki.ca_file());
    REQUIRE_FALSE(client.handshake());
    CHECK(client.request("GET", "/ok").status == 200);
}

TEST_CASE("TLS: certificates the client must refuse", "[tls]") {
    SECTION("signed by a CA the client does not trust") {
        TlsFixture f({}, LeafSpec{.from_other_ca = true});
        TlsClient client(f.port(), f.pki.ca_file());
        auto ec = client.handshake();
        REQUIRE(ec);
        CHECK(ec.category() == asio::error::get_ssl_category());
        // and one that trusts the other CA is served
        TlsClient other(f.port(), f.pki.other_ca_file());
        REQUIRE_FALSE(other.handshake());
        CHECK(other.request("GET", "/ok").status == 200);
    }
    SECTION("expired") {
        TlsFixture f({}, LeafSpec{.not_before_offset = -48h, .not_after_offset = -24h});
        TlsClient client(f.port(), f.pki.ca_file());
        auto ec = client.handshake();
        REQUIRE(ec);
        CHECK(ec.message().find("certificate verify failed") != std::string::npos);
    }
    SECTION("for another host name") {
        TlsFixture f({}, LeafSpec{.dns = {"api.voiceui.telekom.net"}, .ips = {}});
        TlsClient wrong(f.port(), f.pki.ca_file(), "localhost");
        REQUIRE(wrong.handshake());
        TlsClient right(f.port(), f.pki.ca_file(), "api.voiceui.telekom.net");
        REQUIRE_FALSE(right.handshake());
        CHECK(right.request("GET", "/ok").status == 200);
    }
    SECTION("by IP address") {
        TlsFixture f({}, LeafSpec{.dns = {}, .ips = {"127.0.0.1"}});
        TlsClient client(f.port(), f.pki.ca_file(), "127.0.0.1");
        REQUIRE_FALSE(client.handshake());
        CHECK(client.request("GET", "/ok").status == 200);
    }
}

TEST_CASE("TLS: a client that never finishes the handshake is cut off after read_timeout",
          "[tls]") {
    net::ServerLimits limits;
    limits.read_timeout = 300ms;
    TlsFixture f(limits);
    test::RawClient silent(f.port(), 5s);
    const auto started = std::chrono::steady_clock::now();
    CHECK(silent.closed_by_peer());
    CHECK(std::chrono::steady_clock::now() - started < 3s);
    for (int i = 0; i < 100 && f.server->open_connections() != 0; ++i)
        std::this_thread::sleep_for(10ms);
    CHECK(f.server->open_connections() == 0);
}

TEST_CASE("TLS: drain closes idle connections with close_notify, in-flight ones finish", "[tls]") {
    TlsFixture f;
    TlsClient idle(f.port(), f.pki.ca_file());
    REQUIRE_FALSE(idle.handshake());
    REQUIRE(idle.request("GET", "/a").status == 200);
    f.server->drain();
    CHECK(idle.end_of_stream() == asio::error::eof);
    f.server->wait();
}

TEST_CASE("TLS: the connection limit answers 503 over TLS", "[tls]") {
    net::ServerLimits limits;
    limits.max_connections = 1;
    TlsFixture f(limits);
    TlsClient first(f.port(), f.pki.ca_file());
    REQUIRE_FALSE(first.handshake());
    REQUIRE(first.request("GET", "/a").status == 200);
    TlsClient second(f.port(), f.pki.ca_file());
    REQUIRE_FALSE(second.handshake());
    CHECK(second.read().status == 503);
}

TEST_CASE("TLS: unusable certificate or key files are an error naming the file", "[tls]") {
    TempDir dir;
    TestPki pki(dir.path);
    auto good = pki.issue({});
    auto other = pki.issue({}, "other");
    const std::string missing = dir.file("missing.pem");
    std::ofstream(dir.file("garbage.pem")) << "not a certificate\n";

    auto e = construction_error({missing, good.key.string()});
    CHECK(e.find("TLS certificate chain " + missing) == 0);
    e = construction_error({dir.file("garbage.pem"), good.key.string()});
    CHECK(e.find("TLS certificate chain " + dir.file("garbage.pem")) == 0);
    e = construction_error({good.cert.string(), missing});
    CHECK(e.find("TLS private key " + missing) == 0);
    e = construction_error({good.cert.string(), other.key.string()});
    INFO(e);
    CHECK(e.find("TLS private key " + other.key.string()) == 0);  // not the certificate's
    CHECK(e.find("mismatch") != std::string::npos);
    CHECK(construction_error({good.cert.string(), good.key.string()}).empty());
}

// ---------------------------------------------------------------- the stub

namespace {

struct TlsStub {
    TempDir dir;
    TestPki pki{dir.path};
    test::CertFiles files = pki.issue({});
    std::unique_ptr<stub::StubServer> server;
    std::uint16_t port = 0;
    TlsStub() {
        log::configure(log::Level::off, log::Format::json);
        stub::StubOptions options;
        options.port = 0;
        options.db_path = (dir.path / "stub.db").string();
        options.tls = net::TlsOptions{files.cert.string(), files.key.string()};
        server = std::make_unique<stub::StubServer>(std::move(options));
        port = server->start();
    }
};

std::string bearer(std::string_view user) {
    return "Authorization: Bearer " + stub::make_dev_token(user, "hello") + "\r\n";
}

}  // namespace

TEST_CASE("stub over HTTPS: a client trusting the test CA gets entry/data", "[tls][stub]") {
    TlsStub stub;
    TlsClient client(stub.port, stub.pki.ca_file());
    REQUIRE_FALSE(client.handshake());
    const std::string body = R"({"data":{"name":"Anna"}})";
    client.send("POST /v1/persistence/entry HTTP/1.1\r\nHost: localhost\r\n" + bearer("anna") +
                "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\n\r\n" + body);
    REQUIRE(client.read().status == 200);
    auto res = client.request("GET", "/v1/persistence/entry/data", bearer("anna"));
    CHECK(res.status == 200);
    CHECK(boost::json::parse(res.body) == boost::json::parse(R"({"name":"Anna"})"));
}

TEST_CASE("stub over HTTPS: plain HTTP and untrusting clients fail, the stub keeps serving",
          "[tls][stub]") {
    TlsStub stub;
    {
        test::RawClient plain(stub.port, 3s);
        plain.send("GET /k8s/liveness HTTP/1.1\r\nHost: x\r\n\r\n");
        CHECK_THROWS(plain.read());
    }
    {
        TempDir elsewhere;
        TestPki stranger(elsewhere.path);  // a CA the stub's certificate does not come from
        TlsClient client(stub.port, stranger.ca_file());
        auto ec = client.handshake();
        REQUIRE(ec);
        CHECK(ec.message().find("certificate verify failed") != std::string::npos);
    }
    TlsClient client(stub.port, stub.pki.ca_file());
    REQUIRE_FALSE(client.handshake());
    CHECK(client.request("GET", "/k8s/liveness").status == 200);
}

TEST_CASE("persistence-stub binary: --tls-cert/--tls-key serve HTTPS; bad files stop start-up",
          "[tls][stub]") {
    TempDir dir;
    TestPki pki(dir.path);
    auto files = pki.issue({});
    const std::string binary = test::built_binary("services/persistence-stub");
    const std::string db = dir.file("stub.db");
    SECTION("flags") {
        test::ChildProcess p({binary, "--port", "0", "--db", db, "--tls-cert", files.cert.string(),
                              "--tls-key", files.key.string()});
        auto port = p.wait_for_port();
        CHECK(p.output().find(R"("tls":true)") != std::string::npos);
        TlsClient client(port, pki.ca_file());
        REQUIRE_FALSE(client.handshake());
        CHECK(client.request("GET", "/k8s/readiness").status == 200);
        p.signal(SIGTERM);
        CHECK(p.wait() == 0);
    }
    SECTION("environment") {
        test::ChildProcess p({binary, "--port", "0", "--db", db},
                             {{"PERSISTENCE_STUB_TLS_CERT", files.cert.string()},
                              {"PERSISTENCE_STUB_TLS_KEY", files.key.string()}});
        auto port = p.wait_for_port();
        TlsClient client(port, pki.ca_file());
        REQUIRE_FALSE(client.handshake());
        CHECK(client.request("GET", "/k8s/liveness").status == 200);
        p.signal(SIGTERM);
        CHECK(p.wait() == 0);
    }
    SECTION("a missing key file") {
        const std::string missing = dir.file("nokey.pem");
        test::ChildProcess p({binary, "--port", "0", "--db", db, "--tls-cert", files.cert.string(),
                              "--tls-key", missing});
        CHECK(p.wait() == 1);
        CHECK(p.output().find(missing) != std::string::npos);
    }
    SECTION("--tls-cert without --tls-key") {
        test::ChildProcess p(
            {binary, "--port", "0", "--db", db, "--tls-cert", files.cert.string()});
        CHECK(p.wait() == 2);
        CHECK(p.output().find("--tls-cert and --tls-key go together") != std::string::npos);
    }
}
