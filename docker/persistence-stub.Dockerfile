# The persistence stub (docs/persistence-stub.md) on debian:12-slim, its SQLite database on
# the volume /data. For local stacks and tests only: production uses the platform service.
#
#   docker build -f docker/persistence-stub.Dockerfile -t persistence-stub .
FROM debian:12 AS sdk
WORKDIR /src
COPY . .
RUN PREFIX=/opt/skill-sdk BUILD_DIR=/tmp/build docker/build.sh && rm -rf /tmp/build

FROM debian:12-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libboost-json1.81.0 libsqlite3-0 libpq5 libssl3 \
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
ENTRYPOINT ["/usr/local/bin/persistence-stub", "--host", "0.0.0.0", "--port", "1555", "--db", "/data/persistence.db", "--insecure-unverified"]
