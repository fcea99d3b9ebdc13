#pragma once
// skill::Response -> the JSON body of protocol.md §3, and the error bodies of §4.
#include <skill/response.hpp>

#include <string>
#include <string_view>

namespace skill::runtime {

/// The invocation answer; keys in the order of docs/protocol.md §3, empty parts left out.
/// Strings that are not valid UTF-8 have the bad bytes replaced by U+FFFD, so the body is
/// always valid JSON.
std::string write_response(const Response& r);

/// HTTP status of an error code: 1->404, 2->400, 3->400, 4->504, 999 (and anything else)->500.
int error_status(int code) noexcept;

/// {"code":N,"text":"...","detail":"..."}; `detail` only when non-empty.
std::string write_error(int code, std::string_view text, std::string_view detail = {});

}  // namespace skill::runtime
