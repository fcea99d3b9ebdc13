// Versions on the wire (docs/persistence-stub.md, "Versions"): ETag on reads and
// writes, If-Match / If-None-Match on POST and DELETE, 412 with the current ETag,
// 400 for a malformed condition, and clients with conditional retry loops that
// lose no update. Runs against both backends (the `_pg` variant: PostgreSQL).
#include <atomic>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "jwt.hpp"
#include "stub_database.hpp"
#include "stub_server.hpp"
#include "test_http.hpp"

using namespace skill::stub;
using skill::test::RawResponse;
using skill::test::TempDir;
namespace json = boost::json;

namespace {

struct RunningStub {
    TempDir dir;
    std::unique_ptr<StubServer> server;
    std::uint16_t port = 0;

    explicit RunningStub(unsigned threads = 1) {
        StubOptions options;
        options.port = 0;
        options.threads = threads;
        options.db_path = skill::test::stub_database(dir);
        server = std::make_unique<StubServer>(std::move(options));
        port = server->start();
    }
};

std::string auth(std::string_view user = "anna", std::string_view skill = "hello") {
    return "Authorization: Bearer " + make_dev_token(user, skill) + "\r\n";
}

constexpr std::string_view entry = "/v1/persistence/entry";
constexpr std::string_view data = "/v1/persistence/entry/data";

RawResponse post(std::uint16_t port, std::string_view body, std::string_view headers = {},
                 std::string_view target = entry) {
    return skill::test::http_request(port, "POST", target, body, auth() + std::string(headers));
}

/// The version an ETag carries: "<digits>".
std::int64_t version_of(const std::string& etag) {
    REQUIRE(etag.size() >= 3);
    REQUIRE(etag.front() == '"');
    REQUIRE(etag.back() == '"');
    return std::stoll(etag.substr(1, etag.size() - 2));
}

std::string if_match(const std::string& etag) {
    return "If-Match: " + etag + "\r\n";
}

}  // namespace

TEST_CASE("reads and writes carry the entry's version as a strong ETag", "[stub][versions]") {
    RunningStub stub;
    const auto missing = skill::test::http_request(stub.port, "GET", data, {}, auth());
    CHECK(missing.status == 404);
    CHECK(missing.header("etag").empty());

    const auto stored = post(stub.port, R"({"data":{"n":1}})");
    REQUIRE(stored.status == 200);
    const auto v1 = version_of(stored.header("etag"));
    CHECK(v1 > 0);
    const auto read = skill::test::http_request(stub.port, "GET", data, {}, auth());
    CHECK(read.status == 200);
    CHECK(read.header("etag") == stored.header("etag"));

    const auto merged =
        post(stub.port, R"({"data":{"m":2}})", {}, std::string(entry) + "?replace=false");
    REQUIRE(merged.status == 200);
    CHECK(version_of(merged.header("etag")) > v1);
    // Read again (possibly from the I/O thread's cache): the same version.
    CHECK(skill::test::http_request(stub.port, "GET", data, {}, auth()).header("etag") ==
          merged.header("etag"));
}

TEST_CASE("If-Match: the named version is written, another gets 412 with the current ETag",
          "[stub][versions]") {
    RunningStub stub;
    const auto first = post(stub.port, R"({"data":{"n":1}})");
    const std::string tag1 = first.header("etag");

    const auto second = post(stub.port, R"({"data":{"n":2}})", if_match(tag1));
    REQUIRE(second.status == 200);
    const std::string tag2 = second.header("etag");
    CHECK(version_of(tag2) > version_of(tag1));

    const auto stale = post(stub.port, R"({"data":{"n":3}})", if_match(tag1));
    CHECK(stale.status == 412);
    CHECK(stale.header("etag") == tag2);
    const auto body = json::parse(stale.body).as_object();
    CHECK(body.at("error") == "precondition_failed");
    CHECK(body.contains("detail"));
    const auto stale_merge = post(stub.port, R"({"data":{"x":3}})", if_match(tag1),
                                  std::string(entry) + "?replace=false");
    CHECK(stale_merge.status == 412);

    const auto read = skill::test::http_request(stub.port, "GET", data, {}, auth());
    CHECK(json::parse(read.body) == json::parse(R"({"n":2})"));
    CHECK(read.header("etag") == tag2);

    // No entry at all: 412 without an ETag.
    const auto absent = skill::test::http_request(stub.port, "POST", entry, R"({"data":{}})",
                                                  auth("anna", "other") + if_match(tag2));
    CHECK(absent.status == 412);
    CHECK(absent.header("etag").empty());
}

TEST_CASE("If-None-Match: * creates only; If-Match: * updates only", "[stub][versions]") {
    RunningStub stub;
    const auto update_only = post(stub.port, R"({"data":{"n":1}})", "If-Match: *\r\n");
    CHECK(update_only.status == 412);
    CHECK(update_only.header("etag").empty());

    const auto created = post(stub.port, R"({"data":{"n":1}})", "If-None-Match: *\r\n");
    REQUIRE(created.status == 200);
    const auto again = post(stub.port, R"({"data":{"n":2}})", "If-None-Match: *\r\n");
    CHECK(again.status == 412);
    CHECK(again.header("etag") == created.header("etag"));

    const auto updated = post(stub.port, R"({"data":{"n":3}})", "If-Match: *\r\n");
    CHECK(updated.status == 200);
    CHECK(json::parse(skill::test::http_request(stub.port, "GET", data, {}, auth()).body) ==
          json::parse(R"({"n":3})"));
}

TEST_CASE("DELETE with If-Match removes only the named version", "[stub][versions]") {
    RunningStub stub;
    const std::string tag = post(stub.port, R"({"data":{"n":1}})").header("etag");
    const std::string newer = post(stub.port, R"({"data":{"n":2}})").header("etag");
    const auto stale =
        skill::test::http_request(stub.port, "DELETE", entry, {}, auth() + if_match(tag));
    CHECK(stale.status == 412);
    CHECK(stale.header("etag") == newer);
    const auto removed =
        skill::test::http_request(stub.port, "DELETE", entry, {}, auth() + if_match(newer));
    CHECK(removed.status == 204);
    CHECK(skill::test::http_request(stub.port, "GET", data, {}, auth()).status == 404);
    // Gone: If-Match * has nothing to match.
    CHECK(skill::test::http_request(stub.port, "DELETE", entry, {}, auth() + "If-Match: *\r\n")
              .status == 412);

    // Recreated: a new, higher version, so the deleted entry's tag never matches again (no ABA).
    const auto recreated = post(stub.port, R"({"data":{"n":1}})");
    CHECK(version_of(recreated.header("etag")) > version_of(newer));
    CHECK(post(stub.port, R"({"data":{"n":9}})", if_match(newer)).status == 412);
}

TEST_CASE("a malformed condition gets 400 and writes nothing", "[stub][versions]") {
    RunningStub stub;
    const std::string tag = post(stub.port, R"({"data":{"n":1}})").header("etag");
    const std::string digits = tag.substr(1, tag.size() - 2);
    const std::vector<std::string> malformed = {"If-Match: " + digits,
                                                "If-Match: W/" + tag,
                                                "If-Match: \"0\"",
                                                "If-Match: \"0" + digits + "\"",
                                                "If-Match: " + tag + ", " + tag,
                                                "If-Match: \"-1\"",
                                                "If-Match: \"99999999999999999999\"",
                                                "If-Match: \"\"",
                                                "If-Match: ",
                                                "If-None-Match: " + tag,
                                                "If-None-Match: **",
                                                "If-Match: " + tag + "\r\nIf-None-Match: *",
                                                "If-Match: *\r\nIf-Match: *"};
    for (const std::string& header : malformed) {
        INFO(header);
        const auto r = post(stub.port, R"({"data":{"n":2}})", header + "\r\n");
        CHECK(r.status == 400);
        CHECK(json::parse(r.body).at("error") == "bad_request");
    }
    CHECK(skill::test::http_request(stub.port, "DELETE", entry, {}, auth() + "If-None-Match: *\r\n")
              .status == 400);
    const auto read = skill::test::http_request(stub.port, "GET", data, {}, auth());
    CHECK(read.header("etag") == tag);
    CHECK(json::parse(read.body) == json::parse(R"({"n":1})"));
    // Whitespace around a value is not part of it.
    CHECK(post(stub.port, R"({"data":{"n":3}})", "If-Match:  " + tag + " \r\n").status == 200);
}

TEST_CASE("clients with conditional retry loops lose no increment", "[stub][versions]") {
    RunningStub stub(2);
    constexpr int clients = 4;
    constexpr int increments = 25;
    std::atomic<int> conflicts{0};
    auto client = [&] {
        for (int i = 0; i < increments; ++i) {
            for (;;) {
                const auto read = skill::test::http_request(stub.port, "GET", data, {}, auth());
                std::int64_t count = 0;
                std::string condition = "If-None-Match: *\r\n";
                if (read.status == 200) {
                    count = json::parse(read.body).at("count").to_number<std::int64_t>();
                    condition = if_match(read.header("etag"));
                }
                const auto wrote =
                    post(stub.port, R"({"data":{"count":)" + std::to_string(count + 1) + "}}",
                         condition);
                if (wrote.status == 200) break;
                REQUIRE(wrote.status == 412);
                ++conflicts;
            }
        }
    };
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) threads.emplace_back(client);
    for (auto& t : threads) t.join();
    const auto read = skill::test::http_request(stub.port, "GET", data, {}, auth());
    CHECK(json::parse(read.body).at("count").to_number<std::int64_t>() == clients * increments);
    INFO("conflicts retried: " << conflicts.load());
    SUCCEED();
}
