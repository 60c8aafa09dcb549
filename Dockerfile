# syntax=docker/dockerfile:1
# Multi-stage build: cgo is needed for tree-sitter's C grammar. The build
# context includes .git (see .dockerignore), so the binary carries its
# version: `docker run patchbot --version`.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -buildvcs=auto -trimpath -ldflags="-s -w" -o /out/patchbot ./cmd/patchbot \
 && /out/patchbot --version

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/patchbot --create-home patchbot
COPY --from=build /out/patchbot /usr/local/bin/patchbot
USER patchbot
WORKDIR /var/lib/patchbot
# State (database, spool, dry-run outbox) and caches (tree index, parses):
# mount a volume here. The config and a kernel tree are mounted read-only
# (see the README): /etc/patchbot/patchbot.toml, /srv/linux.
VOLUME /var/lib/patchbot
ENV STATE_DIRECTORY=/var/lib/patchbot/state CACHE_DIRECTORY=/var/lib/patchbot/cache
ENTRYPOINT ["/usr/local/bin/patchbot"]
CMD ["help"]
