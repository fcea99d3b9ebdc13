// The persistence stub's wire API, spoken over real HTTP to an in-process
// StubServer on an ephemeral port.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <skill/net/http_client.hpp>
#include <string>
#include <thread>

#include "jwt.hpp"
#include "stub_database.hpp"
#include "stub_server.hpp"
#include "temp_dir.hpp"
#include "test_http.hpp"

using namespace skill::stub;
using skill::test::RawClient;
using skill::test::RawResponse;
namespace fs = std::filesystem;
namespace json = boost::json;

using skill::test::TempDir;

namespace {

/// A started stub on a fresh database; stops (drain) when it goes out of scope.
struct RunningStub {
    TempDir dir;
    std::unique_ptr<StubServer> server;
    std::uint16_t port = 0;

    explicit RunningStub(StubOptions options = {}) {
        options.port = 0;
        options.db_path = skill::test::stub_database(dir);
        server = std::make_unique<StubServer>(std::move(options));
        port = server->start();
    }
};

std::string auth(std::string_view token) {
    return "Authorization: Bearer " + std::string(token) + "\r\n";
}

std::string token(std::string_view user, std::string_view skill) {
    return auth(make_dev_token(user, skill));
}

json::value body_of(const RawResponse& r) {
    return json::parse(r.body);
}

std::string nested(int depth) {
    std::string s;
    for (int i = 1; i < depth; ++i) s += R"({"a":)";
    s += "{}";
    for (int i = 1; i < depth; ++i) s += "}";
    return s;
}

constexpr std::string_view entry = "/v1/persistence/entry";
constexpr std::string_view data = "/v1/persistence/entry/data";

}  // namespace

TEST_CASE("health endpoints answer ok", "[stub][http]") {
    RunningStub stub;
    for (std::string_view path : {"/k8s/liveness", "/k8s/readiness"}) {
        const auto r = skill::test::http_request(stub.port, "GET", path);
        CHECK(r.status == 200);
        CHECK(body_of(r) == json::value{{"status", "ok"}});
    }
}

TEST_CASE("set, get, merge, get_all and delete round-trip", "[stub][http]") {
    RunningStub stub;
    RawClient c(stub.port);
    const std::string who = token("anna", "hello");

    auto r = c.request("GET", data, {}, who);
    CHECK(r.status == 404);
    CHECK(body_of(r) == json::value{{"error", "not_found"}, {"detail", "no data"}});
    CHECK(c.request("GET", entry, {}, who).body == "{}");

    r = c.request("POST", entry, R"({"data":{"name":"Anna","age":3}})", who);
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    const auto stored = body_of(r).as_object();
    CHECK(stored.at("id").is_string());
    CHECK(stored.at("data") == json::value{{"name", "Anna"}, {"age", 3}});

    r = c.request("GET", data, {}, who);
    CHECK(r.status == 200);
    CHECK(body_of(r) == json::value{{"name", "Anna"}, {"age", 3}});

    SECTION("replace (default and =true) swaps the whole object") {
        r = c.request("POST", std::string(entry) + "?replace=true", R"({"data":{"x":1}})", who);
        CHECK(body_of(r).at("data") == json::value{{"x", 1}});
        CHECK(body_of(r).at("id") == stored.at("id"));
        CHECK(body_of(c.request("GET", data, {}, who)) == json::value{{"x", 1}});
    }
    SECTION("replace=false keeps stored keys and adds new ones") {
        r = c.request("POST", std::string(entry) + "?replace=false",
                      R"({"data":{"name":"Bert","city":"Bonn"}})", who);
        CHECK(r.status == 200);
        const json::value merged{{"name", "Anna"}, {"age", 3}, {"city", "Bonn"}};
        CHECK(body_of(r).at("data") == merged);
        CHECK(body_of(c.request("GET", data, {}, who)) == merged);
    }
    SECTION("delete removes the entry, and is idempotent") {
        r = c.request("DELETE", entry, {}, who);
        CHECK(r.status == 204);
        CHECK(r.body.empty());
        CHECK(c.request("GET", data, {}, who).status == 404);
        CHECK(c.request("DELETE", entry, {}, who).status == 204);
    }
}

TEST_CASE("a get reads every acknowledged write, whichever I/O thread took either",
          "[stub][http]") {
    StubOptions options;
    options.threads = 2;
    RunningStub stub(std::move(options));
    // Connections are handed to the threads in turn: a and b are served by different ones.
    RawClient a(stub.port);
    RawClient b(stub.port);
    const std::string who = token("anna", "hello");
    for (int i = 0; i < 40; ++i) {
        RawClient& writer = i % 2 == 0 ? a : b;
        RawClient& reader = i % 2 == 0 ? b : a;
        // Both threads have read (and cached) the entry before it changes.
        CHECK(writer.request("GET", data, {}, who).status == (i == 0 ? 404 : 200));
        CHECK(reader.request("GET", data, {}, who).status == (i == 0 ? 404 : 200));
        const std::string set = R"({"data":{"i":)" + std::to_string(i) + "}}";
        REQUIRE(writer.request("POST", entry, set, who).status == 200);
        CHECK(body_of(reader.request("GET", data, {}, who)) == json::value{{"i", i}});
        CHECK(body_of(writer.request("GET", data, {}, who)) == json::value{{"i", i}});
    }
    REQUIRE(a.request("DELETE", entry, {}, who).status == 204);
    CHECK(b.request("GET", data, {}, who).status == 404);
    CHECK(a.request("GET", data, {}, who).status == 404);
}

TEST_CASE("get_all returns only the caller's data, across skills", "[stub][http]") {
    RunningStub stub;
    RawClient c(stub.port);
    c.request("POST", entry, R"({"data":{"v":1}})", token("anna", "s1"));
    c.request("POST", entry, R"({"data":{"v":2}})", token("anna", "s2"));
    c.request("POST", entry, R"({"data":{"v":3}})", token("bert", "s1"));

    const auto anna = c.request("GET", entry, {}, token("anna", "any-skill"));
    CHECK(anna.status == 200);
    CHECK(body_of(anna) == json::value{{"s1", {{"v", 1}}}, {"s2", {{"v", 2}}}});
    CHECK(body_of(c.request("GET", entry, {}, token("bert", "s1"))) ==
          json::value{{"s1", {{"v", 3}}}});
}

TEST_CASE("one user can neither read nor delete another user's data", "[stub][http]") {
    RunningStub stub;
    RawClient c(stub.port);
    c.request("POST", entry, R"({"data":{"secret":true}})", token("bert", "s"));

    CHECK(c.request("GET", data, {}, token("anna", "s")).status == 404);
    CHECK(c.request("DELETE", entry, {}, token("anna", "s")).status == 204);
    const auto still = c.request("GET", data, {}, token("bert", "s"));
    CHECK(still.status == 200);
    CHECK(body_of(still) == json::value{{"secret", true}});
}

TEST_CASE("requests without a usable token get 401", "[stub][http]") {
    RunningStub stub;
    RawClient c(stub.port);
    const auto unsigned_token = [](std::string_view claims) {
        return base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(claims) + ".";
    };
    for (const std::string& header :
         {std::string(), auth("garbage"), auth("a.b.c"),
          std::string("Authorization: Basic eA==\r\n"), auth(unsigned_token(R"({"sub":"anna"})")),
          auth(unsigned_token(R"({"skill_id":"s"})"))}) {
        const auto r = c.request("GET", data, {}, header);
        CHECK(r.status == 401);
        CHECK(body_of(r).at("error") == "unauthorized");
        CHECK(r.header("www-authenticate") == "Bearer");
    }
    // The scheme name is case-insensitive (RFC 9110 §11.1).
    for (std::string_view scheme : {"bearer", "BEARER", "bEaReR"}) {
        const std::string header =
            "Authorization: " + std::string(scheme) + " " + make_dev_token("anna", "s") + "\r\n";
        CHECK(c.request("GET", entry, {}, header).status == 200);
    }
    // Dev mode: an unsigned token with both claims is accepted.
    CHECK(
        c.request("GET", data, {}, auth(unsigned_token(R"({"sub":"a","skill_id":"s"})"))).status ==
        404);
}

TEST_CASE("with a secret, only correctly signed HS256 tokens pass", "[stub][http]") {
    StubOptions options;
    options.jwt_secret.emplace("s3cret");
    RunningStub stub(options);
    RawClient c(stub.port);
    CHECK(c.request("POST", entry, R"({"data":{"k":1}})", auth(make_dev_token("a", "s", "s3cret")))
              .status == 200);
    CHECK(c.request("GET", data, {}, auth(make_dev_token("a", "s", "wrong"))).status == 401);
    CHECK(c.request("GET", data, {}, auth(make_dev_token("a", "s"))).status == 401);
    const std::string none = base64url_encode(R"({"alg":"none"})") + "." +
                             base64url_encode(R"({"sub":"a","skill_id":"s"})") + ".";
    CHECK(c.request("GET", data, {}, auth(none)).status == 401);
    CHECK(c.request("GET", data, {}, auth(make_dev_token("a", "s", "s3cret"))).status == 200);
}

TEST_CASE("a token the stub has seen is checked again: forged signature, expiry", "[stub][http]") {
    StubOptions options;
    options.jwt_secret.emplace("s3cret");
    RunningStub stub(options);
    RawClient c(stub.port);
    const auto exp = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     2;
    const std::string input =
        base64url_encode(R"({"alg":"HS256"})") + "." +
        base64url_encode(R"({"sub":"a","skill_id":"s","exp":)" + std::to_string(exp) + "}");
    const std::string genuine = input + "." + base64url_encode(hmac_sha256("s3cret", input));
    // Change the signature's first character: its six bits are all data. (The last one
    // carries two padding bits, so flipping its lowest bit can leave the signature intact.)
    std::string forged = genuine;
    char& first = forged[input.size() + 1];
    first = first == 'A' ? 'B' : 'A';

    CHECK(c.request("POST", entry, R"({"data":{"k":1}})", auth(genuine)).status == 200);
    CHECK(c.request("GET", data, {}, auth(genuine)).status == 200);  // now cached
    const auto refused = c.request("GET", data, {}, auth(forged));
    CHECK(refused.status == 401);
    CHECK(body_of(refused).at("detail") == "signature mismatch");

    std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // past exp
    const auto expired = c.request("GET", data, {}, auth(genuine));
    CHECK(expired.status == 401);
    CHECK(body_of(expired).at("detail") == "token expired");
}

TEST_CASE("answers carry the data as serialising its JSON object gives", "[stub][http]") {
    RunningStub stub;
    RawClient c(stub.port);
    const std::string who = token("anna", "s");
    const std::string sent = R"( { "b" : [ 1, 2.50, "\u0041" ], "a" : { } } )";
    const json::value parsed = json::parse(sent);

    auto r = c.request("POST", entry, R"({"data":)" + sent + "}", who);
    REQUIRE(r.status == 200);
    const auto id = body_of(r).at("id");
    CHECK(r.body == json::serialize(json::object{{"id", id}, {"data", parsed}}));
    r = c.request("POST", std::string(entry) + "?replace=false", R"({"data":{"c":1e2}})", who);
    json::object merged = parsed.as_object();
    merged["c"] = 1e2;
    CHECK(r.body == json::serialize(json::object{{"id", id}, {"data", merged}}));
    CHECK(c.request("GET", data, {}, who).body == json::serialize(merged));
    CHECK(c.request("GET", entry, {}, who).body == json::serialize(json::object{{"s", merged}}));
}

TEST_CASE("bad request bodies and parameters get 400, and the server keeps serving",
          "[stub][http]") {
    RunningStub stub;
    RawClient c(stub.port);  // one keep-alive connection through all the bad input
    const std::string who = token("anna", "s");
    for (std::string_view body : {"", "not json", "[1,2]", R"({"other":{}})", R"({"data":[1]})",
                                  R"({"data":"text"})", R"({"data":null})", R"({"data":{})"}) {
        const auto r = c.request("POST", entry, body, who);
        CHECK(r.status == 400);
        CHECK(body_of(r).at("error") == "bad_request");
    }
    for (std::string_view query : {"?replace=maybe", "?replace=", "?replace"}) {
        CHECK(c.request("POST", std::string(entry) + std::string(query), R"({"data":{}})", who)
                  .status == 400);
    }
    SECTION("data may nest 32 levels, not 33") {
        CHECK(c.request("POST", entry, R"({"data":)" + nested(32) + "}", who).status == 200);
        const auto deep = c.request("POST", entry, R"({"data":)" + nested(33) + "}", who);
        CHECK(deep.status == 400);
        CHECK(body_of(deep).at("detail").as_string().find("deeper") != json::string::npos);
    }
    const auto good = c.request("POST", entry, R"({"data":{"ok":true}})", who);
    CHECK(good.status == 200);
    CHECK(good.keep_alive);
}

TEST_CASE("numbers JSON cannot round-trip get 400 and are not stored", "[stub][http]") {
    RunningStub stub;
    RawClient c(stub.port);
    const std::string who = token("anna", "s");
    REQUIRE(c.request("POST", entry, R"({"data":{"n":1}})", who).status == 200);
    for (std::string_view body :
         {R"({"data":{"n":1e400}})", R"({"data":{"n":-1e400}})",
          R"({"data":{"n":[1,{"m":2E308}]}})", R"({"data":{"n":18446744073709551616}})",
          R"({"data":{"n":-9223372036854775809}})", R"({"data":{"n":1},"extra":1e400})"}) {
        for (std::string_view query : {"", "?replace=false"}) {
            INFO(body << query);
            const auto r = c.request("POST", std::string(entry) + std::string(query), body, who);
            CHECK(r.status == 400);
            CHECK(body_of(r).at("error") == "bad_request");
            CHECK(body_of(r).at("detail").as_string().find("out of range") != json::string::npos);
        }
    }
    // Nothing was stored, and every read still answers JSON.
    auto r = c.request("GET", data, {}, who);
    CHECK(r.status == 200);
    CHECK(body_of(r) == json::value{{"n", 1}});
    CHECK(c.request("GET", entry, {}, who).status == 200);
    // The extremes that do round-trip are stored and read back exactly.
    const std::string edge =
        R"({"big":18446744073709551615,"low":-9223372036854775808,"max":1.7976931348623157e308,"tiny":1e-400})";
    r = c.request("POST", entry, R"({"data":)" + edge + "}", who);
    REQUIRE(r.status == 200);
    r = c.request("GET", data, {}, who);
    REQUIRE(r.status == 200);
    CHECK(body_of(r) == json::parse(edge));
    CHECK(body_of(r).at("big").is_uint64());
    CHECK(body_of(r).at("low").is_int64());
}

TEST_CASE("unknown paths get 404, wrong methods 405", "[stub][http]") {
    RunningStub stub;
    RawClient c(stub.port);
    const std::string who = token("anna", "s");
    auto r = c.request("GET", "/v1/persistence/nothing", {}, who);
    CHECK(r.status == 404);
    CHECK(body_of(r).at("error") == "not_found");
    CHECK(c.request("GET", "/", {}, who).status == 404);

    r = c.request("PUT", entry, R"({"data":{}})", who);
    CHECK(r.status == 405);
    CHECK(body_of(r).at("error") == "method_not_allowed");
    CHECK(r.header("allow") == "GET, POST, DELETE");
    CHECK(c.request("POST", data, R"({"data":{}})", who).status == 405);
    CHECK(c.request("DELETE", "/k8s/liveness", {}, {}).status == 405);
    CHECK(c.request("GET", entry, {}, who).status == 200);
}

TEST_CASE("a body over the limit gets 413 in the stub's error shape", "[stub][http]") {
    StubOptions options;
    options.max_body_bytes = 1024;
    RunningStub stub(options);
    const std::string big = R"({"data":{"k":")" + std::string(2000, 'x') + R"("}})";
    const auto r = skill::test::http_request(stub.port, "POST", entry, big, token("anna", "s"));
    CHECK(r.status == 413);
    CHECK(body_of(r).at("error") == "payload_too_large");
}

TEST_CASE("concurrent merges over HTTP all land", "[stub][http]") {
    StubOptions options;
    options.threads = 2;
    RunningStub stub(options);
    constexpr int requests = 40;
    const std::string port = std::to_string(stub.port);
    const std::string bearer = "Bearer " + make_dev_token("anna", "s");

    boost::asio::io_context io;
    skill::net::HttpClient client(io.get_executor());
    int ok = 0;
    for (int i = 0; i < requests; ++i) {
        skill::net::Request req{skill::net::http::verb::post, std::string(entry) + "?replace=false",
                                11};
        req.set(skill::net::http::field::authorization, bearer);
        req.set(skill::net::http::field::content_type, "application/json");
        req.body() = json::serialize(json::object{{"data", {{"k" + std::to_string(i), i}}}});
        boost::asio::co_spawn(
            io,
            [&, req = std::move(req)]() mutable -> skill::net::Awaitable<void> {
                auto result = co_await client.send("127.0.0.1", port, std::move(req),
                                                   std::chrono::seconds(10));
                if (!result.error && result.response.result_int() == 200) ++ok;
            },
            boost::asio::detached);
    }
    io.run();
    CHECK(ok == requests);
    const auto all = skill::test::http_request(stub.port, "GET", data, {}, token("anna", "s"));
    REQUIRE(all.status == 200);
    const auto stored = body_of(all).as_object();
    CHECK(stored.size() == static_cast<std::size_t>(requests));
    for (int i = 0; i < requests; ++i) CHECK(stored.contains("k" + std::to_string(i)));
}

TEST_CASE("writes over the queue's bound get 503 with Retry-After; queued ones commit",
          "[stub][http]") {
    StubOptions options;
    options.max_queued_write_bytes = 64 * 1024;
    RunningStub stub(options);
    constexpr int requests = 10;
    constexpr int fit = 3;  // 20 KiB bodies: three fit in 64 KiB, a fourth does not
    const std::string port = std::to_string(stub.port);
    const std::string payload(20 * 1024, 'x');
    stub.server->store().pause();

    boost::asio::io_context io;
    skill::net::HttpClient client(io.get_executor());
    int ok = 0, busy = 0, other = 0;
    bool resumed = false;
    for (int i = 0; i < requests; ++i) {
        // Each to its own skill, so the committed writes can be counted afterwards.
        skill::net::Request req{skill::net::http::verb::post, std::string(entry), 11};
        req.set(skill::net::http::field::authorization,
                "Bearer " + make_dev_token("anna", "s" + std::to_string(i)));
        req.set(skill::net::http::field::content_type, "application/json");
        req.body() = json::serialize(json::object{{"data", {{"p", payload}}}});
        boost::asio::co_spawn(
            io,
            [&, req = std::move(req)]() mutable -> skill::net::Awaitable<void> {
                auto result = co_await client.send("127.0.0.1", port, std::move(req),
                                                   std::chrono::seconds(20));
                if (result.error) {
                    ++other;
                } else if (result.response.result_int() == 200) {
                    ++ok;
                } else if (result.response.result_int() == 503) {
                    ++busy;
                    const auto& res = result.response;
                    CHECK(res[skill::net::http::field::retry_after] == "1");
                    CHECK(json::parse(res.body()).at("error") == "unavailable");
                } else {
                    ++other;
                }
                // Every refusal is in while the queue is still paused: now let it commit.
                if (busy == requests - fit && !resumed) {
                    resumed = true;
                    CHECK(ok == 0);
                    stub.server->store().resume();
                }
            },
            boost::asio::detached);
    }
    io.run();
    CHECK(resumed);
    CHECK(busy == requests - fit);
    CHECK(ok == fit);
    CHECK(other == 0);
    CHECK(stub.server->store().queued_write_bytes() == 0);
    CHECK(stub.server->store().refused_writes() == static_cast<std::uint64_t>(requests - fit));
    const auto all = skill::test::http_request(stub.port, "GET", entry, {}, token("anna", "any"));
    REQUIRE(all.status == 200);
    CHECK(body_of(all).as_object().size() == static_cast<std::size_t>(fit));
}
