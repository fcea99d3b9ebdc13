// skill::Function: the owning callable of the public headers (instead of std::function).
#include <skill/function.hpp>

#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

using skill::Function;

namespace {

int twice(int x) { return 2 * x; }

}  // namespace

TEST_CASE("a Function calls what it holds and is empty when it holds nothing") {
    Function<int(int)> empty;
    CHECK_FALSE(empty);
    CHECK_FALSE(Function<int(int)>(nullptr));
    Function<int(int)> from_function = twice;
    CHECK(from_function);
    CHECK(from_function(21) == 42);
    Function<int(int)> from_pointer = &twice;
    CHECK(from_pointer(2) == 4);
    int offset = 10;
    Function<int(int)> lambda = [offset](int x) { return x + offset; };
    CHECK(lambda(1) == 11);
    // The result converts to R; arguments are passed on.
    Function<std::optional<std::string>(const std::string&)> lookup =
        [](const std::string& name) -> std::optional<std::string> {
        if (name == "HOME") return "/root";
        return std::nullopt;
    };
    CHECK(lookup("HOME") == "/root");
    CHECK_FALSE(lookup("X"));
}

TEST_CASE("an empty std::function or null pointer makes an empty Function") {
    std::function<int(int)> none;
    CHECK_FALSE(Function<int(int)>(none));
    int (*null)(int) = nullptr;
    CHECK_FALSE(Function<int(int)>(null));
    std::function<int(int)> some = twice;
    CHECK(Function<int(int)>(some)(3) == 6);
}

TEST_CASE("copies are independent, moves leave the source empty") {
    int calls = 0;
    Function<int()> counter = [&calls, n = 0]() mutable {
        ++calls;
        return ++n;
    };
    CHECK(counter() == 1);
    Function<int()> copy = counter;  // copies the state: n == 1
    CHECK(copy() == 2);
    CHECK(counter() == 2);
    Function<int()> moved = std::move(counter);
    CHECK_FALSE(counter);  // NOLINT: moved-from is empty
    CHECK(moved() == 3);
    moved = nullptr;
    CHECK_FALSE(moved);
    CHECK(calls == 4);
    // A move-only state is destroyed with the Function.
    auto owned = std::make_shared<int>(5);
    std::weak_ptr<int> watch = owned;
    {
        Function<int()> holder = [p = std::move(owned)] { return *p; };
        CHECK(holder() == 5);
        CHECK_FALSE(watch.expired());
    }
    CHECK(watch.expired());
}
