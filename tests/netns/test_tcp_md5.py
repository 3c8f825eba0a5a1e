"""TCP MD5 signatures (RFC 2385, `password:` or `password-file:` on a
neighbour): sessions come up when both ends sign with the same key, over
IPv6 link-local addresses (unnumbered, keys follow the learned address) and
numbered IPv4, with FRR and with closbgpd; a wrong or missing key keeps the
session down, and a reload that fixes the key brings it up. A key kept in
a private file leaves the configuration readable by all, and appears in no
log or API output."""
import subprocess
import time

import pytest

from lib.frr import FrrNode, unnumbered_config
from lib.netns import Daemon, metrics_text, run, veth, wait_for

MD5_OPTION = "19"  # TCP option kind of RFC 2385 signatures

pytestmark = pytest.mark.netns


def unnumbered(asn, router_id, password, key="password"):
    pw = f"    {key}: {password}\n" if password else ""
    return (f"asn: {asn}\nrouter-id: {router_id}\ntimers: {{connect-retry: 1}}\n"
            f"neighbors:\n  - interface: swp1\n    remote-as: external\n    bfd: false\n{pw}"
            f"networks: [10.0.0.{router_id.split('.')[-1]}/32]\n")


def state(d):
    peers = d.ctl_json("show", "bgp", "summary")["peers"]
    return peers[0]["state"] if peers else None


def established(d):
    return state(d) == "established"


@pytest.fixture
def pair(netns_factory, tmp_path):
    a, b = netns_factory("md5a"), netns_factory("md5b")
    veth(a, "swp1", b, "swp1")
    started = []
    yield a, b, tmp_path, started
    for d in started:
        d.stop()


def test_unnumbered_with_frr(pair):
    a, b, tmp, started = pair
    pcap = tmp / "bgp.pcap"
    cap = a.popen("tshark", "-q", "-i", "swp1", "-f", "tcp port 179", "-w", str(pcap),
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: pcap.exists(), 15, "tshark to start capturing")
    secret = tmp / "md5.secret"
    secret.write_text("s3cret\n")
    secret.chmod(0o600)
    d = Daemon(a, unnumbered(65101, "10.0.0.11", secret, key="password-file")
               + 'metrics: {listen: "127.0.0.1:9179"}\n', tmp, "leaf")
    d.config.chmod(0o644)  # the secret is elsewhere: the configuration may be read by all
    started.append(d)
    frr = FrrNode(b, unnumbered_config("spine", 65000, "10.0.0.1", ["swp1"], ["10.0.0.1/32"],
                                       password="s3cret"), tmp)
    try:
        d.wait_api()
        wait_for(lambda: established(d), 40, "the signed session with FRR")
        wait_for(lambda: any(r["prefix"] == "10.0.0.1/32"
                             for r in d.ctl_json("show", "bgp", "routes")), 10, "FRR's route")
        shown = d.ctl("--json", "show", "bgp", "summary").stdout + d.ctl(
            "--json", "show", "bgp", "neighbors", "swp1").stdout
        metrics = metrics_text(a)
        assert "closbgp_peer_established" in metrics
        assert "s3cret" not in shown + metrics and "s3cret" not in d.log_text()
    finally:
        frr.stop()
        cap.terminate()
        cap.wait()
    # Every segment of the session, both ways, carries a signature.
    rows = run("tshark", "-r", str(pcap), "-Y", "tcp.port == 179 && tcp.flags.reset == 0",
               "-T", "fields", "-e", "tcp.option_kind").stdout.split("\n")
    rows = [r for r in rows if r.strip()]
    assert len(rows) >= 6
    assert all(MD5_OPTION in r.split(",") for r in rows), rows[:5]


def test_wrong_key_keeps_the_session_down_until_a_reload_fixes_it(pair):
    a, b, tmp, started = pair
    leaf = Daemon(a, unnumbered(65101, "10.0.0.11", "s3cret"), tmp, "leaf")
    spine = Daemon(b, unnumbered(65000, "10.0.0.1", "other"), tmp, "spine")
    started += [leaf, spine]
    leaf.wait_api()
    spine.wait_api()
    # Both know each other's address (Router Advertisements) and keep trying.
    wait_for(lambda: leaf.ctl_json("show", "bgp", "summary")["peers"][0]["address"], 10,
             "the peer's link-local address")
    time.sleep(5)  # several connect-retry rounds
    assert not established(leaf) and not established(spine)
    spine.config.write_text(spine.config.read_text().replace("other", "s3cret"))
    assert "restarted: its session settings changed" in spine.ctl("config", "reload").stdout
    wait_for(lambda: established(leaf) and established(spine), 20, "the session after the fix")


def test_numbered_ipv4_and_a_missing_key(pair):
    a, b, tmp, started = pair
    a.ip("addr", "add", "192.0.2.1/24", "dev", "swp1")
    b.ip("addr", "add", "192.0.2.2/24", "dev", "swp1")

    def numbered(asn, rid, peer, password):
        pw = f", password: {password}" if password else ""
        return (f"asn: {asn}\nrouter-id: {rid}\ntimers: {{connect-retry: 1}}\n"
                f"neighbors:\n  - {{address: {peer}, remote-as: external{pw}}}\n")

    left = Daemon(a, numbered(65101, "10.0.0.11", "192.0.2.2", "s3cret"), tmp, "left")
    right = Daemon(b, numbered(65000, "10.0.0.1", "192.0.2.1", None), tmp, "right")
    started += [left, right]
    left.wait_api()
    right.wait_api()
    time.sleep(4)
    assert not established(left) and not established(right)  # one end does not sign
    right.write_config(numbered(65000, "10.0.0.1", "192.0.2.1", "s3cret"))
    right.ctl("config", "reload")
    wait_for(lambda: established(left) and established(right), 20, "the signed IPv4 session")
