#pragma once
// A fresh directory under the system temp dir, removed with everything in it.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace skill::test {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "skill-test-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    /// Path of `name` inside the directory.
    std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace skill::test
