#pragma once
// Invocation bodies shared by the parser tests (test_invocation_parser.cpp and the
// fast path's differential test).
#include <string>

namespace skill::test {

/// Every member the parser reads, including non-empty `extras` (which the fast path declines).
inline const std::string full_invocation = R"({"context": {
   "intent": "HELLO_INTENT", "skillId": "hello", "locale": "de",
   "attributes":   {"name": ["Anna"], "timezone": ["Europe/Berlin"]},
   "attributesV2": {"name": [{"id": 1, "value": "Anna", "nestedIn": [2], "overlapsWith": [3, 4],
                              "extras": {"k": [1, "x"]}}]},
   "tokens": {"cvi": "eyJhbGciOi..."},
   "configuration": {"favourite-team": ["1860"]},
   "clientTypeName": "mini", "userProfileConfig": "profile"},
 "session": {"id": "session-1", "new": false, "attributes": {"key": "value"}},
 "spiVersion": "1.4.1"})";

}  // namespace skill::test
