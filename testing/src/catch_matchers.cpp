#include <skill/testing/catch.hpp>

namespace skill::testing {

namespace {
std::string name_of(ResponseType type) {
    switch (type) {
    case ResponseType::tell: return "TELL";
    case ResponseType::ask: return "ASK";
    case ResponseType::ask_freetext: return "ASK_FREETEXT";
    }
    return "?";
}
}  // namespace

bool TypeMatcher::match(const Reply& reply) const {
    return reply.ok() && reply.type_name() == name_of(type_);
}
std::string TypeMatcher::describe() const { return "is a " + name_of(type_) + " response"; }

bool TextMatcher::match(const Reply& reply) const {
    if (!reply.ok()) return false;
    const auto text = reply.text();
    return contains_ ? text.find(text_) != std::string::npos : text == text_;
}
std::string TextMatcher::describe() const {
    return (contains_ ? "has a text containing \"" : "says \"") + text_ + "\"";
}

bool CardMatcher::match(const Reply& reply) const {
    const auto card = reply.card();
    return card && (!title_ || card->title_text == *title_);
}
std::string CardMatcher::describe() const {
    return title_ ? "has a card titled \"" + *title_ + "\"" : std::string("has a card");
}

bool SessionAttributeMatcher::match(const Reply& reply) const {
    const auto attributes = reply.session_attributes();
    const auto it = attributes.find(key_);
    return it != attributes.end() && (!value_ || it->second == *value_);
}
std::string SessionAttributeMatcher::describe() const {
    return "has session attribute \"" + key_ + "\"" + (value_ ? " = \"" + *value_ + "\"" : "");
}

bool ErrorMatcher::match(const Reply& reply) const { return reply.error_code() == code_; }
std::string ErrorMatcher::describe() const { return "is an error with code " + std::to_string(code_); }

}  // namespace skill::testing
