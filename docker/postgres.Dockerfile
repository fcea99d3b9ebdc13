# PostgreSQL 15 from Debian's own package, for the stub replicas of docker/compose.yaml and
# for CI (tools/ci/run-containers.sh): no registry image is needed. Production points the
# stubs at its own database instead (docs/deployment.md, "PostgreSQL").
#
#   docker build -f docker/postgres.Dockerfile -t skill-postgres:15 .
#
# The first start initialises $PGDATA (docker/postgres-entrypoint.sh): superuser `postgres`
# reachable only over the container's Unix socket, and a login role POSTGRES_USER (`stub`)
# with password POSTGRES_PASSWORD owning the database POSTGRES_DB (`persistence`).
FROM debian:12-slim
# A fixed uid (999, as the usual postgres images) so volumes and a pod's runAsUser/fsGroup
# can name it; postgresql-common takes the existing user. No "main" cluster in the image:
# the entrypoint makes one in the volume.
RUN groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid 999 --home-dir /var/lib/postgresql --shell /bin/sh postgres \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' \
        /etc/postgresql-common/createcluster.conf \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres -m 2775 /run/postgresql
COPY docker/postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER 999
ENV PGDATA=/var/lib/postgresql/data \
    PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
VOLUME /var/lib/postgresql/data
EXPOSE 5432
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["pg_isready", "--quiet", "--host", "127.0.0.1", "--port", "5432"]
# SIGINT is PostgreSQL's "fast" shutdown: open sessions are ended and everything committed is
# on disk. SIGTERM ("smart") would wait for the stubs' pooled connections to close.
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
