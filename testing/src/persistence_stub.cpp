#include <skill/testing/persistence_stub.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace skill::testing {

namespace {

/// fork + exec `argv`; `stdout_fd`/`stderr_fd` (when >= 0) become the child's stdout/stderr.
int spawn(std::vector<std::string> argv, int stdout_fd, int stderr_fd) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const int pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (stdout_fd >= 0) ::dup2(stdout_fd, STDOUT_FILENO);
        if (stderr_fd >= 0) ::dup2(stderr_fd, STDERR_FILENO);
        ::setenv("LOG_FORMAT", "json", 1);  // the port is read from the JSON "listening" line
        ::execvp(args[0], args.data());
        std::perror(args[0]);
        ::_exit(127);
    }
    return pid;
}

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::string default_stub_executable() {
    if (const char* env = std::getenv("SKILL_PERSISTENCE_STUB"); env && *env) return env;
    if (executable(SKILL_TESTING_INSTALLED_STUB)) return SKILL_TESTING_INSTALLED_STUB;
    return "persistence-stub";
}

PersistenceStub::PersistenceStub(StubOptions options) : options_(std::move(options)) {
    if (options_.executable.empty()) options_.executable = default_stub_executable();
    std::string pattern = (std::filesystem::temp_directory_path() / "skill-stub-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    temp_dir_ = pattern;
    if (options_.db_path.empty()) options_.db_path = temp_dir_ + "/persistence.db";
    start();
}

PersistenceStub::~PersistenceStub() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
}

void PersistenceStub::start() {
    // A file, not a pipe: nobody has to keep reading it while the tests run.
    const std::string log_path = temp_dir_ + "/stub.log";
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd < 0) throw std::runtime_error("cannot create " + log_path);
    pid_ = spawn({options_.executable, "--host", "127.0.0.1", "--port", "0", "--db", options_.db_path},
                 -1, log_fd);
    ::close(log_fd);
    static const std::regex listening(R"re("message":"listening".*"port":(\d+))re");
    const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string log = read_file(log_path);
        std::smatch m;
        if (std::regex_search(log, m, listening)) {
            port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
            return;
        }
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error("persistence-stub (" + options_.executable + ") did not start: " +
                             read_file(log_path));
}

void PersistenceStub::stop() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
}

void PersistenceStub::restart() {
    stop();
    start();
}

std::string PersistenceStub::log() const { return read_file(temp_dir_ + "/stub.log"); }

std::string PersistenceStub::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string PersistenceStub::token(const std::string& user, const std::string& skill_id) const {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const int pid = spawn({options_.executable, "--dev-token", user, skill_id}, fds[1], -1);
    ::close(fds[1]);
    std::string out;
    char buf[1024];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.empty())
        throw std::runtime_error("persistence-stub --dev-token failed");
    return out;
}

}  // namespace skill::testing
