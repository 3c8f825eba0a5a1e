# closbgpd on Debian 12, built by the same scripts as the README.
# Run with --network host (or in the switch's namespace) and CAP_NET_ADMIN,
# CAP_NET_RAW, CAP_NET_BIND_SERVICE; mount your config at
# /etc/closbgpd/closbgpd.yaml.
FROM debian:bookworm
COPY . /src/clos-bgp
WORKDIR /src/clos-bgp
RUN bash scripts/setup.sh \
 && bash scripts/build.sh --main-only \
 && cmake --install build --prefix /usr
ENTRYPOINT ["/usr/sbin/closbgpd"]
CMD ["--config", "/etc/closbgpd/closbgpd.yaml"]
