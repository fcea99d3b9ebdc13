#!/bin/sh
# docker/postgres.Dockerfile's ENTRYPOINT: on the first start initialise $PGDATA with a login
# role and a database for the persistence stub, then run postgres as PID 1 (it gets the stop
# signal itself). Later starts find $PGDATA/PG_VERSION and only run postgres.
#
#   POSTGRES_PASSWORD  the role's password (required on the first start; not stored here)
#   POSTGRES_USER      the role (default stub)
#   POSTGRES_DB        its database (default persistence)
set -eu

user=${POSTGRES_USER:-stub}
db=${POSTGRES_DB:-persistence}

# The names go into SQL unquoted-safe only if they are plain identifiers: refuse the rest.
for name in "$user" "$db"; do
    case $name in
        '' | [!a-z_]* | *[!a-z0-9_]*)
            echo "postgres-entrypoint: '$name' is not a plain identifier ([a-z_][a-z0-9_]*)" >&2
            exit 2 ;;
    esac
done

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "postgres-entrypoint: POSTGRES_PASSWORD is empty (needed to create role $user)" >&2
        exit 2
    fi
    case $POSTGRES_PASSWORD in
        *"
"*) echo "postgres-entrypoint: POSTGRES_PASSWORD has a line break" >&2; exit 2 ;;
    esac
    # Superuser `postgres` by peer authentication on the Unix socket only; everyone else over
    # TCP with a SCRAM password. Checksums catch a torn page instead of reading it.
    initdb --pgdata="$PGDATA" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
           --data-checksums --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' \
        >>"$PGDATA/pg_hba.conf"
    # Single-user mode: nothing listens while the role is made. The password is an SQL string
    # literal: double its quotes. It reaches postgres on stdin, never in a process's argv.
    password=$(printf '%s' "$POSTGRES_PASSWORD" | sed "s/'/''/g")
    printf "CREATE ROLE %s LOGIN PASSWORD '%s';\nCREATE DATABASE %s OWNER %s;\n" \
           "$user" "$password" "$db" "$user" |
        postgres --single -D "$PGDATA" -c log_min_messages=warning template1 >/dev/null
    echo "postgres-entrypoint: initialised $PGDATA (role $user, database $db)" >&2
fi

exec postgres -D "$PGDATA" -c listen_addresses='*'
