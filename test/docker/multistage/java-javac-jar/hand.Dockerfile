# Hand-optimised: JDK builder, JRE runtime with only the jar.
FROM local/eclipse-temurin:17-jdk AS build
WORKDIR /app
COPY src ./src
RUN mkdir -p classes \
 && javac -d classes src/hello/Main.java \
 && jar cfe app.jar hello.Main -C classes .

FROM local/eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /app/app.jar ./
USER nobody
ENTRYPOINT ["java", "-jar", "app.jar"]
