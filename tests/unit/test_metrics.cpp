// Metrics: the exposition parsed back line by line against the text format
// 0.0.4, histogram arithmetic, label escaping, and per-thread blocks summed
// correctly while two threads write concurrently.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "exposition.hpp"
#include "exposition_parser.hpp"
#include "metrics.hpp"

using namespace skill::runtime;
using namespace std::chrono_literals;
using skill::test::Exposition;

namespace {

RequestLabels invoke_labels(int status = 200, std::string_view intent = "HELLO") {
    return {"POST", "/v1/hello", status, intent};
}

}  // namespace

TEST_CASE("exposition parses back: TYPE before samples, histograms cumulative") {
    Metrics metrics(2, {[] { return std::size_t{7}; }, [] { return std::size_t{1}; }});
    for (unsigned thread : {0u, 0u, 1u}) metrics.request_started(thread);
    metrics.request_finished(0, invoke_labels(), 3ms);
    metrics.request_finished(0, invoke_labels(), 20s);  // beyond the last bound: +Inf only
    metrics.request_finished(1, invoke_labels(504), 5s);
    metrics.request_started(1);  // still in progress
    metrics.partner_call(1, {"persistence", "get", "200"}, 2ms);
    metrics.partner_call(0, {"persistence", "get", "timeout"}, 150ms);
    metrics.unavailable_answer(0);

    Exposition e(metrics.render());
    e.check_histograms();
    CHECK(e.types.at("http_server_requests_seconds") == "histogram");
    CHECK(e.types.at("http_partner_request_count") == "counter");
    CHECK(e.types.at("http_requests_latency_seconds") == "histogram");
    CHECK(e.types.at("http_server_requests_in_progress") == "gauge");

    std::map<std::string, std::string> ok{
        {"method", "POST"}, {"uri", "/v1/hello"}, {"status", "200"}, {"intent", "HELLO"}};
    CHECK(e.value("http_server_requests_seconds_count", ok) == 2);
    CHECK(e.value("http_server_requests_seconds_sum", ok) == Approx(20.003));
    auto le = [&](const char* bound) {
        auto labels = ok;
        labels["le"] = bound;
        return e.value("http_server_requests_seconds_bucket", labels);
    };
    CHECK(le("0.001") == 0);
    CHECK(le("0.0025") == 0);
    CHECK(le("0.005") == 1);
    CHECK(le("10") == 1);
    CHECK(le("+Inf") == 2);
    CHECK(e.value("http_server_requests_seconds_count", {{"status", "504"}}) == 1);
    CHECK(e.value("http_server_requests_in_progress") == 1);
    CHECK(e.value("http_server_connections_open") == 7);
    CHECK(e.value("skill_circuit_breakers_open") == 1);
    CHECK(e.value("skill_unavailable_answers_total") == 1);
    CHECK(e.value("http_partner_request_count", {{"operation", "get"}, {"status", "200"}}) == 1);
    CHECK(e.value("http_partner_request_count", {{"status", "timeout"}}) == 1);
    CHECK(e.value("http_requests_latency_seconds_count", {{"status", "timeout"}}) == 1);
}

TEST_CASE("a value on a bucket bound falls into that bucket (le is inclusive)") {
    Metrics metrics(1);
    metrics.request_finished(0, invoke_labels(), 1ms);
    Exposition e(metrics.render());
    CHECK(e.value("http_server_requests_seconds_bucket", {{"le", "0.001"}}) == 1);
}

TEST_CASE("an empty registry still declares every family") {
    Metrics metrics(1);
    Exposition e(metrics.render());
    e.check_histograms();
    CHECK(e.types.size() == 7);
    CHECK(e.find("http_server_requests_seconds_count").empty());
    CHECK(e.value("http_server_requests_in_progress") == 0);
}

TEST_CASE("label values are escaped") {
    std::string labels;
    prometheus::append_label(labels, "a", "x\"y\\z\nw");
    prometheus::append_label(labels, "b", "");
    CHECK(labels == R"(a="x\"y\\z\nw",b="")");

    Metrics metrics(1);
    metrics.request_finished(0, {"POST", "/v1/x", 200, "A\"B\\C\nD"}, 1ms);
    Exposition e(metrics.render());
    CHECK(e.value("http_server_requests_seconds_count", {{"intent", "A\"B\\C\nD"}}) == 1);
}

TEST_CASE("numbers: integers plain, doubles shortest, infinities spelled") {
    std::string out;
    prometheus::append_number(out, 0.0025);
    out += ' ';
    prometheus::append_number(out, 10.0);
    out += ' ';
    prometheus::append_number(out, INFINITY);
    out += ' ';
    prometheus::append_number(out, -INFINITY);
    out += ' ';
    prometheus::append_number(out, NAN);
    CHECK(out == "0.0025 10 +Inf -Inf NaN");
    std::string help;
    prometheus::append_header(help, "m", "gauge", "a\\b\nc");
    CHECK(help == "# HELP m a\\\\b\\nc\n# TYPE m gauge\n");
}

TEST_CASE("per-thread blocks sum correctly under concurrent load, scraped meanwhile") {
    constexpr int per_thread = 20'000;
    Metrics metrics(2);
    std::atomic<bool> done{false};
    auto writer = [&](unsigned thread) {
        for (int i = 0; i < per_thread; ++i) {
            metrics.request_started(thread);
            auto intent = i % 2 ? "A" : "B";
            metrics.request_finished(thread, invoke_labels(200, intent),
                                     std::chrono::microseconds(i));
            metrics.partner_call(thread, {"persistence", "set", "200"}, 1ms);
        }
    };
    std::thread scraper([&] {
        // Every intermediate exposition is well-formed too.
        for (int i = 0; i < 50 && !done; ++i) Exposition(metrics.render()).check_histograms();
    });
    std::thread a(writer, 0u), b(writer, 1u);
    a.join();
    b.join();
    done = true;
    scraper.join();

    Exposition e(metrics.render());
    e.check_histograms();
    CHECK(e.value("http_server_requests_seconds_count", {{"intent", "A"}}) == per_thread);
    CHECK(e.value("http_server_requests_seconds_count", {{"intent", "B"}}) == per_thread);
    CHECK(e.value("http_partner_request_count") == 2 * per_thread);
    CHECK(e.value("http_server_requests_in_progress") == 0);
    // sum of 0..n-1 microseconds, twice (two threads)
    double expected = 2.0 * (per_thread - 1) * per_thread / 2 * 1e-6;
    double sum = e.value("http_server_requests_seconds_sum", {{"intent", "A"}}) +
                 e.value("http_server_requests_seconds_sum", {{"intent", "B"}});
    CHECK(sum == Approx(expected));
}
