// An acknowledged write survives kill -9: run the built persistence-stub as a
// child process, write, SIGKILL it, restart it on the same file, read back.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jwt.hpp"
#include "stub_database.hpp"
#include "temp_dir.hpp"
#include "test_http.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;

using skill::test::TempDir;

namespace {

/// Reads one line from `fd`, waiting at most 10 s for each chunk.
std::optional<std::string> read_line(int fd, std::string& pending) {
    for (;;) {
        if (const auto nl = pending.find('\n'); nl != std::string::npos) {
            std::string line = pending.substr(0, nl);
            pending.erase(0, nl + 1);
            return line;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 10'000) <= 0) return std::nullopt;
        char buf[4096];
        const auto n = ::read(fd, buf, sizeof buf);
        if (n <= 0) return std::nullopt;
        pending.append(buf, static_cast<std::size_t>(n));
    }
}

/// The `persistence-stub` executable as a child on an ephemeral port.
class StubProcess {
  public:
    explicit StubProcess(const std::string& db) {
        const std::string binary = skill::test::built_binary("services/persistence-stub");
        std::vector<std::string> args = {binary, "--port", "0", "--db", db};
        std::vector<std::string> env = {"LOG_LEVEL=info", "LOG_FORMAT=json"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);

        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::dup2(fds[1], STDERR_FILENO);
            ::close(fds[0]);
            ::close(fds[1]);
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        ::close(fds[1]);
        stderr_ = fds[0];
        port_ = wait_for_port();
    }

    ~StubProcess() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (stderr_ >= 0) ::close(stderr_);
    }

    std::uint16_t port() const { return port_; }

    /// Send `signal` and return the exit status (or 128 + signal when killed).
    int stop(int signal) {
        ::kill(pid_, signal);
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

  private:
    /// The "listening" log line carries the bound port as a JSON field.
    std::uint16_t wait_for_port() {
        std::string pending;
        while (auto line = read_line(stderr_, pending)) {
            if (line->find("\"listening\"") == std::string::npos) continue;
            const auto v = json::parse(*line);
            return static_cast<std::uint16_t>(v.at("port").to_number<int>());
        }
        FAIL("persistence-stub did not report a listening port");
        return 0;
    }

    pid_t pid_ = -1;
    int stderr_ = -1;
    std::uint16_t port_ = 0;
};

std::string auth() {
    return "Authorization: Bearer " + skill::stub::make_dev_token("anna", "hello") + "\r\n";
}

}  // namespace

TEST_CASE("acknowledged writes survive SIGKILL", "[stub][durability]") {
    TempDir dir;
    // SQLite: the file's missing parent is created. PostgreSQL: a fresh database.
    const std::string db = skill::test::stub_on_postgres()
                               ? skill::test::stub_database(dir)
                               : (dir.path / "nested" / "persistence.db").string();
    constexpr int writes = 20;
    {
        StubProcess stub(db);
        skill::test::RawClient c(stub.port());
        for (int i = 0; i < writes; ++i) {
            const auto r = c.request("POST", "/v1/persistence/entry?replace=false",
                                     R"({"data":{"k)" + std::to_string(i) + R"(":true}})", auth());
            REQUIRE(r.status == 200);
        }
        CHECK(stub.stop(SIGKILL) == 128 + SIGKILL);  // no chance to flush anything now
    }
    StubProcess restarted(db);
    const auto r = skill::test::http_request(restarted.port(), "GET", "/v1/persistence/entry/data",
                                             {}, auth());
    REQUIRE(r.status == 200);
    const auto data = json::parse(r.body).as_object();
    CHECK(data.size() == static_cast<std::size_t>(writes));
    for (int i = 0; i < writes; ++i) CHECK(data.contains("k" + std::to_string(i)));
    CHECK(restarted.stop(SIGTERM) == 0);  // a graceful stop exits 0
}

TEST_CASE("--dev-token prints a token the stub accepts", "[stub][durability]") {
    const std::string binary = skill::test::built_binary("services/persistence-stub");
    const std::string command = binary + " --dev-token anna hello --jwt-secret k";
    FILE* out = ::popen(command.c_str(), "r");
    REQUIRE(out != nullptr);
    char buf[1024] = {};
    const std::string token(buf, std::fread(buf, 1, sizeof buf - 1, out));
    CHECK(::pclose(out) == 0);
    REQUIRE(!token.empty());
    CHECK(token.back() == '\n');
    const auto who = skill::stub::JwtVerifier(std::string("k"))
                         .verify(std::string_view(token).substr(0, token.size() - 1));
    REQUIRE(who);
    CHECK(who.identity->user == "anna");
    CHECK(who.identity->skill == "hello");
}
