// Several persistence-stub processes on ONE PostgreSQL database, as replicas
// behind a Service: conditional read-modify-write loops through different
// replicas lose no update, and kill -9 of a replica in the middle of a load loses
// no write it acknowledged. PostgreSQL only (`test_stub_replicas_pg`): a SQLite
// file belongs to one stub process, so the SQLite run says so and passes nothing.
#include <signal.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "jwt.hpp"
#include "process.hpp"
#include "stub_database.hpp"
#include "test_http.hpp"

namespace json = boost::json;
using skill::test::ChildProcess;
using skill::test::TempDir;

namespace {

constexpr std::string_view entry = "/v1/persistence/entry";
constexpr std::string_view data = "/v1/persistence/entry/data";

std::string auth() {
    return "Authorization: Bearer " + skill::stub::make_dev_token("anna", "hello") + "\r\n";
}

/// A `persistence-stub --db <uri>` child on an ephemeral port.
struct Replica {
    std::unique_ptr<ChildProcess> process;
    std::uint16_t port = 0;

    explicit Replica(const std::string& db) {
        process = std::make_unique<ChildProcess>(
            std::vector<std::string>{skill::test::built_binary("services/persistence-stub"),
                                     "--port", "0", "--threads", "2", "--db", db},
            std::map<std::string, std::string>{{"LOG_LEVEL", "info"}, {"LOG_FORMAT", "json"}});
        port = process->wait_for_port();
    }
};

/// Whether this run has PostgreSQL; says why not otherwise.
bool on_postgres() {
    if (skill::test::stub_on_postgres()) return true;
    WARN("PostgreSQL only: run as test_stub_replicas_pg (a SQLite file has one stub process)");
    return false;
}

/// One conditional increment of {"count": n} through `port`, retried on 412.
/// Returns the number of 412s it met.
int increment(std::uint16_t port) {
    for (int conflicts = 0;; ++conflicts) {
        const auto read = skill::test::http_request(port, "GET", data, {}, auth());
        std::int64_t count = 0;
        std::string condition = "If-None-Match: *\r\n";
        if (read.status == 200) {
            count = json::parse(read.body).at("count").to_number<std::int64_t>();
            condition = "If-Match: " + read.header("etag") + "\r\n";
        } else {
            REQUIRE(read.status == 404);
        }
        const auto wrote = skill::test::http_request(
            port, "POST", entry, R"({"data":{"count":)" + std::to_string(count + 1) + "}}",
            auth() + condition);
        if (wrote.status == 200) return conflicts;
        REQUIRE(wrote.status == 412);
    }
}

}  // namespace

TEST_CASE("two replicas with conditional retry loops lose no increment", "[stub][replicas]") {
    if (!on_postgres()) return;
    TempDir dir;
    const std::string db = skill::test::stub_database(dir);
    Replica a(db);
    Replica b(db);
    constexpr int per_replica = 25;
    std::atomic<int> conflicts{0};
    std::vector<std::thread> clients;
    for (const std::uint16_t port : {a.port, b.port, a.port, b.port}) {
        clients.emplace_back([&, port] {
            for (int i = 0; i < per_replica / 2 + (port == a.port ? 1 : 0); ++i)
                conflicts += increment(port);
        });
    }
    for (auto& t : clients) t.join();
    // 2 clients x 13 on a, 2 x 12 on b: 50 increments in all.
    const auto read = skill::test::http_request(b.port, "GET", data, {}, auth());
    REQUIRE(read.status == 200);
    CHECK(json::parse(read.body).at("count").to_number<std::int64_t>() == 2 * per_replica);
    INFO("412s retried: " << conflicts.load());
    CHECK(conflicts.load() > 0);  // the replicas did race (else this proves little)
}

TEST_CASE("kill -9 of a replica under load loses no acknowledged write", "[stub][replicas]") {
    if (!on_postgres()) return;
    TempDir dir;
    const std::string db = skill::test::stub_database(dir);
    auto victim = std::make_unique<Replica>(db);
    Replica survivor(db);

    // Writers merge distinct keys into one entry through the victim as fast as it
    // answers; each remembers the keys acknowledged with 200.
    std::mutex mutex;
    std::set<std::string> acknowledged;
    std::atomic<bool> stop{false};
    std::atomic<int> sent{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
        writers.emplace_back([&, w, port = victim->port] {
            for (int i = 0; !stop; ++i) {
                const std::string key = "w" + std::to_string(w) + "_" + std::to_string(i);
                ++sent;
                try {
                    const auto r = skill::test::http_request(
                        port, "POST", std::string(entry) + "?replace=false",
                        R"({"data":{")" + key + R"(":true}})", auth());
                    if (r.status != 200) return;
                    std::lock_guard lock(mutex);
                    acknowledged.insert(key);
                } catch (const std::exception&) {
                    return;  // the connection died with the replica
                }
            }
        });
    }
    while (sent < 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    victim->process->signal(SIGKILL);  // requests in flight: some acknowledged, some not
    stop = true;
    for (auto& t : writers) t.join();
    victim.reset();

    const auto read = skill::test::http_request(survivor.port, "GET", data, {}, auth());
    REQUIRE(read.status == 200);
    const auto stored = json::parse(read.body).as_object();
    std::lock_guard lock(mutex);
    REQUIRE(acknowledged.size() >= 100);
    std::size_t lost = 0;
    for (const auto& key : acknowledged) lost += stored.contains(key) ? 0 : 1;
    CHECK(lost == 0);
    // A replica started now serves the same data.
    Replica restarted(db);
    const auto again = skill::test::http_request(restarted.port, "GET", data, {}, auth());
    CHECK(json::parse(again.body).as_object().size() == stored.size());
}
