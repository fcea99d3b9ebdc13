#pragma once
// The arguments of ctx.tr() / ctx.tr_n() and the formatter that puts them into a translated
// message (docs/localisation.md). A message names its placeholders, `{name}`, or numbers
// them, `{0}`; `{{` and `}}` are literal braces.
//
//   ctx.tr("WELCOME", skill::arg("name", user), skill::arg("count", 3));  // {name}, {count}
//   ctx.tr("WELCOME", user, 3);                                             // {0}, {1}
#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skill {

/// One argument: a string or a number, optionally named. It refers to the caller's text
/// (no copy): build it in the call, as above, not ahead of it from a temporary.
class MessageArg {
  public:
    enum class Kind : unsigned char { text, integer, unsigned_integer, real };

    MessageArg(std::string_view text) noexcept : kind_(Kind::text), text_(text) {}
    MessageArg(const std::string& text) noexcept : kind_(Kind::text), text_(text) {}
    MessageArg(const char* text) noexcept : kind_(Kind::text), text_(text) {}
    template <std::signed_integral T>
    MessageArg(T v) noexcept : kind_(Kind::integer), integer_(v) {}
    template <std::unsigned_integral T>
    MessageArg(T v) noexcept : kind_(Kind::unsigned_integer), unsigned_(v) {}
    template <std::floating_point T>
    MessageArg(T v) noexcept : kind_(Kind::real), real_(static_cast<double>(v)) {}
    // A bool or a char would print as a number: say what you mean with a string.
    MessageArg(bool) = delete;
    MessageArg(char) = delete;

    MessageArg named(std::string_view name) const noexcept {
        MessageArg a = *this;
        a.name_ = name;
        return a;
    }

    std::string_view name() const noexcept { return name_; }
    Kind kind() const noexcept { return kind_; }
    std::string_view text() const noexcept { return text_; }
    std::int64_t integer() const noexcept { return integer_; }
    std::uint64_t unsigned_integer() const noexcept { return unsigned_; }
    double real() const noexcept { return real_; }

    /// Appends the value: text as is, numbers in the C locale (shortest exact form for
    /// reals: 2.5, 0.1). For a localised number format a handler passes a string.
    void append_to(std::string& out) const;

  private:
    std::string_view name_;
    Kind kind_;
    std::string_view text_;
    union {
        std::int64_t integer_ = 0;
        std::uint64_t unsigned_;
        double real_;
    };
};

/// A named argument: fills `{name}`.
template <class T>
MessageArg arg(std::string_view name, const T& value) noexcept {
    return MessageArg(value).named(name);
}

/// `pattern` with its placeholders filled. A named placeholder takes the first argument of
/// that name; `{i}` the i-th argument, named or not. A placeholder without an argument is
/// copied as it is and its name appended to `unresolved` (when given); a `{` that opens no
/// placeholder (`{ }`, `{a-b}`, one without `}`) is text.
std::string format_message(std::string_view pattern, std::span<const MessageArg> args,
                           std::vector<std::string>* unresolved = nullptr);

/// The placeholders of `pattern` in order of appearance, each once: "name" or "0".
std::vector<std::string> message_placeholders(std::string_view pattern);

}  // namespace skill
