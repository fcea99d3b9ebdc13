#pragma once
// The runtime::Settings an in-process Engine under test starts from, kept in one place so a
// new setting needs one edit: loopback, an ephemeral port (Engine::start() returns it), two
// threads, no persistence service. Tests override what they exercise.
#include "settings.hpp"  // framework/runtime/src: each test target has it on its include path

namespace skill::test {

inline runtime::Settings loopback_settings() {
    runtime::Settings s;
    s.skill.name = s.skill.id = "test";
    s.skill.api_base = "/v1/test";
    s.http.host = "127.0.0.1";
    s.http.port = 0;
    s.http.threads = 2;
    s.persistence.active = false;
    return s;
}

}  // namespace skill::test
