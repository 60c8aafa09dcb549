# syntax=docker/dockerfile:1
# Multi-stage build: cgo is needed for tree-sitter's C grammar.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/patchbot ./cmd/patchbot

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home-dir /var/lib/patchbot --create-home patchbot
COPY --from=build /out/patchbot /usr/local/bin/patchbot
USER patchbot
WORKDIR /var/lib/patchbot
ENV XDG_STATE_HOME=/var/lib/patchbot/state XDG_CACHE_HOME=/var/lib/patchbot/cache
ENTRYPOINT ["/usr/local/bin/patchbot"]
CMD ["help"]
