# The persistence stub (docs/persistence-stub.md) on debian:12-slim, its SQLite database on
# the volume /data. For local stacks and tests only: production uses the platform service.
#
#   docker build -f docker/persistence-stub.Dockerfile -t persistence-stub .
#
# The sdk stage is the same text as docker/Dockerfile's (tools/ci/check_deploy.py keeps them
# equal), so building both images compiles the project once: the second build takes every
# sdk layer from the layer cache.
FROM debian:12 AS sdk
WORKDIR /src
# The packages first, in a layer of their own: a source change does not install them again.
COPY scripts/install-deps.sh scripts/
RUN scripts/install-deps.sh
COPY . .
# ccache in a build cache mount: a rebuild after a source change compiles only what changed.
RUN --mount=type=cache,target=/root/.cache/ccache \
    PREFIX=/opt/skill-sdk BUILD_DIR=/tmp/build docker/build.sh && rm -rf /tmp/build

FROM debian:12-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libboost-json1.81.0 libpq5 libsqlite3-0 libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin stub \
 && mkdir /data && chown 10001 /data
COPY --from=sdk /opt/skill-sdk/bin/persistence-stub /opt/skill-sdk/bin/skill-invoke /usr/local/bin/
USER 10001
VOLUME /data
EXPOSE 1555
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["skill-invoke", "--probe", "http://127.0.0.1:1555/k8s/liveness"]
STOPSIGNAL SIGTERM
# A container must bind 0.0.0.0, which the stub refuses for unverified tokens unless told:
# --insecure-unverified says so (compose does not publish the port). Set
# PERSISTENCE_STUB_JWT_SECRET in the container's environment to verify tokens instead
# (--dev-token inside the container then signs with it; the flag has no effect).
# The database is the CMD, so a deployment replaces it alone: `--db postgresql://…` for
# several replicas sharing one PostgreSQL database (docker/compose.yaml, docker/k8s/).
ENTRYPOINT ["/usr/local/bin/persistence-stub", "--host", "0.0.0.0", "--port", "1555", "--insecure-unverified"]
CMD ["--db", "/data/persistence.db"]
