#pragma once
// Invocation bodies shared by the parser tests (test_invocation_parser.cpp and the
// fast path's differential test).
#include <string>

namespace skill::test {

/// Every member the parser reads, including non-empty `extras` and a configuration list that
/// holds an object (which the fast path declines).
inline const std::string full_invocation = R"({"context": {
   "intent": "HELLO_INTENT", "skillId": "hello", "locale": "de",
   "attributes":   {"name": ["Anna"], "timezone": ["Europe/Berlin"]},
   "attributesV2": {"name": [{"id": 1, "value": "Anna", "nestedIn": [2], "overlapsWith": [3, 4],
                              "extras": {"k": "x"}}]},
   "tokens": {"cvi": "eyJhbGciOi..."},
   "configuration": {"favourite-team": ["1860"], "mixed": [true, 7, 2.5, null, {"a": [1]}]},
   "clientTypeName": "mini", "userProfileConfig": "profile"},
 "session": {"id": "session-1", "new": false, "attributes": {"key": "value"}},
 "spiVersion": "1.4.1"})";

/// The SPI's own example request, verbatim (byte for byte, trailing newline included):
/// InvokeSkillRequestDto.json of the docs/spi folder of the Python skill SDK's repository
/// (tag 0.14.2), kept in the shared docs as shared/docs/spi/InvokeSkillRequestDto.json.
/// It must be accepted as it is: its intent is literally "intent", its spiVersion "1.0",
/// its configuration carries a boolean and its attributesV2 entries null nestedIn/overlapsWith.
inline const std::string spi_example_request = R"({
  "context": {
    "intent": "intent",
    "attributes": {
      "attribute-1": [
        "value-1"
      ],
      "attribute-2": [
        "value-2"
      ]
    },
    "attributesV2": {
      "attribute-1": [
        {
          "id": 1,
          "value": "value-1",
          "nestedIn": null,
          "overlapsWith": null,
          "extras": {}
        }
      ],
      "attribute-2": [
        {
          "id": 1,
          "value": "value-2",
          "nestedIn": null,
          "overlapsWith": null,
          "extras": {}
        }
      ]
    },
    "tokens": {
      "token-1": "token-value-1",
      "token-2": "token-value-2"
    },
    "locale": "de-DE",
    "configuration": {
      "favourite-team": [
        "1860"
      ],
      "activateSomeFeature": [
        true
      ],
      "pickSomeStuff": [
        "item-1",
        "item-2"
      ]
    }
  },
  "session": {
    "id": "session-1",
    "attributes": {
      "session-1": "session-value-1",
      "session-2": "session-value-2"
    },
    "new": true
  },
  "spiVersion": "1.0"
}
)";

}  // namespace skill::test
