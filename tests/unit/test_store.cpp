// The store: operations, merge semantics, isolation, group commit, concurrent
// callers on several io_contexts, durability across reopen. On both backends
// (`test_store_pg` runs it on PostgreSQL without the [sqlite] cases: hand-made
// SQLite files and the per-process read cache).
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backend.hpp"
#include "sqlite.hpp"
#include "store.hpp"
#include "stub_database.hpp"
#include "temp_dir.hpp"

using namespace skill::stub;
namespace fs = std::filesystem;
namespace asio = boost::asio;
using Kind = Operation::Kind;

using skill::test::TempDir;

namespace {

/// A fresh directory per test, removed afterwards.
Operation op(Kind kind, std::string user, std::string skill, boost::json::object data = {}) {
    return Operation{kind, std::move(user), std::move(skill), std::move(data)};
}

/// Spawn one submit on `io`; the result lands in `out` once `io` runs it to the end.
void spawn(asio::io_context& io, Store& store, Operation o, std::optional<StoreResult>& out) {
    asio::co_spawn(io, store.submit(std::move(o)), [&out](std::exception_ptr e, StoreResult r) {
        if (e) std::rethrow_exception(e);
        out = std::move(r);
    });
}

/// A result's data: the store answers it serialised, as the wire carries it.
boost::json::object parsed(const StoreResult& r) {
    return boost::json::parse(r.data).as_object();
}

StoreResult call(Store& store, Operation o) {
    asio::io_context io;
    std::optional<StoreResult> out;
    spawn(io, store, std::move(o), out);
    io.run();
    REQUIRE(out);
    return std::move(*out);
}

}  // namespace

TEST_CASE("set, get, get_all and remove", "[store]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));

    const auto missing = call(store, op(Kind::get, "u", "s"));
    CHECK(missing.ok);
    CHECK_FALSE(missing.found);

    const auto stored = call(store, op(Kind::set, "u", "s", {{"name", "Anna"}}));
    REQUIRE(stored.ok);
    CHECK(stored.id > 0);
    CHECK(parsed(stored) == boost::json::object{{"name", "Anna"}});

    const auto read = call(store, op(Kind::get, "u", "s"));
    CHECK(read.found);
    CHECK(read.id == stored.id);
    CHECK(parsed(read) == boost::json::object{{"name", "Anna"}});

    const auto replaced = call(store, op(Kind::set, "u", "s", {{"age", 3}}));
    CHECK(replaced.id == stored.id);  // same entry, new contents
    CHECK(parsed(call(store, op(Kind::get, "u", "s"))) == boost::json::object{{"age", 3}});

    call(store, op(Kind::set, "u", "t", {{"x", true}}));
    const auto all = call(store, op(Kind::get_all, "u", ""));
    CHECK(parsed(all) == boost::json::object{{"s", {{"age", 3}}}, {"t", {{"x", true}}}});

    CHECK(call(store, op(Kind::remove, "u", "s")).found);
    CHECK_FALSE(call(store, op(Kind::get, "u", "s")).found);
    const auto again = call(store, op(Kind::remove, "u", "s"));
    CHECK(again.ok);
    CHECK_FALSE(again.found);
    CHECK(parsed(call(store, op(Kind::get_all, "u", ""))) ==
          boost::json::object{{"t", {{"x", true}}}});
}

TEST_CASE("merge keeps stored keys and adds new ones", "[store]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    const auto first = call(store, op(Kind::merge, "u", "s", {{"a", 1}, {"b", 2}}));
    CHECK(parsed(first) == boost::json::object{{"a", 1}, {"b", 2}});
    const auto second = call(store, op(Kind::merge, "u", "s", {{"b", 20}, {"c", 30}}));
    const boost::json::object expected{{"a", 1}, {"b", 2}, {"c", 30}};
    CHECK(parsed(second) == expected);
    CHECK(second.id == first.id);
    CHECK(parsed(call(store, op(Kind::get, "u", "s"))) == expected);
}

TEST_CASE("users and skills are isolated", "[store]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    call(store, op(Kind::set, "alice", "s", {{"who", "alice"}}));
    call(store, op(Kind::set, "bob", "s", {{"who", "bob"}}));
    CHECK(parsed(call(store, op(Kind::get, "alice", "s"))) ==
          boost::json::object{{"who", "alice"}});
    CHECK_FALSE(call(store, op(Kind::get, "alice", "other")).found);
    CHECK(parsed(call(store, op(Kind::get_all, "bob", ""))) ==
          boost::json::object{{"s", {{"who", "bob"}}}});
    call(store, op(Kind::remove, "bob", "s"));
    CHECK(call(store, op(Kind::get, "alice", "s")).found);
}

TEST_CASE("operations queued together commit in one transaction", "[store]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    asio::io_context io;
    std::vector<std::optional<StoreResult>> results(10);
    store.pause();
    for (std::size_t i = 0; i < results.size(); ++i) {
        spawn(io, store, op(Kind::set, "u" + std::to_string(i), "s", {{"i", i}}), results[i]);
    }
    io.poll();  // every coroutine runs up to its submit and queues
    const auto before = store.commits();
    store.resume();
    io.run();
    for (const auto& r : results) {
        REQUIRE(r);
        CHECK(r->ok);
    }
    CHECK(store.commits() == before + 1);
}

TEST_CASE("a failing operation does not fail the rest of its batch", "[store][sqlite]") {
    TempDir dir;
    {
        // Stored text that is not JSON makes a merge on that entry fail.
        Database raw(dir.file("test.db"));
        raw.exec(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, user TEXT NOT NULL, "
            "skill TEXT NOT NULL, data TEXT NOT NULL, UNIQUE(user, skill))");
        raw.exec("INSERT INTO entries(user, skill, data) VALUES('bad', 's', 'not json')");
    }
    Store store(dir.file("test.db"));
    asio::io_context io;
    std::optional<StoreResult> broken;
    std::optional<StoreResult> fine;
    store.pause();
    spawn(io, store, op(Kind::merge, "bad", "s", {{"k", 1}}), broken);
    spawn(io, store, op(Kind::set, "good", "s", {{"k", 2}}), fine);
    io.poll();
    store.resume();
    io.run();
    REQUIRE(broken);
    REQUIRE(fine);
    CHECK_FALSE(broken->ok);
    CHECK_FALSE(broken->error.empty());
    CHECK(fine->ok);
    CHECK(parsed(call(store, op(Kind::get, "good", "s"))) == boost::json::object{{"k", 2}});
}

TEST_CASE("stored text is answered as serialising its object gives", "[store][sqlite]") {
    TempDir dir;
    const std::string text = R"( { "b" : [1, 2.50, "\u0041"], "a" : "x" } )";
    {
        // A row edited by hand: JSON, but not in the form the stub writes.
        Database raw(dir.file("test.db"));
        raw.exec(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, user TEXT NOT NULL, "
            "skill TEXT NOT NULL, data TEXT NOT NULL, UNIQUE(user, skill))");
        raw.exec("INSERT INTO entries(user, skill, data) VALUES('u', 's', '" + text + "')");
    }
    Store store(dir.file("test.db"));
    const auto expected = boost::json::serialize(boost::json::parse(text));
    CHECK(call(store, op(Kind::get, "u", "s")).data == expected);
    CHECK(call(store, op(Kind::get_all, "u", "")).data == R"({"s":)" + expected + "}");
    const auto merged = call(store, op(Kind::merge, "u", "s", {{"c", 1}}));
    CHECK(merged.data == expected.substr(0, expected.size() - 1) + R"(,"c":1})");
    CHECK(call(store, op(Kind::set, "u", "s", {{"d", 2.5}})).data == R"({"d":2.5E0})");
}

TEST_CASE("nothing non-finite is written", "[store]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    const double inf = std::numeric_limits<double>::infinity();
    REQUIRE(call(store, op(Kind::set, "u", "s", {{"k", 1}})).ok);
    // Serialised, infinity is `Infinity`: not JSON, and every later read would fail.
    const auto set = call(store, op(Kind::set, "u", "s", {{"k", inf}}));
    CHECK_FALSE(set.ok);
    const auto merge = call(store, op(Kind::merge, "u", "s", {{"n", {{"deep", -inf}}}}));
    CHECK_FALSE(merge.ok);
    const auto fresh = call(store, op(Kind::set, "u", "t", {{"k", std::nan("")}}));
    CHECK_FALSE(fresh.ok);
    CHECK(parsed(call(store, op(Kind::get_all, "u", ""))) ==
          boost::json::object{{"s", {{"k", 1}}}});
}

TEST_CASE("a stored number JSON cannot round-trip fails the read, not the JSON",
          "[store][sqlite]") {
    TempDir dir;
    {
        // Rows edited by hand: the stub itself never writes these.
        Database raw(dir.file("test.db"));
        raw.exec(
            "CREATE TABLE entries (id INTEGER PRIMARY KEY, user TEXT NOT NULL, "
            "skill TEXT NOT NULL, data TEXT NOT NULL, UNIQUE(user, skill))");
        raw.exec(R"(INSERT INTO entries(user, skill, data) VALUES('u', 's', '{"n":1e400}'))");
        raw.exec(
            R"(INSERT INTO entries(user, skill, data) VALUES('v', 's', '{"n":18446744073709551616}'))");
    }
    Store store(dir.file("test.db"));
    for (const char* user : {"u", "v"}) {
        const auto get = call(store, op(Kind::get, user, "s"));
        CHECK_FALSE(get.ok);
        CHECK(get.error.find("round-trip") != std::string::npos);
        CHECK_FALSE(call(store, op(Kind::get_all, user, "")).ok);
        // A merge would otherwise write the stored number back as `Infinity`.
        CHECK_FALSE(call(store, op(Kind::merge, user, "s", {{"k", 1}})).ok);
    }
}

TEST_CASE("writes over the queue's bound are refused busy, reads never", "[store]") {
    TempDir dir;
    constexpr std::size_t bound = 4096;
    Store store(skill::test::stub_database(dir), bound);
    asio::io_context io;
    const std::string payload(1000, 'x');  // ~1.3 KiB a write with the ids and overhead
    std::vector<std::optional<StoreResult>> writes(6);
    std::optional<StoreResult> read;
    store.pause();
    for (std::size_t i = 0; i < writes.size(); ++i)
        spawn(io, store, op(Kind::set, "u", "s" + std::to_string(i), {{"p", payload}}), writes[i]);
    spawn(io, store, op(Kind::get_all, "u", ""), read);
    io.poll();  // queued (or refused) in order; the paused store commits nothing
    CHECK(store.queued_write_bytes() <= bound);
    CHECK(store.queued_write_bytes() > bound - 1500);
    // The refused ones are answered at once, while the queue is still paused.
    std::size_t refused = 0;
    for (const auto& w : writes) {
        if (!w) continue;
        CHECK(w->busy);
        CHECK_FALSE(w->ok);
        ++refused;
    }
    CHECK(refused == 3);
    CHECK(store.refused_writes() == 3);
    CHECK_FALSE(read);  // the read was queued, not refused

    store.resume();
    io.run();
    for (std::size_t i = 0; i < 3; ++i) {
        REQUIRE(writes[i]);
        CHECK(writes[i]->ok);
        CHECK_FALSE(writes[i]->busy);
    }
    REQUIRE(read);
    CHECK(read->ok);
    CHECK(store.queued_write_bytes() == 0);  // given back at commit
    CHECK(parsed(call(store, op(Kind::get_all, "u", ""))).size() == 3);
    // The queue has room again.
    CHECK(call(store, op(Kind::set, "u", "s5", {{"p", payload}})).ok);
}

TEST_CASE("a write alone in the queue is taken whatever its size", "[store]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir), 16);
    const auto big = call(store, op(Kind::set, "u", "s", {{"p", std::string(10'000, 'x')}}));
    CHECK(big.ok);
    CHECK_FALSE(big.busy);
    CHECK(store.queued_write_bytes() == 0);
}

TEST_CASE("concurrent merges from several io_contexts all land", "[store]") {
    TempDir dir;
    Store store(skill::test::stub_database(dir));
    constexpr int threads = 4;
    constexpr int per_thread = 125;
    std::atomic<int> ok{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            asio::io_context io;
            std::vector<std::optional<StoreResult>> results(per_thread);
            for (int i = 0; i < per_thread; ++i) {
                const std::string key = std::to_string(t) + "-" + std::to_string(i);
                spawn(io, store, op(Kind::merge, "u", "s", {{key, i}}), results[i]);
            }
            io.run();
            for (const auto& r : results) {
                if (r && r->ok) ++ok;
            }
        });
    }
    for (auto& w : workers) w.join();
    CHECK(ok == threads * per_thread);
    const auto all = parsed(call(store, op(Kind::get, "u", "s")));
    CHECK(all.size() == static_cast<std::size_t>(threads * per_thread));
    for (int t = 0; t < threads; ++t) {
        for (int i = 0; i < per_thread; ++i) {
            const auto* v = all.if_contains(std::to_string(t) + "-" + std::to_string(i));
            REQUIRE(v);
            CHECK(v->as_int64() == i);
        }
    }
}

TEST_CASE("data survives closing and reopening the file", "[store]") {
    TempDir dir;
    const std::string db = skill::test::stub_database(dir);
    {
        Store store(db);
        call(store, op(Kind::set, "u", "s", {{"name", "Anna"}}));
    }
    Store reopened(db);
    CHECK(parsed(call(reopened, op(Kind::get, "u", "s"))) == boost::json::object{{"name", "Anna"}});
}

TEST_CASE("destruction finishes queued operations", "[store]") {
    TempDir dir;
    const std::string db = skill::test::stub_database(dir);
    asio::io_context io;
    std::optional<StoreResult> result;
    {
        Store store(db);
        store.pause();
        spawn(io, store, op(Kind::set, "u", "s", {{"k", 1}}), result);
        io.poll();
    }
    io.run();
    REQUIRE(result);
    CHECK(result->ok);
    Store reopened(db);
    CHECK(call(reopened, op(Kind::get, "u", "s")).found);
}

TEST_CASE("an unopenable path throws StoreError", "[store][sqlite]") {
    TempDir dir;
    CHECK_THROWS_AS(Store((dir.path / "missing" / "x.db").string()), StoreError);
}

TEST_CASE("answers of this thread's calls are read back without the DB thread",
          "[store][cache][sqlite]") {
    TempDir dir;
    Store store(dir.file("test.db"));
    CHECK_FALSE(store.read_cached("u", "s"));  // never seen

    const auto stored = call(store, op(Kind::set, "u", "s", {{"name", "Anna"}}));
    store.pause();  // the DB thread answers nothing from here on
    auto cached = store.read_cached("u", "s");
    REQUIRE(cached);
    CHECK(cached->ok);
    CHECK(cached->found);
    CHECK(cached->id == stored.id);
    CHECK(cached->data == stored.data);
    // Keys are compared whole: another user, another skill, are not that entry.
    CHECK_FALSE(store.read_cached("u", "t"));
    CHECK_FALSE(store.read_cached("v", "s"));
    CHECK_FALSE(store.read_cached("us", ""));
    store.resume();

    // A get's answer, a missing entry's too.
    const auto missing = call(store, op(Kind::get, "u", "none"));
    CHECK_FALSE(missing.found);
    cached = store.read_cached("u", "none");
    REQUIRE(cached);
    CHECK_FALSE(cached->found);

    // A merge leaves the merged object, a remove no entry.
    const auto merged = call(store, op(Kind::merge, "u", "s", {{"age", 3}}));
    cached = store.read_cached("u", "s");
    REQUIRE(cached);
    CHECK(cached->data == merged.data);
    CHECK(call(store, op(Kind::remove, "u", "s")).found);
    cached = store.read_cached("u", "s");
    REQUIRE(cached);
    CHECK_FALSE(cached->found);
    CHECK(cached->data.empty());
}

TEST_CASE("a write through another thread makes this thread's entry stale",
          "[store][cache][sqlite]") {
    TempDir dir;
    Store store(dir.file("test.db"));
    call(store, op(Kind::set, "u", "s", {{"v", 1}}));
    REQUIRE(store.read_cached("u", "s"));
    std::thread([&] { call(store, op(Kind::set, "u", "s", {{"v", 2}})); }).join();
    // Acknowledged elsewhere: this thread's copy is no longer answered...
    CHECK_FALSE(store.read_cached("u", "s"));
    // ...and the get that replaces it is cached again.
    CHECK(parsed(call(store, op(Kind::get, "u", "s"))) == boost::json::object{{"v", 2}});
    const auto cached = store.read_cached("u", "s");
    REQUIRE(cached);
    CHECK(parsed(*cached) == boost::json::object{{"v", 2}});

    // A write that started but failed answers nothing stale either.
    const double inf = std::numeric_limits<double>::infinity();
    CHECK_FALSE(call(store, op(Kind::set, "u", "s", {{"v", inf}})).ok);
    const auto after = store.read_cached("u", "s");
    CHECK((!after || parsed(*after) == boost::json::object{{"v", 2}}));
}

TEST_CASE("the read cache keeps small entries of one store only", "[store][cache][sqlite]") {
    TempDir dir;
    {
        Store store(dir.file("test.db"));
        const std::string big(Store::read_cache_max_bytes, 'x');
        REQUIRE(call(store, op(Kind::set, "u", "big", {{"p", big}})).ok);
        CHECK_FALSE(store.read_cached("u", "big"));
        REQUIRE(call(store, op(Kind::set, "u", "s", {{"k", 1}})).ok);
        CHECK(store.read_cached("u", "s"));
        // get_all is always read from the database.
        call(store, op(Kind::get_all, "u", ""));
        CHECK_FALSE(store.read_cached("u", ""));
        // Far more keys than the cache holds: every answer is right or a miss.
        for (int i = 0; i < 600; ++i)
            call(store, op(Kind::set, "u" + std::to_string(i), "s", {{"i", i}}));
        std::size_t hits = 0;
        for (int i = 0; i < 600; ++i) {
            const auto cached = store.read_cached("u" + std::to_string(i), "s");
            if (!cached) continue;
            ++hits;
            CHECK(parsed(*cached) == boost::json::object{{"i", i}});
        }
        CHECK(hits > 0);
        CHECK(hits <= Store::read_cache_entries);
    }
    // Another store on the same file (or any other) never answers from the first one's.
    Store reopened(dir.file("test.db"));
    CHECK_FALSE(reopened.read_cached("u", "s"));
}

TEST_CASE("a set's known id is a hint the DB thread checks", "[store][cache][sqlite]") {
    TempDir dir;
    Store store(dir.file("test.db"));
    const auto alice = call(store, op(Kind::set, "alice", "s", {{"who", "alice"}}));
    const auto bob = call(store, op(Kind::set, "bob", "s", {{"who", "bob"}}));

    auto hinted = op(Kind::set, "alice", "s", {{"who", "alice 2"}});
    hinted.known_id = alice.id;
    CHECK(call(store, std::move(hinted)).id == alice.id);

    // Another user's id, a stale or made-up one: never written through.
    for (const std::int64_t wrong : {bob.id, std::int64_t{9999}}) {
        auto forged = op(Kind::set, "carol", "s", {{"who", "carol"}});
        forged.known_id = wrong;
        const auto carol = call(store, std::move(forged));
        REQUIRE(carol.ok);
        CHECK(carol.id != bob.id);
    }
    CHECK(parsed(call(store, op(Kind::get, "alice", "s"))) ==
          boost::json::object{{"who", "alice 2"}});
    CHECK(parsed(call(store, op(Kind::get, "bob", "s"))) == boost::json::object{{"who", "bob"}});
    CHECK(parsed(call(store, op(Kind::get, "carol", "s"))) ==
          boost::json::object{{"who", "carol"}});
}

TEST_CASE("an unreachable PostgreSQL URI throws StoreError without the URI", "[store]") {
    const std::string uri =
        "postgresql://stub:s3cret@/db?host=/nonexistent-socket-dir&connect_timeout=2";
    try {
        Store store(uri);
        FAIL("opened");
    } catch (const StoreError& e) {
        const std::string message = e.what();
        CHECK(message.find("PostgreSQL") != std::string::npos);
        CHECK(message.find("s3cret") == std::string::npos);
    }
}

TEST_CASE("a database URI is logged without its password", "[store]") {
    CHECK(loggable_database("/var/lib/stub/p.db") == "/var/lib/stub/p.db");
    CHECK(loggable_database("postgresql://stub@db:5432/p") == "postgresql://stub@db:5432/p");
    CHECK(loggable_database("postgresql://stub:s3cr@t@db/p") == "postgresql://stub:***@db/p");
    CHECK(loggable_database("postgres://u:pw@/p?host=/run/pg&password=x&sslmode=require") ==
          "postgres://u:***@/p?host=/run/pg&password=***&sslmode=require");
    CHECK(loggable_database("postgresql:///p?password=x") == "postgresql:///p?password=***");
    CHECK(loggable_database("postgresql://h/p?mypassword=x") == "postgresql://h/p?mypassword=x");
}
