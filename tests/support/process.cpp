#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace skill::test {

namespace {
std::vector<char*> c_strings(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}
}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv, std::map<std::string, std::string> env) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    std::vector<std::string> envs;
    for (char** e = environ; *e; ++e) {
        std::string entry(*e);
        if (!env.count(entry.substr(0, entry.find('=')))) envs.push_back(entry);
    }
    for (auto& [k, v] : env) envs.push_back(k + "=" + v);
    auto args = c_strings(argv);
    auto envp = c_strings(envs);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        ::dup2(fds[1], 2);
        ::close(fds[0]);
        ::close(fds[1]);
        ::execve(args[0], args.data(), envp.data());
        std::perror("execve");
        ::_exit(127);
    }
    ::close(fds[1]);
    stderr_fd_ = fds[0];
    ::fcntl(stderr_fd_, F_SETFL, O_NONBLOCK);
}

ChildProcess::~ChildProcess() {
    if (!exited_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

void ChildProcess::pump(std::chrono::milliseconds timeout) {
    pollfd p{stderr_fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return;
    char buf[4096];
    for (;;) {
        auto n = ::read(stderr_fd_, buf, sizeof buf);
        if (n <= 0) return;
        output_.append(buf, static_cast<std::size_t>(n));
    }
}

std::uint16_t ChildProcess::wait_for_port(std::chrono::milliseconds timeout) {
    static const std::regex listening(R"re("message":"listening".*"port":(\d+))re");
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        pump(std::chrono::milliseconds(50));
        std::smatch m;
        if (std::regex_search(output_, m, listening)) return static_cast<std::uint16_t>(std::stoi(m[1]));
        int status;
        if (!exited_ && ::waitpid(pid_, &status, WNOHANG) == pid_) {
            exited_ = true;
            status_ = status;
            throw std::runtime_error("child exited before listening: " + output_);
        }
    }
    throw std::runtime_error("child did not log its port in time: " + output_);
}

void ChildProcess::signal(int sig) {
    if (!exited_) ::kill(pid_, sig);
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exited_ && std::chrono::steady_clock::now() < deadline) {
        pump(std::chrono::milliseconds(20));
        if (::waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    }
    if (!exited_) throw std::runtime_error("child did not exit in time");
    pump(std::chrono::milliseconds(0));
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
}

std::string ChildProcess::output() {
    pump(std::chrono::milliseconds(0));
    return output_;
}

std::string run_and_capture(const std::vector<std::string>& argv) {
    std::string cmd;
    for (auto& a : argv) cmd += "'" + a + "' ";
    std::FILE* f = ::popen(cmd.c_str(), "r");
    if (!f) throw std::runtime_error("popen failed");
    std::string out;
    char buf[512];
    while (auto n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
    ::pclose(f);
    return out;
}

}  // namespace skill::test
