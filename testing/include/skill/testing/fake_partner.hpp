#pragma once
// A partner API on an ephemeral loopback port, for tests of handlers that call
// ctx.partner(...): real HTTP, canned JSON answers, every request recorded.
//
//   skill::testing::FakePartner weather;                   // listening on 127.0.0.1:<port>
//   weather.on("GET", "/current", 200, R"({"temp":21})");   // by method and path (no query)
//   skill.use_partner("weather", weather.url());            // SkillRunner
//   ... run an invocation ...
//   CHECK(weather.requests().at(0).target == "/current?city=Berlin");
//
// Unmatched requests get 404 {}. Runs its own thread; the methods are thread-safe.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace skill::testing {

class FakePartner {
public:
    struct Request {
        std::string method;  // "GET", "POST", ...
        std::string target;  // path and query, as sent
        std::map<std::string, std::string> headers;  // lower-case names
        std::string body;
        /// A header's value ("" when absent); `name` in lower case.
        std::string header(const std::string& name) const;
    };

    FakePartner();
    ~FakePartner();
    FakePartner(const FakePartner&) = delete;
    FakePartner& operator=(const FakePartner&) = delete;

    std::uint16_t port() const noexcept;
    /// http://127.0.0.1:PORT
    std::string url() const;

    /// Answer `method` on `path` (the target without its query) with `status` and `body`
    /// (JSON text), after `delay`. A later rule for the same method and path replaces it.
    void on(std::string method, std::string path, int status, std::string body = "{}",
            std::chrono::milliseconds delay = std::chrono::milliseconds(0));
    /// Every request received, in order.
    std::vector<Request> requests() const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace skill::testing
