# The tcptune image for users with a container daemon. It assembles the same file system as
# hack/build-image.sh (which needs no daemon): the script runs in a Debian stage and the result is
# copied into an empty image.
#
#   mvn -B -q package -DskipTests          # builds operator/app/target/tcptune.jar
#   docker build -t ghcr.io/tcptune/tcptune:0.1.0-SNAPSHOT .
FROM debian:bookworm AS rootfs
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      openjdk-17-jdk-headless binutils iproute2
WORKDIR /src
COPY pom.xml ./
COPY hack/build-image.sh hack/
COPY operator/app/target/tcptune.jar operator/app/target/
RUN hack/build-image.sh --rootfs /rootfs

FROM scratch
COPY --from=rootfs /rootfs/ /
ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin:/opt/java/bin JAVA_HOME=/opt/java
LABEL org.opencontainers.image.title=tcptune \
      org.opencontainers.image.description="Declarative TCP tuning for Kubernetes nodes: operator and node agent"
# The operator runs as this user; the agent's pod sets uid 0 with NET_ADMIN alone.
USER 65532:65532
WORKDIR /
ENTRYPOINT ["/opt/java/bin/java", "-jar", "/tcptune.jar"]
