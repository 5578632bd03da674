# Hand-optimised: build in a builder stage, strip the binary, ship it alone on Debian slim.
FROM local/rust:1.63-bookworm AS build
WORKDIR /usr/src/hello
COPY Cargo.toml ./
COPY src/ src/
RUN cargo build --release --offline && strip target/release/hello

FROM local/debian:bookworm-slim
COPY --from=build /usr/src/hello/target/release/hello /usr/local/bin/hello
CMD ["hello"]
