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
    issue(tmp_path, "monitor", ca="ca")
    issue(tmp_path, "robot", "DNS:automation.example", ca="ca")
    issue(tmp_path, "stranger")  # self-signed: not the client CA's
    return tmp_path


def config(pki, mutual, roles=""):
    client_ca = f", client-ca: {pki / 'ca.pem'}" if mutual else ""
    return ("asn: 65101\nrouter-id: 10.0.0.11\nfib: {enabled: false}\n"
            f"grpc: {{listen: \"0.0.0.0:50051\", tls: {{cert: {pki / 'server.pem'}, "
            f"key: {pki / 'server.key'}{client_ca}{roles}}}}}\n")


def client(pki, name):
    return ["--tls-ca", str(pki / "ca.pem"), "--tls-cert", str(pki / f"{name}.pem"),
            "--tls-key", str(pki / f"{name}.key")]


def closctl(d, *options):
    return d.ns.exec(CLOSCTL, "--server", d.api, *options, "version", check=False)


def test_tls(netns_factory, pki):
    ca = ["--tls-ca", str(pki / "ca.pem")]
    d = Daemon(netns_factory("tls"), config(pki, False), pki, api="127.0.0.1:50051",
               ctl_options=ca)
    try:
        d.wait_api()
        assert d.ctl_json("show", "bgp", "summary")["router_id"] == "10.0.0.11"
        # The certificate names 127.0.0.1 and closbgpd.test, nothing else.
        assert closctl(d, *ca, "--tls-server-name", "closbgpd.test").returncode == 0
        assert closctl(d, *ca, "--tls-server-name", "other.test").returncode == 3
        plain = closctl(d)
        assert plain.returncode == 3, plain.stderr  # plaintext to a TLS port
        # Anonymous clients read; nobody may change the router.
        drain = d.ctl("drain", check=False)
        assert drain.returncode == 1 and "needs the write role" in drain.stderr
        assert ("gRPC API listening on 0.0.0.0:50051 (TLS: clients are anonymous and may read)"
                in d.log_text())
    finally:
        d.stop()


def test_mutual_tls(netns_factory, pki):
    ca = ["--tls-ca", str(pki / "ca.pem")]
    operator = [*ca, "--tls-cert", str(pki / "operator.pem"), "--tls-key", str(pki / "operator.key")]
    d = Daemon(netns_factory("mtls"), config(pki, True), pki, api="127.0.0.1:50051",
               ctl_options=operator)
    try:
        d.wait_api()
        assert closctl(d, *operator).returncode == 0
        assert closctl(d, *ca).returncode == 3  # no client certificate
        stranger = [*ca, "--tls-cert", str(pki / "stranger.pem"), "--tls-key",
                    str(pki / "stranger.key")]
        assert closctl(d, *stranger).returncode == 3
        assert d.ctl("drain").returncode == 0  # no role lists: the CA's signature is the grant
        assert "mutual TLS: every certificate the CA signed may read and write" in d.log_text()
    finally:
        d.stop()


def test_mutual_tls_roles(netns_factory, pki):
    """tls.read and tls.write name certificates by subject, common name or
    SAN; a certificate the CA signed but neither list names gets nothing."""
    roles = ", read: [monitor], write: [automation.example]"
    d = Daemon(netns_factory("mtlsr"), config(pki, True, roles), pki, api="127.0.0.1:50051",
               ctl_options=client(pki, "robot"))
    try:
        d.wait_api()

        def ctl(name, *args):
            return d.ns.exec(CLOSCTL, "--server", d.api, *client(pki, name), *args, check=False)

        assert ctl("monitor", "show", "bgp", "summary").returncode == 0
        for write in (["drain"], ["neighbor", "reset", "192.0.2.9"]):
            refused = ctl("monitor", *write)
            assert refused.returncode == 1 and "needs the write role" in refused.stderr, write
        assert ctl("robot", "drain").returncode == 0  # by its SAN
        assert ctl("robot", "undrain").returncode == 0
        stranger = ctl("operator", "version")  # signed, not named
        assert stranger.returncode == 1 and "needs the read role" in stranger.stderr
        log = d.log_text()
        assert "refused SetDrainState to certificate CN = monitor" in log or \
            "refused SetDrainState to certificate CN=monitor" in log, log
    finally:
        d.stop()


def test_closctl_tls_usage_errors(pki):
    for args in (["--tls-cert", "x.pem", "version"],
                 ["--tls-ca", "ca.pem", "--tls-cert", "x.pem", "version"],
                 ["--tls-bogus", "x", "version"]):
        r = subprocess.run([CLOSCTL, *args], capture_output=True, text=True)
        assert r.returncode == 2, (args, r.stderr)
