# The CPD demo database as a Postgres image: the snapshot is restored at build time into a data
# directory baked into the image, and rebased to "now" at every container start.
#
# Build context (made by `invoke snapshot.image`): this file, container/, rebase_dates.sql, prospect.sql and
# snapshot/ holding cpd-demo.dump, media.tar.gz and manifest.json.
ARG BASE_IMAGE=postgres:15

FROM ${BASE_IMAGE} AS restore
# The first stage holds the dump: `snapshot.image` removes it by this label once the build is done.
ARG BUILD_ID=unknown
LABEL io.cpd-demo.stage="restore" io.cpd-demo.build="${BUILD_ID}"
# Outside the official image's VOLUME (/var/lib/postgresql/data): data baked there would be lost.
ENV PGDATA=/var/lib/cpd-demo/data
USER root
RUN mkdir -p /var/lib/cpd-demo /var/run/postgresql && chown -R postgres:postgres /var/lib/cpd-demo /var/run/postgresql
COPY --chown=postgres:postgres snapshot/cpd-demo.dump snapshot/media.tar.gz /tmp/snapshot/
COPY container/bake.sh /usr/local/bin/cpd-demo-bake
USER postgres
# initdb, a socket-only server, pg_restore into cpd_demo, the documented demo password; then a
# compressed pristine copy, to initialise an empty volume mounted over the data path.
RUN bash /usr/local/bin/cpd-demo-bake /tmp/snapshot/cpd-demo.dump \
 && mkdir -p /var/lib/cpd-demo/media && tar -xzf /tmp/snapshot/media.tar.gz -C /var/lib/cpd-demo/media \
 && tar -C /var/lib/cpd-demo -czf /var/lib/cpd-demo/pristine-data.tar.gz data

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
RUN mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql && chmod 2775 /var/run/postgresql
# Only the data directory, the media and the scripts: the dump stays in the first stage.
COPY --from=restore --chown=postgres:postgres /var/lib/cpd-demo /var/lib/cpd-demo
COPY rebase_dates.sql prospect.sql /usr/local/share/cpd-demo/
COPY container/entrypoint.sh /usr/local/bin/cpd-demo-entrypoint
RUN chmod 0755 /usr/local/bin/cpd-demo-entrypoint
USER postgres
EXPOSE 5432
STOPSIGNAL SIGINT
# Healthy only once the dates are rebased (the entrypoint's marker) and the real server answers
# on TCP. The port comes from postmaster.pid, so `-p 5433` after the image name is honoured too.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD test -f /var/run/postgresql/cpd-demo.ready \
   && pg_isready -q -h 127.0.0.1 -p "$(sed -n 4p "$PGDATA/postmaster.pid")" -d cpd_demo -U postgres || exit 1
ENTRYPOINT ["cpd-demo-entrypoint"]
CMD ["postgres"]
