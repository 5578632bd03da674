# Hand-optimised: build as before, install stripped into a staging tree, ship only the program and its library.
FROM local/debian:bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/greet
COPY CMakeLists.txt ./
COPY src/ src/
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build build \
 && DESTDIR=/out cmake --install build --strip \
 && rm -rf /out/usr/local/include

FROM local/debian:bookworm-slim
COPY --from=build /out/ /
RUN ldconfig
CMD ["greeter"]
