// libFuzzer target: skill.conf text -> Config::parse -> load_settings.
// ConfigError is the expected answer to bad input; any other exception, a
// crash or a sanitizer report is a bug. The environment is a fixed fake so that
// runs are reproducible and ${NAME} / SECTION_KEY overrides are exercised.
#include "settings.hpp"

#include <skill/config.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void violated(const char* what) {
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
}

std::optional<std::string> fake_getenv(const std::string& name) {
    static const std::map<std::string, std::string> env{
        {"HTTP_PORT", "0"},
        {"HOME", "/home/fuzz"},
        {"SERVICE_PERSISTENCE_URL", "http://127.0.0.1:1555"},
        {"EMPTY", ""},
        {"SKILL_TIMEOUT", "250ms"},
        {"NESTED", "${HOME}"},
    };
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
}

void check(const skill::Config& config) {
    // get() must agree with sections(): both show values after overrides.
    for (const auto& [section, keys] : config.sections()) {
        for (const auto& [key, value] : keys) {
            auto got = config.get(section, key);
            if (!got || *got != value) violated("get() disagrees with sections()");
        }
    }
}

void check(const skill::runtime::Settings& s) {
    // The router appends "/info" and compares paths: api_base must be a path without a
    // trailing '/'.
    const auto& base = s.skill.api_base;
    if (base.empty() || base.front() != '/' || base.back() == '/')
        violated("api_base is not a path without a trailing '/'");
    if (s.skill.auth == skill::runtime::Settings::Skill::Auth::basic && s.skill.api_key.empty())
        violated("basic auth without a key");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const auto config = skill::Config::parse(text, fake_getenv);
        check(config);
        check(skill::runtime::load_settings(config));
    } catch (const skill::ConfigError& e) {
        if (std::string_view(e.what()).empty()) violated("ConfigError without a message");
    }
    return 0;
}
