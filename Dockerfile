# closbgpd on Debian 12, in two stages: the build (the README's scripts,
# then the Debian package), and a slim runtime image that installs only
# that package and the libraries it depends on.
#
#   docker build -t closbgpd .
#   docker run --network host --cap-add NET_ADMIN --cap-add NET_RAW \
#     --cap-add NET_BIND_SERVICE -v /etc/closbgpd:/etc/closbgpd:ro closbgpd
#
# It runs as the user closbgpd (group closbgp), not root; the three
# capabilities, added to the container, are all it uses (netlink routes,
# Router Advertisements, port 179). `docker exec CONTAINER closctl show bgp
# summary` reaches the API on its socket.
FROM debian:bookworm AS build
COPY . /src/clos-bgp
WORKDIR /src/clos-bgp
RUN bash scripts/setup.sh \
 && bash scripts/build.sh --main-only \
 && bash scripts/package.sh build

FROM debian:bookworm-slim
COPY --from=build /src/clos-bgp/build/deb/ /tmp/deb/
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/deb/closbgpd_*.deb libcap2-bin \
 && setcap cap_net_admin,cap_net_raw,cap_net_bind_service+ep /usr/sbin/closbgpd \
 && apt-get purge -y libcap2-bin && apt-get autoremove -y \
 && rm -rf /tmp/deb /var/lib/apt/lists/* \
 && adduser --system --no-create-home --ingroup closbgp closbgpd \
 && install -d -o closbgpd -g closbgp -m 0755 /run/closbgpd /var/lib/closbgpd
USER closbgpd
ENTRYPOINT ["/usr/sbin/closbgpd"]
CMD ["--config", "/etc/closbgpd/closbgpd.yaml"]
