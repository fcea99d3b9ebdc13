#include "entry_table.hpp"

#include <sqlite3.h>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include "json_numbers.hpp"

namespace skill::stub {
namespace {

Database& configured(Database& db) {
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=FULL");
    db.exec(
        "CREATE TABLE IF NOT EXISTS entries ("
        "id INTEGER PRIMARY KEY, "
        "user TEXT NOT NULL, "
        "skill TEXT NOT NULL, "
        "data TEXT NOT NULL, "
        "UNIQUE(user, skill))");
    return db;
}

/// Stored text as a JSON object. The stub only writes objects whose numbers round-trip;
/// a row edited by hand that holds e.g. 1e400 is refused like any other corrupt row,
/// rather than answered as `Infinity` or merged into a new write.
boost::json::object parse_stored(std::string_view text, boost::json::storage_ptr storage) {
    boost::system::error_code ec;
    boost::json::value v = parse_checked(text, ec, std::move(storage));
    if (ec.category() == json_number_category())
        throw StoreError("stored data holds a number JSON cannot round-trip: " + ec.message());
    if (ec || !v.is_object()) throw StoreError("stored data is not a JSON object");
    return std::move(v.as_object());
}

/// Nothing non-finite is ever written: serialised, it would not be JSON.
void require_finite(const boost::json::object& data) {
    if (!finite_numbers(data)) throw StoreError("data holds a number that is not finite");
}

/// Stored text as the answer carries it: parsed (it must be a JSON object) and
/// serialised again, in a stack arena. The stub writes that form already, but
/// a row may have been edited by hand.
std::string canonical(std::string_view text) {
    unsigned char arena[2048];
    boost::json::monotonic_resource resource(arena, sizeof arena);
    return boost::json::serialize(parse_stored(text, &resource));
}

}  // namespace

EntryTable::EntryTable(const std::string& path)
    : db_(path),
      select_(configured(db_), "SELECT id, data FROM entries WHERE user = ?1 AND skill = ?2"),
      select_id_(db_, "SELECT id FROM entries WHERE user = ?1 AND skill = ?2"),
      select_all_(db_, "SELECT skill, data FROM entries WHERE user = ?1 ORDER BY skill"),
      // Not one upsert with RETURNING id: SQLite runs RETURNING through an
      // ephemeral table, which cost more than the whole rest of a set.
      update_(db_, "UPDATE entries SET data = ?2 WHERE id = ?1"),
      update_known_(db_, "UPDATE entries SET data = ?2 WHERE id = ?1 AND user = ?3 AND skill = ?4"),
      insert_(db_, "INSERT INTO entries(user, skill, data) VALUES(?1, ?2, ?3)"),
      delete_(db_, "DELETE FROM entries WHERE user = ?1 AND skill = ?2") {}

StoreResult EntryTable::apply(Operation& op) {
    switch (op.kind) {
        case Operation::Kind::get:
            return get(op);
        case Operation::Kind::get_all:
            return get_all(op);
        case Operation::Kind::set:
            return set(op);
        case Operation::Kind::merge:
            return merge(op);
        case Operation::Kind::remove:
            return remove(op);
    }
    throw StoreError("unknown operation");
}

StoreResult EntryTable::get(const Operation& op) {
    Query q(select_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    StoreResult r;
    if (q->step()) {
        r.found = true;
        r.id = q->integer(0);
        r.data = canonical(q->text(1));
    }
    return r;
}

StoreResult EntryTable::get_all(const Operation& op) {
    boost::json::monotonic_resource resource;
    boost::json::object all(&resource);
    {
        Query q(select_all_);
        q->bind(1, op.user);
        while (q->step()) all[q->text(0)] = parse_stored(q->text(1), &resource);
    }
    StoreResult r;
    r.found = !all.empty();
    r.data = boost::json::serialize(all);
    return r;
}

StoreResult EntryTable::set(Operation& op) {
    // A set from the API arrives serialised from checked JSON; one built in code does not.
    if (op.json.empty()) {
        require_finite(op.data);
        op.json = boost::json::serialize(op.data);
    }
    StoreResult r;
    r.found = true;
    // The id a read cache knew saves the lookup. A guarded update that matched no row
    // changed nothing, so the one write below is still the only one that did.
    r.id = op.known_id != 0 && update_known(op) ? op.known_id : store(op, find_id(op), op.json);
    r.data = std::move(op.json);
    return r;
}

bool EntryTable::update_known(const Operation& op) {
    Query q(update_known_);
    q->bind(1, op.known_id);
    q->bind(2, op.json);
    q->bind(3, op.user);
    q->bind(4, op.skill);
    q->step();
    return sqlite3_changes(db_.handle()) == 1;
}

StoreResult EntryTable::merge(Operation& op) {
    // Read-modify-write is atomic: the caller runs it inside its transaction
    // on the only connection that writes.
    require_finite(op.data);
    boost::json::monotonic_resource resource;
    boost::json::object merged(&resource);
    std::optional<std::int64_t> id;
    {
        Query q(select_);
        q->bind(1, op.user);
        q->bind(2, op.skill);
        if (q->step()) {
            id = q->integer(0);
            merged = parse_stored(q->text(1), &resource);
        }
    }
    for (const auto& [key, value] : op.data) merged.emplace(key, value);  // keeps stored keys
    op.json = boost::json::serialize(merged);
    StoreResult r;
    r.found = true;
    r.id = store(op, id, op.json);
    r.data = std::move(op.json);
    return r;
}

std::optional<std::int64_t> EntryTable::find_id(const Operation& op) {
    Query q(select_id_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    if (!q->step()) return std::nullopt;
    return q->integer(0);
}

/// Writes `json` as the data of (user, skill): into entry `id`, or a new entry.
/// Within the caller's write transaction nothing can come between the lookup
/// of `id` and this write. Returns the entry's id.
std::int64_t EntryTable::store(const Operation& op, std::optional<std::int64_t> id,
                               std::string_view json) {
    if (id) {
        Query q(update_);
        q->bind(1, *id);
        q->bind(2, json);
        q->step();
        return *id;
    }
    Query q(insert_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    q->bind(3, json);
    q->step();
    return db_.last_insert_rowid();
}

StoreResult EntryTable::remove(const Operation& op) {
    Query q(delete_);
    q->bind(1, op.user);
    q->bind(2, op.skill);
    q->step();
    StoreResult r;
    r.found = sqlite3_changes(db_.handle()) > 0;
    return r;
}

}  // namespace skill::stub
