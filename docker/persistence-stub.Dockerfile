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
 && apt-get install -y --no-install-recommends libboost-json1.81.0 libsqlite3-0 libssl3 \
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
ENTRYPOINT ["/usr/local/bin/persistence-stub", "--host", "0.0.0.0", "--port", "1555", "--db", "/data/persistence.db"]
