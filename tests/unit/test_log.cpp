// skill::log: JSON and human line formats, escaping, levels, token masking.
#include <skill/log.hpp>

#include <catch2/catch.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <regex>
#include <string>

#include <unistd.h>

namespace slog = skill::log;  // not "log": that is ::log from <cmath>
using slog::Format;
using slog::Level;

namespace {

boost::json::object parse_object(const std::string& line) {
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    INFO(line);
    REQUIRE_FALSE(ec);
    REQUIRE(value.is_object());
    return value.as_object();
}

std::string str(const boost::json::object& obj, std::string_view key) {
    return std::string(obj.at(key).as_string());
}

// Restores the global configuration whatever a test did to it.
struct LevelGuard {
    Level saved = slog::level();
    ~LevelGuard() { slog::configure(saved, Format::json); }
};

}  // namespace

TEST_CASE("a JSON line parses back, with the keys in order") {
    const auto line = slog::format_line(
        Format::json, Level::info, "hello", "stored name",
        {{"traceId", std::string_view("abc")}, {"count", std::int64_t{42}}, {"ratio", 0.5},
         {"ok", true}});
    CHECK(line.find('\n') == std::string::npos);
    const auto obj = parse_object(line);
    std::vector<std::string> keys;
    for (const auto& kv : obj) keys.emplace_back(kv.key());
    CHECK(keys == std::vector<std::string>{"@timestamp", "level", "logger", "message", "traceId",
                                           "count", "ratio", "ok"});
    CHECK(str(obj, "level") == "INFO");
    CHECK(str(obj, "logger") == "hello");
    CHECK(str(obj, "message") == "stored name");
    CHECK(str(obj, "traceId") == "abc");
    CHECK(obj.at("count").as_int64() == 42);
    CHECK(obj.at("ratio").as_double() == 0.5);
    CHECK(obj.at("ok").as_bool());
    const std::string ts(obj.at("@timestamp").as_string());
    CHECK(std::regex_match(ts, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

TEST_CASE("level names") {
    const auto level_of = [](Level l) {
        return std::string(parse_object(slog::format_line(Format::json, l, "l", "m", {}))
                               .at("level").as_string());
    };
    CHECK(level_of(Level::debug) == "DEBUG");
    CHECK(level_of(Level::info) == "INFO");
    CHECK(level_of(Level::warning) == "WARN");
    CHECK(level_of(Level::error) == "ERROR");
}

TEST_CASE("JSON escaping of quotes, backslashes, newlines, control chars and unicode") {
    const std::string nasty = "say \"hi\"\\ \n\r\t\b\f \x01\x1f\x7f end";
    const std::string unicode = "Grüße 日本 🎉";
    const auto line = slog::format_line(Format::json, Level::info, "lo\"gger", nasty,
                                       {{"u", std::string_view(unicode)},
                                        {"k\"ey", std::string_view(nasty)}});
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
    const auto obj = parse_object(line);
    CHECK(str(obj, "logger") == "lo\"gger");
    CHECK(str(obj, "message") == nasty);
    CHECK(str(obj, "u") == unicode);
    CHECK(str(obj, "k\"ey") == nasty);
}

TEST_CASE("invalid UTF-8 is replaced, so the line stays valid JSON") {
    const std::string bad = "a\xff" "b\xc3";  // stray byte, truncated sequence
    const auto obj = parse_object(slog::format_line(Format::json, Level::info, "l", bad, {}));
    CHECK(str(obj, "message") == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

TEST_CASE("non-finite doubles become null") {
    const auto obj = parse_object(slog::format_line(
        Format::json, Level::info, "l", "m", {{"x", std::numeric_limits<double>::infinity()}}));
    CHECK(obj.at("x").is_null());
}

TEST_CASE("human format") {
    const auto line = slog::format_line(
        Format::human, Level::info, "hello", "stored name",
        {{"key", std::string_view("value")}, {"key2", std::string_view("quoted value")},
         {"n", std::int64_t{7}}, {"empty", std::string_view("")}, {"flag", false}});
    const std::regex shape(
        R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  hello: stored name )"
        R"(key=value key2="quoted value" n=7 empty="" flag=false)");
    CHECK(std::regex_match(line, shape));
}

TEST_CASE("human format pads the level and escapes line breaks") {
    const auto line = slog::format_line(Format::human, Level::error, "x", "two\nlines",
                                       {{"v", std::string_view("a\"b\nc")}});
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find(" ERROR x: two\\nlines v=\"a\\\"b\\nc\"") != std::string::npos);
    const auto warn = slog::format_line(Format::human, Level::warning, "x", "m", {});
    CHECK(warn.find(" WARN  x: m") != std::string::npos);
}

TEST_CASE("parse_level and parse_format") {
    CHECK(slog::parse_level("debug") == Level::debug);
    CHECK(slog::parse_level("INFO") == Level::info);
    CHECK(slog::parse_level("Warning") == Level::warning);
    CHECK(slog::parse_level("warn") == Level::warning);
    CHECK(slog::parse_level("error") == Level::error);
    CHECK(slog::parse_level("off") == Level::off);
    CHECK_FALSE(slog::parse_level("verbose"));
    CHECK_FALSE(slog::parse_level(""));
    CHECK_FALSE(slog::parse_level("info "));
    CHECK(slog::parse_format("json") == Format::json);
    CHECK(slog::parse_format("HUMAN") == Format::human);
    CHECK_FALSE(slog::parse_format("xml"));
}

TEST_CASE("mask_token never reveals more than 4 characters") {
    const std::string token = "eyJhbGciOiJSUzI1NiJ9.payload.signature";
    const auto masked = slog::mask_token(token);
    CHECK(masked == "eyJh\xE2\x80\xA6(" + std::to_string(token.size()) + " chars)");
    CHECK(masked.find(token.substr(0, 5)) == std::string::npos);
    CHECK(masked.find("payload") == std::string::npos);
    CHECK(slog::mask_token("short") == "***");
    CHECK(slog::mask_token("elevenchars") == "***");
    CHECK(slog::mask_token("") == "***");
    CHECK(slog::mask_token("twelve-chars").substr(0, 4) == "twel");
    CHECK(slog::mask_token("twelve-chars").find("twelve") == std::string::npos);
}

TEST_CASE("level filtering via enabled()") {
    LevelGuard guard;
    CHECK(slog::level() == Level::info);  // the default
    CHECK_FALSE(slog::enabled(Level::debug));
    CHECK(slog::enabled(Level::info));
    CHECK(slog::enabled(Level::error));

    slog::configure(Level::warning, Format::json);
    CHECK_FALSE(slog::enabled(Level::info));
    CHECK(slog::enabled(Level::warning));
    CHECK(slog::enabled(Level::error));

    slog::configure(Level::debug, Format::human);
    CHECK(slog::enabled(Level::debug));
    CHECK_FALSE(slog::enabled(Level::off));

    slog::configure(Level::off, Format::json);
    CHECK_FALSE(slog::enabled(Level::error));
    CHECK_FALSE(slog::enabled(Level::off));
}

TEST_CASE("write() emits one line on stderr, only when the level is enabled") {
    LevelGuard guard;
    // Point fd 2 at a temporary file for the duration of the test.
    char path[] = "/tmp/test_log_XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const int saved = ::dup(2);
    ::dup2(fd, 2);
    slog::configure(Level::info, Format::json);
    slog::debug("t", "hidden");
    slog::info("t", "shown", {{"n", std::int64_t{1}}});
    slog::configure(Level::error, Format::human);
    slog::warning("t", "hidden too");
    ::dup2(saved, 2);
    ::close(saved);

    std::string text(4096, '\0');
    const auto n = ::pread(fd, text.data(), text.size(), 0);
    ::close(fd);
    ::unlink(path);
    REQUIRE(n > 0);
    text.resize(static_cast<std::size_t>(n));
    REQUIRE(text.back() == '\n');
    text.pop_back();
    CHECK(text.find('\n') == std::string::npos);
    const auto obj = parse_object(text);
    CHECK(str(obj, "message") == "shown");
    CHECK(obj.at("n").as_int64() == 1);
}

namespace {

// Points fd 2 at a temporary file while alive; text() reads what was written so far.
class Fd2File {
  public:
    Fd2File() {
        fd_ = ::mkstemp(path_);
        REQUIRE(fd_ >= 0);
        saved_ = ::dup(2);
        ::dup2(fd_, 2);
    }
    ~Fd2File() {
        ::dup2(saved_, 2);
        ::close(saved_);
        ::close(fd_);
        ::unlink(path_);
    }
    std::string text() const {
        std::string out(1 << 16, '\0');
        const auto n = ::pread(fd_, out.data(), out.size(), 0);
        out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return out;
    }

  private:
    char path_[32] = "/tmp/test_log_XXXXXX";
    int fd_ = -1, saved_ = -1;
};

int g_scheduled = 0;
void count_schedule(void* counter) { ++*static_cast<int*>(counter); }

}  // namespace

TEST_CASE("batched lines wait for flush(); a warning flushes them first, in order") {
    LevelGuard guard;
    slog::configure(Level::info, Format::json);
    Fd2File out;
    g_scheduled = 0;
    slog::batch_thread_lines(&count_schedule, &g_scheduled);
    slog::info("t", "one");
    slog::info("t", "two");
    CHECK(out.text().empty());
    CHECK(g_scheduled == 1);  // once per batch, not per line
    slog::flush();
    const auto first = out.text();
    CHECK(first.find("\"one\"") < first.find("\"two\""));
    CHECK(std::count(first.begin(), first.end(), '\n') == 2);

    slog::info("t", "three");
    CHECK(g_scheduled == 2);
    slog::warning("t", "four");  // no waiting for a warning
    const auto second = out.text();
    CHECK(second.find("\"three\"") < second.find("\"four\""));
    slog::batch_thread_lines(nullptr, nullptr);
    slog::info("t", "five");  // write-through again
    CHECK(out.text().find("\"five\"") != std::string::npos);
}

TEST_CASE("escaping finds a special byte at every position of a word") {
    for (std::size_t len = 1; len <= 24; ++len) {
        for (std::size_t at = 0; at < len; ++at) {
            for (char special : {'"', '\\', '\n', '\x01', '\x1f', '\x7f'}) {
                std::string value(len, 'a');
                value[at] = special;
                const auto obj = parse_object(
                    slog::format_line(Format::json, Level::info, "t", "m", {{"v", value}}));
                CHECK(str(obj, "v") == value);
            }
        }
    }
    std::string high(20, 'b');
    high[13] = '\xC3';
    high[14] = '\xA9';  // é
    const auto obj = parse_object(slog::format_line(Format::json, Level::info, "t", "m", {{"v", high}}));
    CHECK(str(obj, "v") == high);
}

TEST_CASE("doubles: millisecond values and others are written as to_chars writes them") {
    for (double d : {0.0, 0.001, 0.1, 0.12, 0.123, 1.0, 1.5, 12.25, 999.999, 1234567.891, 0.0005,
                     1e-7, 3.14159, 1e15, 2.5e12, -1.5, 0.30000000000000004}) {
        char expected[64];
        const auto [end, ec] = std::to_chars(expected, expected + sizeof expected, d);
        const auto line = slog::format_line(Format::json, Level::info, "t", "m", {{"d", d}});
        INFO(d);
        CHECK(line.find("\"d\":" + std::string(expected, end) + "}") != std::string::npos);
    }
}
