#pragma once
// Boost.JSON interop for skill::Document, for handlers that want the full Boost.JSON API.
// Opt-in: skill/skill.hpp does not include it, since Boost.JSON costs every file that
// includes it about 100k preprocessed lines.
//
//   #include <skill/json.hpp>
//
//   boost::json::value parsed = boost::json::parse(text);
//   skill::Document doc = skill::to_document(std::move(parsed));
//   const boost::json::value& node = skill::json_of(doc["items"]);   // no copy
//   boost::json::object stored = skill::object_of(data);              // a modifiable copy
#include <skill/document.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace skill {

/// A Document holding `value` (moved in; JSON null stays a present null, not missing).
Document to_document(boost::json::value value);
/// The node of `document`, valid while a Document sharing its tree lives;
/// a null value when the Document is missing.
const boost::json::value& json_of(const Document& document) noexcept;
/// A copy of the node as an object; an empty object when it is not one.
boost::json::object object_of(const Document& document);

}  // namespace skill
