# Hand-optimised: the same static, stripped build (so the build cache is shared), and a final stage
# with nothing but the binary: no CA bundle, no passwd (numeric non-root user).
FROM local/golang:bookworm AS builder
WORKDIR /src
COPY go.mod main.go ./
ENV CGO_ENABLED=0
RUN go build -ldflags="-s -w" -o server .

FROM scratch
COPY --from=builder /src/server /server
USER 65534
EXPOSE 8080
CMD ["/server", "-once"]
