#pragma once
// A misbehaving HTTP server for fault-injection tests: hangs, answers slowly,
// sends garbage or a canned answer, as the test says. Records every request.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <skill/net/http.hpp>
#include <string>
#include <vector>

namespace skill::test {

class FaultServer {
  public:
    enum class Mode {
        hang,     // read the request, never answer
        slow,     // the canned answer after `delay`
        garbage,  // 200 with a body that is not JSON
        canned,   // the canned answer at once
    };

    explicit FaultServer(Mode mode = Mode::canned);
    ~FaultServer();
    FaultServer(const FaultServer&) = delete;
    FaultServer& operator=(const FaultServer&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    void set_mode(Mode mode) { mode_ = mode; }
    void set_delay(std::chrono::milliseconds delay) { delay_ = delay; }
    void set_answer(int status, std::string body);
    std::vector<net::Request> requests() const;

    struct Impl;

  private:
    std::atomic<Mode> mode_;
    std::atomic<std::chrono::milliseconds> delay_{std::chrono::seconds(5)};
    mutable std::mutex mutex_;
    int status_ = 200;
    std::string body_ = "{}";
    std::vector<net::Request> requests_;
    std::uint16_t port_ = 0;
    std::unique_ptr<Impl> impl_;
};

}  // namespace skill::test
