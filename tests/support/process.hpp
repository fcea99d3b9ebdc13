#pragma once
// Start a built executable as a child process for end-to-end tests, read the
// port it logged, signal it, and collect its exit status.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace skill::test {

class ChildProcess {
public:
    /// Starts `argv[0]` with `env` added to the environment; stderr is captured.
    ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env = {});
    ~ChildProcess();  // SIGKILL if still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    /// Waits for a stderr line containing `"port":N` after `"message":"listening"`; returns N.
    std::uint16_t wait_for_port(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    void signal(int sig);
    /// Waits for exit; returns the exit code, or 128 + signal number.
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    /// Everything written to stderr so far.
    std::string output();
    int pid() const noexcept { return pid_; }

private:
    void pump(std::chrono::milliseconds timeout);
    int pid_ = -1;
    int stderr_fd_ = -1;
    std::string output_;
    bool exited_ = false;
    int status_ = 0;
};

/// Run a command to completion, returning its stdout (for --list-intents, --dev-token).
std::string run_and_capture(const std::vector<std::string>& argv);

}  // namespace skill::test
