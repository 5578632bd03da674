# Hand-optimised: the modules the app uses, jdk.zipfs for the zip FileSystem, on Debian slim.
FROM local/eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY src ./src
RUN mkdir -p classes \
 && javac -d classes src/app/Main.java \
 && jar cfe app.jar app.Main -C classes .
RUN jlink --add-modules java.base,java.net.http,java.sql,jdk.zipfs \
    --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 --output /opt/jre

FROM local/debian:bookworm-slim
COPY --from=build /opt/jre /opt/jre
ENV PATH="/opt/jre/bin:$PATH"
WORKDIR /app
COPY --from=build /src/app.jar ./
USER nobody
CMD ["java", "-jar", "app.jar"]
