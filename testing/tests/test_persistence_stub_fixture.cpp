// The PersistenceStub fixture: it starts the stub it is told to, and when it cannot find
// one, its error says where it looked and which variable names the stub.
#include <cstdlib>
#include <skill/testing/catch.hpp>
#include <skill/testing/testing.hpp>
#include <stdexcept>
#include <string>

using namespace skill::testing;

namespace {

std::string start_error(StubOptions options) {
    try {
        PersistenceStub stub(std::move(options));
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("PersistenceStub starts the stub named by SKILL_PERSISTENCE_STUB") {
    REQUIRE(std::getenv("SKILL_PERSISTENCE_STUB") != nullptr);  // set by CTest
    CHECK(default_stub_executable() == std::getenv("SKILL_PERSISTENCE_STUB"));
    PersistenceStub stub;
    CHECK(stub.port() != 0);
}

TEST_CASE("PersistenceStub names SKILL_PERSISTENCE_STUB when the stub is not found") {
    const auto missing_file = start_error({.executable = "/nonexistent/bin/persistence-stub"});
    CHECK(missing_file.find("'/nonexistent/bin/persistence-stub' is not an executable file") !=
          std::string::npos);
    CHECK(missing_file.find("Set SKILL_PERSISTENCE_STUB") != std::string::npos);

    const auto not_on_path = start_error({.executable = "no-such-persistence-stub-on-path"});
    CHECK(not_on_path.find("is not on PATH") != std::string::npos);
    CHECK(not_on_path.find("Set SKILL_PERSISTENCE_STUB") != std::string::npos);
}
