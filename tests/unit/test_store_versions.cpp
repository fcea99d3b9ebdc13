// Versions and conditional writes in the store (both backends: the `_pg` variant
// runs this file against PostgreSQL): every write makes a new, higher version;
// a precondition is checked in the write's transaction, also inside one batch.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sqlite.hpp"
#include "store.hpp"
#include "store_calls.hpp"
#include "stub_database.hpp"

using namespace skill::stub;
namespace asio = boost::asio;
using Kind = Operation::Kind;
using Cond = Precondition::Kind;
using skill::test::TempDir;

namespace {

using skill::test::op;
using skill::test::parsed;
using skill::test::run_batches_together;
using skill::test::spawn;

/// One operation that must not fail (a failed precondition is no failure).
StoreResult call(Store& store, Operation o) {
    StoreResult r = skill::test::call(store, std::move(o));
    INFO(r.error);
    REQUIRE(r.ok);
    return r;
}

Precondition at(std::int64_t version) {
    return {Cond::match, version};
}

}  // namespace

TEST_CASE("every write makes a new, higher version; reads tell the current one", "[versions]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    const auto first = call(store, op(Kind::set, "u", "s", {{"n", 1}}));
    CHECK(first.version > 0);
    CHECK(call(store, op(Kind::get, "u", "s")).version == first.version);
    const auto second = call(store, op(Kind::set, "u", "s", {{"n", 2}}));
    CHECK(second.version > first.version);
    const auto merged = call(store, op(Kind::merge, "u", "s", {{"m", 3}}));
    CHECK(merged.version > second.version);
    // A merge that adds nothing still writes (and so is a new version).
    const auto again = call(store, op(Kind::merge, "u", "s", {{"m", 4}}));
    CHECK(again.version > merged.version);
    CHECK(call(store, op(Kind::get, "u", "s")).version == again.version);
    CHECK(call(store, op(Kind::get, "u", "none")).version == 0);
}

TEST_CASE("If-Match: a write at the named version lands, any other is refused", "[versions]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    const auto v1 = call(store, op(Kind::set, "u", "s", {{"n", 1}})).version;

    const auto won = call(store, op(Kind::set, "u", "s", {{"n", 2}}, at(v1)));
    CHECK_FALSE(won.precondition_failed);
    CHECK(won.version > v1);

    for (const Kind kind : {Kind::set, Kind::merge, Kind::remove}) {
        const auto lost = call(store, op(kind, "u", "s", {{"x", 3}}, at(v1)));
        CHECK(lost.precondition_failed);
        CHECK(lost.found);
        CHECK(lost.version == won.version);  // the current one, for the client to re-read
    }
    const auto now = call(store, op(Kind::get, "u", "s"));
    CHECK(parsed(now) == boost::json::object{{"n", 2}});
    CHECK(now.version == won.version);

    const auto merged = call(store, op(Kind::merge, "u", "s", {{"m", 1}}, at(won.version)));
    CHECK_FALSE(merged.precondition_failed);
    CHECK(parsed(merged) == boost::json::object{{"n", 2}, {"m", 1}});

    // No entry: a named version cannot match.
    const auto absent = call(store, op(Kind::set, "u", "other", {{"n", 1}}, at(merged.version)));
    CHECK(absent.precondition_failed);
    CHECK_FALSE(absent.found);
    CHECK_FALSE(call(store, op(Kind::get, "u", "other")).found);
}

TEST_CASE("If-Match * needs an entry; If-None-Match * needs none", "[versions]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    const Precondition exists{Cond::exists, 0};
    const Precondition absent{Cond::absent, 0};

    CHECK(call(store, op(Kind::set, "u", "s", {{"n", 1}}, exists)).precondition_failed);
    CHECK(call(store, op(Kind::merge, "u", "s", {{"n", 1}}, exists)).precondition_failed);
    CHECK(call(store, op(Kind::remove, "u", "s", {}, exists)).precondition_failed);
    CHECK_FALSE(call(store, op(Kind::get, "u", "s")).found);

    const auto created = call(store, op(Kind::set, "u", "s", {{"n", 1}}, absent));
    CHECK_FALSE(created.precondition_failed);
    const auto refused = call(store, op(Kind::merge, "u", "s", {{"k", 2}}, absent));
    CHECK(refused.precondition_failed);
    CHECK(refused.version == created.version);
    CHECK(parsed(call(store, op(Kind::get, "u", "s"))) == boost::json::object{{"n", 1}});

    const auto any = call(store, op(Kind::set, "u", "s", {{"n", 3}}, exists));
    CHECK_FALSE(any.precondition_failed);
    CHECK(any.version > created.version);
}

TEST_CASE("a conditional delete removes only the named version", "[versions]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    const auto v1 = call(store, op(Kind::set, "u", "s", {{"n", 1}})).version;
    const auto v2 = call(store, op(Kind::set, "u", "s", {{"n", 2}})).version;
    const auto stale = call(store, op(Kind::remove, "u", "s", {}, at(v1)));
    CHECK(stale.precondition_failed);
    CHECK(stale.version == v2);
    CHECK(call(store, op(Kind::get, "u", "s")).found);
    const auto removed = call(store, op(Kind::remove, "u", "s", {}, at(v2)));
    CHECK_FALSE(removed.precondition_failed);
    CHECK(removed.found);
    CHECK_FALSE(call(store, op(Kind::get, "u", "s")).found);
}

TEST_CASE("delete and recreate never bring a version back (no ABA), also after a reopen",
          "[versions]") {
    TempDir dir;
    const std::string db = skill::test::stub_database(dir);
    std::int64_t before = 0;
    {
        Store store(db);
        call(store, op(Kind::set, "u", "s", {{"n", 1}}));
        call(store, op(Kind::set, "other", "s", {{"n", 1}}));
        before = call(store, op(Kind::set, "u", "s", {{"n", 2}})).version;
        call(store, op(Kind::remove, "u", "s"));
        const auto recreated = call(store, op(Kind::set, "u", "s", {{"n", 3}}));
        CHECK(recreated.version > before);
        before = recreated.version;
        // A client still holding the old version is refused.
        CHECK(call(store, op(Kind::set, "u", "s", {{"n", 4}}, at(before - 1))).precondition_failed);
        call(store, op(Kind::remove, "u", "s"));
    }
    // The highest version was deleted: the counter, not the rows, remembers it.
    Store reopened(db);
    const auto after = call(reopened, op(Kind::set, "u", "s", {{"n", 5}}));
    CHECK(after.version > before);
}

TEST_CASE("conditional writes on one version in one batch: exactly one wins", "[versions]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    const auto v = call(store, op(Kind::set, "u", "s", {{"n", 0}})).version;
    asio::io_context io;
    std::vector<std::optional<StoreResult>> results(8);
    store.pause();
    for (std::size_t i = 0; i < results.size(); ++i) {
        const Kind kind = i % 2 == 0 ? Kind::set : Kind::merge;
        spawn(io, store, op(kind, "u", "s", {{"w" + std::to_string(i), i}}, at(v)), results[i]);
    }
    io.poll();
    const auto commits = store.commits();
    store.resume();
    io.run();
    CHECK(store.commits() == commits + 1);  // one batch, one transaction
    std::size_t winners = 0;
    std::string winner;
    for (std::size_t i = 0; i < results.size(); ++i) {
        REQUIRE(results[i]);
        REQUIRE(results[i]->ok);
        if (results[i]->precondition_failed) continue;
        ++winners;
        winner = "w" + std::to_string(i);
    }
    CHECK(winners == 1);
    CHECK(parsed(call(store, op(Kind::get, "u", "s"))).contains(winner));
}

TEST_CASE("versions come from one counter: distinct across keys", "[versions]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    std::vector<std::int64_t> seen;
    for (int i = 0; i < 20; ++i)
        seen.push_back(
            call(store, op(Kind::set, "u" + std::to_string(i % 3), "s", {{"i", i}})).version);
    for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] > seen[i - 1]);
}

TEST_CASE("the read cache carries the entry's version", "[versions][sqlite]") {
    TempDir dir;
    Store store(dir.file("test.db"));
    const auto set = call(store, op(Kind::set, "u", "s", {{"n", 1}}));
    auto cached = store.read_cached("u", "s");
    REQUIRE(cached);
    CHECK(cached->version == set.version);
    // A refused write tells the version but not the data: it changes nothing cached.
    CHECK(call(store, op(Kind::set, "u", "s", {{"n", 2}}, at(set.version + 100)))
              .precondition_failed);
    cached = store.read_cached("u", "s");
    CHECK((!cached ||
           (cached->version == set.version && parsed(*cached) == boost::json::object{{"n", 1}})));
    const auto merged = call(store, op(Kind::merge, "u", "s", {{"m", 1}}, at(set.version)));
    cached = store.read_cached("u", "s");
    REQUIRE(cached);
    CHECK(cached->version == merged.version);
}

TEST_CASE("a file of an older stub gets versions: its rows start at 1", "[versions][sqlite]") {
    TempDir dir;
    {
        Database raw(dir.file("test.db"));
        raw.exec(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, user TEXT NOT NULL, "
            "skill TEXT NOT NULL, data TEXT NOT NULL, UNIQUE(user, skill))");
        raw.exec(R"(INSERT INTO entries(user, skill, data) VALUES('u', 's', '{"n":1}'))");
    }
    Store store(dir.file("test.db"));
    const auto read = call(store, op(Kind::get, "u", "s"));
    CHECK(read.version == 1);
    const auto written = call(store, op(Kind::set, "u", "s", {{"n", 2}}, at(1)));
    CHECK_FALSE(written.precondition_failed);
    CHECK(written.version > 1);
}

TEST_CASE("a shared database has no per-process read cache", "[versions][postgres]") {
    if (!skill::test::stub_on_postgres())
        SUCCEED("SQLite: the read cache is tested in test_store");
    else {
        TempDir dir;
        Store store(skill::test::stub_database(dir));
        call(store, op(Kind::set, "u", "s", {{"n", 1}}));
        CHECK_FALSE(store.read_cached("u", "s"));
    }
}

TEST_CASE("two stores on one PostgreSQL database: opposite-order batches all commit",
          "[versions][postgres]") {
    if (!skill::test::stub_on_postgres()) {
        WARN("PostgreSQL only (two stores on one SQLite file are not a supported setup)");
        return;
    }
    TempDir dir;
    const std::string db = skill::test::stub_database(dir);
    Store a(db);
    Store b(db);
    // Each batch locks k1 then k2 (a) or k2 then k1 (b): when they overlap, PostgreSQL
    // breaks the deadlock by rolling one back, which the store then runs again.
    for (int round = 0; round < 20; ++round) {
        const auto a_key = "a" + std::to_string(round);
        const auto b_key = "b" + std::to_string(round);
        const auto results = run_batches_together(a,
                                                  {op(Kind::merge, "u", "k1", {{a_key, round}}),
                                                   op(Kind::merge, "u", "k2", {{a_key, round}})},
                                                  b,
                                                  {op(Kind::merge, "u", "k2", {{b_key, round}}),
                                                   op(Kind::merge, "u", "k1", {{b_key, round}})});
        for (const auto& r : results) CHECK(r.ok);
    }
    for (const char* key : {"k1", "k2"})
        CHECK(parsed(call(a, op(Kind::get, "u", key))).size() == 40);
}
