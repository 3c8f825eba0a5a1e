"""The API off loopback: TLS (closctl checks the daemon's certificate
against a CA) and mutual TLS (the daemon accepts only clients whose
certificate its client CA signed). Certificates are made with openssl for
the test."""
import subprocess

import pytest

from lib.netns import CLOSCTL, Daemon, run

pytestmark = pytest.mark.netns


def issue(tmp, name, subject_alt_names=None, ca=None):
    """A P-256 key and certificate NAME.pem signed by `ca` (a name), or self-signed."""
    key, cert = tmp / f"{name}.key", tmp / f"{name}.pem"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    if ca is None:
        run("openssl", "req", "-x509", *ec, "-keyout", str(key), "-out", str(cert), "-days", "1",
            "-subj", f"/CN={name}")
        return cert
    csr = tmp / f"{name}.csr"
    run("openssl", "req", *ec, "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={name}")
    ext = tmp / f"{name}.ext"
    ext.write_text(f"subjectAltName={subject_alt_names}\n" if subject_alt_names else "")
    run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(tmp / f"{ca}.pem"),
        "-CAkey", str(tmp / f"{ca}.key"), "-CAcreateserial", "-out", str(cert), "-days", "1",
        "-extfile", str(ext))
    return cert


@pytest.fixture
def pki(tmp_path):
    issue(tmp_path, "ca")
    issue(tmp_path, "server", "IP:127.0.0.1,DNS:closbgpd.test", ca="ca")
    issue(tmp_path, "operator", ca="ca")
    issue(tmp_path, "stranger")  # self-signed: not the client CA's
    return tmp_path


def config(pki, mutual):
    client_ca = f", client-ca: {pki / 'ca.pem'}" if mutual else ""
    return ("asn: 65101\nrouter-id: 10.0.0.11\nfib: {enabled: false}\n"
            f"grpc: {{listen: \"0.0.0.0:50051\", tls: {{cert: {pki / 'server.pem'}, "
            f"key: {pki / 'server.key'}{client_ca}}}}}\n")


def closctl(d, *options):
    return d.ns.exec(CLOSCTL, "--server", d.api, *options, "version", check=False)


def test_tls(netns_factory, pki):
    ca = ["--tls-ca", str(pki / "ca.pem")]
    d = Daemon(netns_factory("tls"), config(pki, False), pki, ctl_options=ca)
    try:
        d.wait_api()
        assert d.ctl_json("show", "bgp", "summary")["router_id"] == "10.0.0.11"
        # The certificate names 127.0.0.1 and closbgpd.test, nothing else.
        assert closctl(d, *ca, "--tls-server-name", "closbgpd.test").returncode == 0
        assert closctl(d, *ca, "--tls-server-name", "other.test").returncode == 3
        plain = closctl(d)
        assert plain.returncode == 3, plain.stderr  # plaintext to a TLS port
        assert "gRPC API listening on 0.0.0.0:50051 (TLS)" in d.log_text()
    finally:
        d.stop()


def test_mutual_tls(netns_factory, pki):
    ca = ["--tls-ca", str(pki / "ca.pem")]
    operator = [*ca, "--tls-cert", str(pki / "operator.pem"), "--tls-key", str(pki / "operator.key")]
    d = Daemon(netns_factory("mtls"), config(pki, True), pki, ctl_options=operator)
    try:
        d.wait_api()
        assert closctl(d, *operator).returncode == 0
        assert closctl(d, *ca).returncode == 3  # no client certificate
        stranger = [*ca, "--tls-cert", str(pki / "stranger.pem"), "--tls-key",
                    str(pki / "stranger.key")]
        assert closctl(d, *stranger).returncode == 3
        assert "mutual TLS" in d.log_text()
    finally:
        d.stop()


def test_closctl_tls_usage_errors(pki):
    for args in (["--tls-cert", "x.pem", "version"],
                 ["--tls-ca", "ca.pem", "--tls-cert", "x.pem", "version"],
                 ["--tls-bogus", "x", "version"]):
        r = subprocess.run([CLOSCTL, *args], capture_output=True, text=True)
        assert r.returncode == 2, (args, r.stderr)
