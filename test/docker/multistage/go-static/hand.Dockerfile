# Hand-optimised: static, stripped binary on scratch, numeric non-root user.
FROM local/golang:bookworm AS build
WORKDIR /src
COPY go.mod main.go ./
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /server .

FROM scratch
COPY --from=build /server /server
USER 65534
EXPOSE 8080
CMD ["/server", "-once"]
