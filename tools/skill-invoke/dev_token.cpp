#include "dev_token.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <vector>

namespace skill::invoke {

namespace {

/// The stub beside this program (an install's bin/, or the build tree's services/), else
/// the bare name for execvp's PATH search.
std::string stub_executable(const std::string& self) {
    std::error_code ec;
    const auto me = std::filesystem::read_symlink("/proc/self/exe", ec);
    const auto dir = ec ? std::filesystem::path(self).parent_path() : me.parent_path();
    for (const auto& candidate :
         {dir / "persistence-stub", dir / ".." / "services" / "persistence-stub"})
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    return "persistence-stub";
}

/// stdout of argv, and its exit status (-1 when it could not run).
std::pair<std::string, int> capture(std::vector<std::string> argv) {
    int fds[2];
    if (::pipe(fds) != 0) return {{}, -1};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return {{}, -1};
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string out;
    std::array<char, 4096> buffer;
    for (ssize_t n; (n = ::read(fds[0], buffer.data(), buffer.size())) > 0;)
        out.append(buffer.data(), n);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace

DevToken dev_token(const std::string& self, const std::string& user, const std::string& skill_id) {
    if (skill_id.empty()) return {std::nullopt, "no skill id: pass --skill-id"};
    const auto stub = stub_executable(self);
    auto [out, status] = capture({stub, "--dev-token", user, skill_id});
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    if (status == 127)
        return {std::nullopt,
                "cannot run " + stub + " (not beside skill-invoke, not on PATH): pass --token"};
    if (status != 0 || out.empty() || out.find('\n') != std::string::npos)
        return {std::nullopt, stub + " --dev-token " + user + " " + skill_id + " failed (exit " +
                                  std::to_string(status) + ")"};
    return {std::move(out), {}};
}

}  // namespace skill::invoke
