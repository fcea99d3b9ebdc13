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
#include <skill/testing/persistence_stub.hpp>
#include <stdexcept>
#include <string_view>
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

bool executable(const std::string& path) {
    return ::access(path.c_str(), X_OK) == 0;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// `name` as execvp would find it on PATH; empty when it is nowhere.
std::string on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const auto dir = dirs.substr(0, colon);
        const std::string candidate =
            (dir.empty() ? std::string(".") : std::string(dir)) + "/" + name;
        if (executable(candidate)) return candidate;
        if (colon == std::string_view::npos) break;
        dirs.remove_prefix(colon + 1);
    }
    return {};
}

/// The executable to start, or an error that says where it was looked for and how to
/// name it: a test that cannot find the stub should not read as a stub that crashed.
std::string located(const std::string& executable_name) {
    const bool is_path = executable_name.find('/') != std::string::npos;
    if (is_path ? executable(executable_name) : !on_path(executable_name).empty())
        return executable_name;
    throw std::runtime_error(
        "persistence-stub not found: '" + executable_name + "' is " +
        (is_path ? "not an executable file" : "not on PATH") +
        " (looked at $SKILL_PERSISTENCE_STUB, " + SKILL_TESTING_INSTALLED_STUB +
        ", PATH). Set SKILL_PERSISTENCE_STUB to the stub " +
        "executable: the SDK's CMake package names it in ${SkillSdk_PERSISTENCE_STUB}, e.g. "
        "set_tests_properties(... ENVIRONMENT "
        "SKILL_PERSISTENCE_STUB=${SkillSdk_PERSISTENCE_STUB}).");
}

}  // namespace

std::string default_stub_executable() {
    if (const char* env = std::getenv("SKILL_PERSISTENCE_STUB"); env && *env) return env;
    if (executable(SKILL_TESTING_INSTALLED_STUB)) return SKILL_TESTING_INSTALLED_STUB;
    return "persistence-stub";
}

PersistenceStub::PersistenceStub(StubOptions options) : options_(std::move(options)) {
    if (options_.executable.empty()) options_.executable = default_stub_executable();
    options_.executable = located(options_.executable);
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
    pid_ =
        spawn({options_.executable, "--host", "127.0.0.1", "--port", "0", "--db", options_.db_path},
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
    throw std::runtime_error("persistence-stub (" + options_.executable +
                             ") did not start: " + read_file(log_path));
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

std::string PersistenceStub::log() const {
    return read_file(temp_dir_ + "/stub.log");
}

std::string PersistenceStub::url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

std::string PersistenceStub::token(const std::string& user, const std::string& skill_id) const {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    const int pid = spawn({options_.executable, "--dev-token", user, skill_id}, fds[1], -1);
    ::close(fds[1]);
    std::string out;
    char buf[1024];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.empty())
        throw std::runtime_error("persistence-stub --dev-token failed");
    return out;
}

}  // namespace skill::testing
