# Hand-optimised: build on the gcc image, ship the stripped binary on Debian slim.
FROM local/gcc:12 AS build
WORKDIR /usr/src
ADD hello-1.0.tar.gz ./
RUN cd hello-1.0 && ./configure --prefix=/usr/local && make && strip hello

FROM local/debian:bookworm-slim
COPY --from=build /usr/src/hello-1.0/hello /usr/local/bin/hello
CMD ["hello"]
