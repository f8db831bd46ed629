# The CPD demo database as a Postgres image: the snapshot is restored at build time into a data
# directory baked into the image (the pristine copy), which a container copies into $PGDATA at its
# first start; the dates are rebased to "now" at every start.
#
# Build context (made by `invoke snapshot.image`): this file, container/, share/ (rebase/: the rebase's
# entry file rebase_dates.sql and the function files it includes; constants.env; tailor.sql if the
# product has one) and snapshot/ (cpd-demo.dump, media.tar.gz, manifest.json).
ARG BASE_IMAGE=postgres:15

FROM ${BASE_IMAGE} AS restore
# The first stage holds the dump: `snapshot.image` removes it by this label once the build is done.
ARG BUILD_ID=unknown
LABEL io.cpd-demo.stage="restore" io.cpd-demo.build="${BUILD_ID}"
# Outside the official image's VOLUME (/var/lib/postgresql/data): data baked there would be lost.
ENV PGDATA=/var/lib/cpd-demo/pristine
USER root
RUN mkdir -p /var/lib/cpd-demo/media /var/run/postgresql && chown -R postgres:postgres /var/lib/cpd-demo /var/run/postgresql
COPY --chown=postgres:postgres snapshot/cpd-demo.dump snapshot/media.tar.gz /tmp/snapshot/
COPY share/ /usr/local/share/cpd-demo/
COPY container/bake.sh /usr/local/bin/cpd-demo-bake
USER postgres
# initdb, a socket-only server, pg_restore into the demo database, frozen and checkpointed, the WAL reset to
# one empty segment: one copy of the data, and nothing a fresh start does not read.
RUN bash /usr/local/bin/cpd-demo-bake /tmp/snapshot/cpd-demo.dump \
 && tar -xzf /tmp/snapshot/media.tar.gz -C /var/lib/cpd-demo/media

FROM ${BASE_IMAGE}
ARG VERSION=unknown
ARG CREATED=unknown
ARG REVISION=unknown
ARG SOURCE=https://github.com/cpd-events/cpd-demo-db
ARG ANCHOR=unknown
LABEL org.opencontainers.image.title="cpd-demo-db" \
      org.opencontainers.image.description="CPD Events demo database, rebased to now at start" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      io.cpd-demo.snapshot.version="${VERSION}" \
      io.cpd-demo.snapshot.anchor="${ANCHOR}"
ENV PGDATA=/var/lib/cpd-demo/data \
    CPD_DEMO_VERSION=${VERSION}
USER root
# The baked data directory (pristine/) and the media; the dump stays in the first stage.
COPY --from=restore --chown=postgres:postgres /var/lib/cpd-demo /var/lib/cpd-demo
# $PGDATA (a container without a volume there serves the baked directory in place; a volume gets
# a copy of it at its first start) and the official image's data path, both postgres-owned so a
# new named volume mounted there is too; the sockets directory (any user, as in the official
# image) and the init scripts' directory.
RUN install -d -o postgres -g postgres -m 0700 /var/lib/cpd-demo/data /var/lib/postgresql/data \
 && install -d -o postgres -g postgres -m 3777 /var/run/postgresql \
 && install -d -m 0755 /docker-entrypoint-initdb.d
COPY share/ container/setup.sh /usr/local/share/cpd-demo/
# Executable in the build context already (snapshot.image): no layer for a chmod.
COPY container/entrypoint.sh /usr/local/bin/cpd-demo-entrypoint
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
# Healthy only once the dates are rebased and the real server answers on TCP. The entrypoint's
# marker holds the server's port, so `-p 5433` after the image name is honoured too.
# The start period covers a first start that makes 200 demos (CPD_DEMO_DATABASES), as measured
# by `invoke bench`: until then a slow first start is "starting", never "unhealthy".
HEALTHCHECK --interval=5s --timeout=3s --start-period=180s --retries=5 \
  CMD test -s /var/run/postgresql/cpd-demo.ready \
   && pg_isready -q -h 127.0.0.1 -p "$(cat /var/run/postgresql/cpd-demo.ready)" -U postgres || exit 1
ENTRYPOINT ["cpd-demo-entrypoint"]
CMD ["postgres"]
