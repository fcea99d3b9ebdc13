// One batch mixing every kind of operation, with refused preconditions and
// operations that fail alone, on both backends (`test_store_batches_pg` runs it on
// PostgreSQL, where such a batch goes out as one pipeline): each answer is what the
// operation gives run statement by statement (STUB_PG_PIPELINE=off). And on
// PostgreSQL, what fails the whole transaction fails the whole pipelined batch and
// leaves the connection usable.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backend.hpp"
#include "pg.hpp"
#include "store.hpp"
#include "store_calls.hpp"
#include "stub_database.hpp"

using namespace skill::stub;
namespace asio = boost::asio;
using Kind = Operation::Kind;
using Cond = Precondition::Kind;
using skill::test::op;
using skill::test::TempDir;

namespace {

/// `ops` queued together, so the store runs them as one batch; their answers.
std::vector<StoreResult> run_batch(Store& store, std::vector<Operation> ops) {
    asio::io_context io;
    std::vector<std::optional<StoreResult>> out(ops.size());
    store.pause();
    for (std::size_t i = 0; i < ops.size(); ++i)
        skill::test::spawn(io, store, std::move(ops[i]), out[i]);
    io.poll();  // every coroutine queues its operation
    const auto commits = store.commits();
    store.resume();
    io.run();
    CHECK(store.commits() <= commits + 1);  // one transaction at most
    std::vector<StoreResult> results;
    for (auto& r : out) {
        REQUIRE(r);
        results.push_back(std::move(*r));
    }
    return results;
}

StoreResult call(Store& store, Operation o) {
    StoreResult r = skill::test::call(store, std::move(o));
    INFO(r.error);
    REQUIRE(r.ok);
    return r;
}

Precondition at(std::int64_t version) {
    return {Cond::match, version};
}

/// The stores of a test on PostgreSQL, statement by statement (STUB_PG_PIPELINE=off,
/// read when a store opens its database) while one of these lives.
struct Unpipelined {
    Unpipelined() { ::setenv("STUB_PG_PIPELINE", "off", 1); }
    ~Unpipelined() { ::unsetenv("STUB_PG_PIPELINE"); }
};

struct Seeded {
    std::int64_t a = 0, b = 0, c = 0;  // the versions of u/a, u/b, u/c
};

Seeded seed(Store& store) {
    Seeded v;
    v.a = call(store, op(Kind::set, "u", "a", {{"n", 1}})).version;
    v.b = call(store, op(Kind::set, "u", "b", {{"n", 2}})).version;
    v.c = call(store, op(Kind::set, "u", "c", {{"n", 3}})).version;
    return v;
}

const std::string nul_user("nul\0user", 8);

/// Every kind of operation; the comments tell what each one must answer.
std::vector<Operation> mixed(const Seeded& v) {
    const double inf = std::numeric_limits<double>::infinity();
    return {
        op(Kind::get, "u", "a"),                                        // 0 found
        op(Kind::get, "u", "missing"),                                  // 1 none
        op(Kind::get_all, "u", ""),                                     // 2 a, b, c
        op(Kind::set, "u", "a", {{"n", 10}}),                           // 3 upsert
        op(Kind::set, "u", "new1", {{"n", 11}}),                        // 4 insert
        op(Kind::set, "u", "b", {{"n", 12}}, at(v.b)),                  // 5 If-Match met
        op(Kind::set, "u", "c", {{"n", 0}}, at(v.c + 1000)),            // 6 refused
        op(Kind::set, "u", "a", {{"n", 14}}, {Cond::exists, 0}),        // 7 If-Match * met
        op(Kind::set, "u", "missing2", {{"n", 0}}, {Cond::exists, 0}),  // 8 refused
        op(Kind::set, "u", "new2", {{"n", 13}}, {Cond::absent, 0}),     // 9 If-None-Match * met
        op(Kind::set, "u", "b", {{"n", 0}}, {Cond::absent, 0}),         // 10 refused: 5 wrote it
        op(Kind::set, "u", "x", {{"n", inf}}),                          // 11 fails alone
        op(Kind::set, nul_user, "s", {{"n", 1}}),                 // 12 PostgreSQL: fails alone
        op(Kind::remove, "u", "c", {}, at(v.c)),                  // 13 conditional, met
        op(Kind::remove, "u", "c"),                               // 14 gone already
        op(Kind::remove, "u", "missing", {}, {Cond::exists, 0}),  // 15 refused
        op(Kind::remove, "u", "new1", {}, at(v.c + 1000)),        // 16 refused
        op(Kind::get, "u", "a"),                                  // 17 what 7 wrote
        op(Kind::get_all, "u", ""),                               // 18 what the batch left
    };
}

/// What the mixed batch must answer, on either backend.
void check_mixed(const Seeded& v, const std::vector<StoreResult>& r) {
    using boost::json::object;
    using boost::json::parse;
    REQUIRE(r.size() == 19);
    for (std::size_t i = 0; i < r.size(); ++i) {
        INFO("operation " << i << ": " << r[i].error);
        if (i == 11)
            CHECK_FALSE(r[i].ok);
        else if (i == 12)
            CHECK(r[i].ok == !skill::test::stub_on_postgres());
        else
            CHECK(r[i].ok);
        if (!r[i].ok) CHECK_FALSE(r[i].error.empty());
        const bool refused = i == 6 || i == 8 || i == 10 || i == 15 || i == 16;
        CHECK(r[i].precondition_failed == refused);
    }
    CHECK(r[0].found);
    CHECK(r[0].version == v.a);
    CHECK(parse(r[0].data) == object{{"n", 1}});
    CHECK_FALSE(r[1].found);
    CHECK(parse(r[2].data) == object{{"a", {{"n", 1}}}, {"b", {{"n", 2}}}, {"c", {{"n", 3}}}});
    CHECK(r[3].version > v.a);
    CHECK(r[4].found);
    CHECK(r[5].version > v.b);
    CHECK((r[6].found && r[6].version == v.c));  // the refused write's current entry
    CHECK(r[7].version > r[3].version);
    CHECK_FALSE(r[8].found);
    CHECK(r[9].found);
    CHECK((r[10].found && r[10].version == r[5].version));  // this batch's own write
    CHECK(r[13].found);
    CHECK_FALSE(r[14].found);
    CHECK_FALSE(r[15].found);
    CHECK((r[16].found && r[16].version == r[4].version));
    CHECK(r[17].version == r[7].version);
    CHECK(parse(r[17].data) == object{{"n", 14}});
    CHECK(parse(r[18].data) == object{{"a", {{"n", 14}}},
                                      {"b", {{"n", 12}}},
                                      {"new1", {{"n", 11}}},
                                      {"new2", {{"n", 13}}}});
}

/// Pipelined and statement by statement give the same answers (ids and versions
/// too: fresh databases, the same statements in the same order).
void check_same(const std::vector<StoreResult>& a, const std::vector<StoreResult>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        INFO("operation " << i << ": " << a[i].error << " / " << b[i].error);
        CHECK(a[i].ok == b[i].ok);
        CHECK(a[i].found == b[i].found);
        CHECK(a[i].precondition_failed == b[i].precondition_failed);
        CHECK(a[i].id == b[i].id);
        CHECK(a[i].version == b[i].version);
        CHECK(a[i].data == b[i].data);
    }
}

/// The mixed batch on a fresh database: its answers and the entries it left.
struct Outcome {
    std::vector<StoreResult> results;
    std::string after;  // get_all of u, in a batch of its own
};

Outcome mixed_outcome(const std::string& db, std::optional<Operation> poison = {}) {
    Store store(db);
    const Seeded v = seed(store);
    auto ops = mixed(v);
    if (poison) ops.insert(ops.begin() + 9, std::move(*poison));
    Outcome out{run_batch(store, std::move(ops)), {}};
    if (!poison) check_mixed(v, out.results);
    out.after = call(store, op(Kind::get_all, "u", "")).data;
    return out;
}

}  // namespace

TEST_CASE("a batch of every kind of operation answers each as run alone would", "[batches]") {
    TempDir dir;
    const Outcome batched = mixed_outcome(skill::test::stub_database(dir, "batched"));
    if (!skill::test::stub_on_postgres()) return;  // SQLite runs statement by statement
    Unpipelined off;
    const Outcome unpipelined = mixed_outcome(skill::test::stub_database(dir, "unpipelined"));
    check_same(batched.results, unpipelined.results);
    CHECK(batched.after == unpipelined.after);
}

TEST_CASE("a statement the server refuses fails the whole batch; the next one runs",
          "[batches][postgres]") {
    if (!skill::test::stub_on_postgres()) {
        SUCCEED("PostgreSQL only: SQLite undoes a failed statement alone (test_store)");
        return;
    }
    // Not UTF-8: the server refuses the statement, which aborts the transaction.
    const auto poison = op(Kind::set, "bad\xff", "s", {{"n", 1}});
    TempDir dir;
    for (const bool pipelined : {true, false}) {
        INFO((pipelined ? "pipelined" : "unpipelined"));
        std::optional<Unpipelined> off;
        if (!pipelined) off.emplace();
        const std::string db = skill::test::stub_database(dir, pipelined ? "on" : "off");
        const Outcome failed = mixed_outcome(db, poison);
        for (const auto& r : failed.results) CHECK_FALSE(r.ok);
        // Nothing of it is visible: u holds what seed() wrote.
        CHECK(boost::json::parse(failed.after) ==
              boost::json::object{{"a", {{"n", 1}}}, {"b", {{"n", 2}}}, {"c", {{"n", 3}}}});
        // The same store (and connection) runs the next batch.
        Store store(db);
        const Seeded v{call(store, op(Kind::get, "u", "a")).version,
                       call(store, op(Kind::get, "u", "b")).version,
                       call(store, op(Kind::get, "u", "c")).version};
        const auto poisoned = [&] {
            auto ops = mixed(v);
            ops.insert(ops.begin() + 9, poison);
            return ops;
        };
        for (const auto& r : run_batch(store, poisoned())) CHECK_FALSE(r.ok);
        check_mixed(v, run_batch(store, mixed(v)));
    }
}

TEST_CASE("a connection the server dropped fails one batch; the next reconnects",
          "[batches][postgres]") {
    if (!skill::test::stub_on_postgres()) {
        SUCCEED("PostgreSQL only");
        return;
    }
    TempDir dir;
    const std::string db = skill::test::stub_database(dir);
    Store store(db);
    call(store, op(Kind::set, "u", "a", {{"n", 1}}));
    {
        // Waits (up to 5 s) until the store's server process is gone.
        PgConnection admin(db);
        admin.exec(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }
    const auto sets = [] {
        return std::vector<Operation>{op(Kind::set, "u", "a", {{"n", 2}}),
                                      op(Kind::set, "u", "b", {{"n", 3}})};
    };
    for (const auto& r : run_batch(store, sets())) CHECK_FALSE(r.ok);
    for (const auto& r : run_batch(store, sets())) {
        INFO(r.error);
        CHECK(r.ok);
    }
    CHECK(boost::json::parse(call(store, op(Kind::get, "u", "b")).data) ==
          boost::json::object{{"n", 3}});
}

TEST_CASE("two stores setting keys in opposite orders: a deadlock's victim runs again",
          "[batches][postgres]") {
    if (!skill::test::stub_on_postgres()) {
        SUCCEED("PostgreSQL only (two stores on one SQLite file are not a supported setup)");
        return;
    }
    TempDir dir;
    const std::string db = skill::test::stub_database(dir);
    Store a(db);
    Store b(db);
    for (int round = 0; round < 10; ++round) {
        const auto results = skill::test::run_batches_together(
            a, {op(Kind::set, "u", "k1", {{"a", round}}), op(Kind::set, "u", "k2", {{"a", round}})},
            b,
            {op(Kind::set, "u", "k2", {{"b", round}}), op(Kind::set, "u", "k1", {{"b", round}})});
        for (const auto& r : results) {
            INFO(r.error);
            CHECK(r.ok);
        }
    }
}

TEST_CASE("replicas starting together on a new database all find or create the schema",
          "[batches][postgres]") {
    if (!skill::test::stub_on_postgres()) {
        SUCCEED("PostgreSQL only (a SQLite file serves one stub)");
        return;
    }
    // Each start runs the schema's CREATE … IF NOT EXISTS statements. Two starts at the
    // same moment used to collide (duplicate key in pg_class): the advisory lock was
    // released before the creating transaction committed, so the second one did not see
    // the first one's objects yet. Several rounds: the window is narrow.
    constexpr int replicas = 6;
    for (int round = 0; round < 5; ++round) {
        TempDir dir;
        const std::string db = skill::test::stub_database(dir);
        std::atomic<int> ready{0};
        std::vector<std::string> errors(replicas);
        std::vector<std::thread> starts;
        for (int i = 0; i < replicas; ++i) {
            starts.emplace_back([&, i] {
                ++ready;
                while (ready.load() < replicas) std::this_thread::yield();
                try {
                    (void)open_backend(db);
                } catch (const std::exception& e) {
                    errors[i] = e.what();
                }
            });
        }
        for (auto& t : starts) t.join();
        for (const auto& e : errors) CHECK(e.empty());
    }
}
