# syntax=docker/dockerfile:1
# The newsgraph image: the tree scripts/install.sh lays out (binary, every model of models/,
# ONNX Runtime's library) under /opt/newsgraph, on a slim Debian.
#   docker build -t newsgraph .
#   docker run --rm -v "$PWD/archive:/archive:ro" -v "$PWD/out:/out" newsgraph \
#       extract /archive --shard 1/4 --resume -o /out/shard-1
# The same tree is built and run with an empty environment (as here, and as Spark's
# RDD.pipe runs commands) by tests/install.rs, since no container runtime runs the tests.

# Build stage: the release binary and ONNX Runtime (scripts/setup.sh), then the tree.
# Debian 12 (bookworm) in both stages, so the binary meets the glibc it was built with.
FROM rust:1.92-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-pip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/setup.sh \
 && bash scripts/install.sh --no-build /opt/newsgraph

# Runtime stage: libstdc++ (ONNX Runtime needs it) is part of debian:bookworm-slim.
FROM debian:bookworm-slim
COPY --from=build /opt/newsgraph /opt/newsgraph
# On the default PATH, so `sh -c "newsgraph ..."` works in any environment; the binary
# resolves the link and finds /opt/newsgraph/share/newsgraph.
RUN ln -s /opt/newsgraph/bin/newsgraph /usr/local/bin/newsgraph \
 && useradd --system --uid 10001 --no-create-home newsgraph \
 && env -i /opt/newsgraph/bin/newsgraph doctor
USER 10001
WORKDIR /tmp
ENTRYPOINT ["newsgraph"]
CMD ["--help"]
