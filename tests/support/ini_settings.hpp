#pragma once
// Settings from INI text in a fake environment, for the config and settings tests: one
// copy, so no test depends on (or touches) the process's environment.
#include "settings.hpp"  // framework/runtime/src: each test target has it on its include path

#include <skill/config.hpp>

#include <map>
#include <optional>
#include <string>

namespace skill::test::ini {

/// An environment holding only `vars`.
inline Config::Getenv fake_env(std::map<std::string, std::string> vars = {}) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        if (auto it = vars.find(name); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

/// load_settings for `ini` with `env` as the whole environment.
inline runtime::Settings load(const std::string& ini, std::map<std::string, std::string> env = {}) {
    return runtime::load_settings(Config::parse(ini, fake_env(std::move(env))));
}

/// The error message load_settings gives for `ini`, or "" when it succeeds.
inline std::string error_of(const std::string& ini) {
    try {
        (void)load(ini);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

}  // namespace skill::test::ini
