#pragma once
// Where a card's action leads (Card::action): the companion app's deeplinks, or any
// http(s) URL.
//
//   skill::Card card{.title_text = "Pizza Roma"};
//   card.with_action("Call", skill::card_action::call("+49 228 1234"));
#include <string>
#include <string_view>

namespace skill::card_action {

inline constexpr std::string_view show_response_text = "internal://showResponseText";  // full text
inline constexpr std::string_view skills = "internal://deeplink/skills";  // skill details
inline constexpr std::string_view speaker_overview = "internal://deeplink/speakeroverview";
inline constexpr std::string_view speaker_details =
    "internal://deeplink/speakerdetails";  // this device
inline constexpr std::string_view feedback = "internal://deeplink/feedback";
inline constexpr std::string_view news = "internal://deeplink/news";

/// internal://deeplink/call/NUMBER. Spaces, '-', '/' and parentheses are dropped; throws
/// std::invalid_argument unless what is left is an optional '+' and 3..20 digits.
std::string call(std::string_view number);

/// internal://deeplink/openapp?aos=PKG&iosScheme=SCHEME&iosAppStoreId=ID: opens the app, or
/// its store page when it is not installed. The values are percent-encoded.
std::string open_app(std::string_view android_package, std::string_view ios_url_scheme,
                     std::string_view ios_app_store_id);

/// Whether `action` may be sent as a card action: an internal:// deeplink or an http(s) URL,
/// without spaces or control characters.
bool valid(std::string_view action) noexcept;

}  // namespace skill::card_action
