#pragma once
// Catch2 matchers for replies, and readable failure output (the reply's JSON body).
//
//   CHECK_THAT(reply, IsAskFreetext() && SaysText("Oh, we haven't met yet. What's your name?"));
//   CHECK_THAT(reply, HasCard("Hello") && HasSessionAttribute("turn", "2"));
//   CHECK_THAT(reply, IsError(3));
#include <skill/testing/reply.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string>

namespace skill::testing {

/// The answer is a response (200, not an error body) of the given type.
class TypeMatcher : public Catch::MatcherBase<Reply> {
public:
    explicit TypeMatcher(ResponseType type) : type_(type) {}
    bool match(const Reply& reply) const override;
    std::string describe() const override;

private:
    ResponseType type_;
};

/// The response text equals `text` (or, with `contains`, includes it).
class TextMatcher : public Catch::MatcherBase<Reply> {
public:
    TextMatcher(std::string text, bool contains) : text_(std::move(text)), contains_(contains) {}
    bool match(const Reply& reply) const override;
    std::string describe() const override;

private:
    std::string text_;
    bool contains_;
};

/// The response has a card (with this title, when one is given).
class CardMatcher : public Catch::MatcherBase<Reply> {
public:
    explicit CardMatcher(std::optional<std::string> title) : title_(std::move(title)) {}
    bool match(const Reply& reply) const override;
    std::string describe() const override;

private:
    std::optional<std::string> title_;
};

/// The response's session attributes hold `key` (with this value, when one is given).
class SessionAttributeMatcher : public Catch::MatcherBase<Reply> {
public:
    SessionAttributeMatcher(std::string key, std::optional<std::string> value)
        : key_(std::move(key)), value_(std::move(value)) {}
    bool match(const Reply& reply) const override;
    std::string describe() const override;

private:
    std::string key_;
    std::optional<std::string> value_;
};

/// An error body with this protocol code (1 no handler, 2 token, 3 bad request, 4 timeout,
/// 999 internal).
class ErrorMatcher : public Catch::MatcherBase<Reply> {
public:
    explicit ErrorMatcher(int code) : code_(code) {}
    bool match(const Reply& reply) const override;
    std::string describe() const override;

private:
    int code_;
};

inline TypeMatcher IsTell() { return TypeMatcher(ResponseType::tell); }
inline TypeMatcher IsAsk() { return TypeMatcher(ResponseType::ask); }
inline TypeMatcher IsAskFreetext() { return TypeMatcher(ResponseType::ask_freetext); }
inline TextMatcher SaysText(std::string text) { return TextMatcher(std::move(text), false); }
inline TextMatcher TextContains(std::string part) { return TextMatcher(std::move(part), true); }
inline CardMatcher HasCard(std::optional<std::string> title = std::nullopt) {
    return CardMatcher(std::move(title));
}
inline SessionAttributeMatcher HasSessionAttribute(std::string key,
                                                   std::optional<std::string> value = std::nullopt) {
    return SessionAttributeMatcher(std::move(key), std::move(value));
}
inline ErrorMatcher IsError(int code) { return ErrorMatcher(code); }

}  // namespace skill::testing

namespace Catch {
/// Failed assertions print the status and the JSON body.
template <>
struct StringMaker<skill::testing::Reply> {
    static std::string convert(const skill::testing::Reply& reply) {
        return "HTTP " + std::to_string(reply.status) + " " + reply.json();
    }
};
}  // namespace Catch
