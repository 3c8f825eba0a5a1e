"""Meta's pre-computed backup paths (docs/recipes/backup-paths.md), measured.

Two spines (AS 65000) and three leaves of one pod. leaf1 announces
10.91.0.1/32; leaf3 probes it from 10.93.0.1 and prefers spine1 (its
route-map-in puts spine2's paths at LOCAL_PREF 50), so every probe crosses
spine1. For each measurement leaf3's daemon is stopped (SIGSTOP): a leaf
that has not yet processed spine1's withdrawal, as happens for a while in
any large fabric. Then leaf1's link to spine1 is cut during a stream of
probes.

- Without the recipe, spine1 has no other path to leaf1: every probe sent
  after the cut is lost.
- With it (the recipe's own `leaf` and `spine` policies, applied by a
  reload), spine1 holds a backup path through leaf2 and spine2 and switches
  to it at once: no more than the probes sent while spine1 notices the link
  going down are lost. The backup stays between leaves and spines.

leaf3 keeps its plain configuration: a stopped leaf offering backups would
loop them back to spine1.
"""
import re
import signal
import time
from pathlib import Path

import pytest

from lib.netns import wait_for

pytestmark = pytest.mark.topology

RECIPE = Path(__file__).resolve().parents[2] / "docs" / "recipes" / "backup-paths.md"
TARGET, SOURCE = "10.91.0.1", "10.93.0.1"
# A held-up leaf (SIGSTOP) must keep its sessions: hold time well above
# the measurement, no BFD (links going down are seen at once anyway).
TIMERS = "timers: {keepalive: 3, hold: 15, connect-retry: 1}\n"
PROBES, INTERVAL, CUT_AFTER = 150, 0.02, 0.5


def recipe_block(name):
    """The YAML under `<!-- recipe: name -->` in the recipe page."""
    m = re.search(rf"<!-- recipe: {name} -->\n```yaml\n(.*?)```", RECIPE.read_text(), re.S)
    assert m, f"no {name} block in {RECIPE}"
    return m.group(1)


def spine_config(n, recipe):
    head = TIMERS + f"asn: 65000\nrouter-id: 10.0.0.{n}\n"
    if not recipe:
        return head + 'neighbors:\n  - {interface: "swp*", remote-as: external, bfd: false}\n'
    return head + recipe_block("spine") + (
        'neighbors:\n  - {interface: "swp*", remote-as: external, bfd: false, allowas-in: 1,\n'
        "     route-map-in: FROM-LEAF, route-map-out: TO-FABRIC}\n")


def leaf_config(n, recipe):
    head = TIMERS + f"asn: 6510{n}\nrouter-id: 10.0.0.1{n}\n"
    prefix = f"10.9{n}.0.1/32"
    if not recipe:
        return head + ('neighbors:\n  - {interface: "swp*", remote-as: external, bfd: false}\n'
                       f'networks: ["{prefix}"]\n')
    return head + recipe_block("leaf") + (
        'neighbors:\n  - {interface: "swp*", remote-as: external, bfd: false,\n'
        "     route-map-out: TO-SPINE, sender-as-path-loop-detection: false}\n"
        f"networks:\n  - {{prefix: {prefix}, route-map: POD-TAG}}\n")


LEAF3 = TIMERS + """asn: 65103
router-id: 10.0.0.13
route-maps:
  SPINE2-LAST: [{action: permit, set: {local-preference: 50}}]
neighbors:
  - {interface: swp1, remote-as: external, bfd: false}
  - {interface: swp2, remote-as: external, bfd: false, route-map-in: SPINE2-LAST}
networks: ["10.93.0.1/32"]
"""


@pytest.fixture
def pod(fabric):
    leaves, spines = fabric.clos(["leaf1", "leaf2", "leaf3"], ["spine1", "spine2"])
    fabric.start()
    for n, leaf in enumerate(leaves, 1):
        fabric.loopback(leaf, f"10.9{n}.0.1")
    for n, spine in enumerate(spines, 1):
        fabric.run_closbgpd(spine, spine_config(n, recipe=False))
    for n, leaf in enumerate(leaves[:2], 1):
        fabric.run_closbgpd(leaf, leaf_config(n, recipe=False))
    fabric.run_closbgpd(leaves[2], LEAF3)
    for host in leaves + spines:
        fabric.wait_api(host)
    return fabric, leaves, spines


def devices(fabric, host, prefix):
    """The devices of the kernel's route for `prefix` on `host`; None while
    the route and its nexthops change between the two reads."""
    route = fabric.kernel_route(host, prefix)
    return route and set(route[1])


def lost_when_cut(fabric, leaves, spines):
    """Probes leaf3 -> leaf1 lost when leaf1's link to spine1 is cut while
    leaf3's daemon is held, and spine1's route to leaf1 then (its devices);
    the link is back and the fabric converged on return."""
    leaf1, _, leaf3 = leaves
    wait_for(lambda: devices(fabric, leaf3, f"{TARGET}/32") == {"swp1"}, 60,
             "leaf3 to reach leaf1 through spine1 only")
    wait_for(lambda: devices(fabric, leaf1, f"{SOURCE}/32") == {"swp1", "swp2"}, 60,
             "leaf1 to reach leaf3 through both spines")
    held = fabric.daemons["leaf3"][0]
    held.send_signal(signal.SIGSTOP)
    try:
        ping = leaf3.popen(["ping", "-n", "-q", "-c", str(PROBES), "-i", str(INTERVAL),
                            "-W", "1", "-I", SOURCE, TARGET])
        time.sleep(CUT_AFTER)
        leaf1.cmd("ip link set swp1 down")
        out, _ = ping.communicate(timeout=30)
    finally:
        held.send_signal(signal.SIGCONT)
    received = int(re.search(rb"(\d+) received", out).group(1))
    spine1_via = devices(fabric, spines[0], f"{TARGET}/32")
    leaf1.cmd("ip link set swp1 up")
    # Back as before: spine1 has leaf1 directly again.
    wait_for(lambda: devices(fabric, spines[0], f"{TARGET}/32") == {"swp1"}, 60,
             "spine1 to reach leaf1 directly again")
    return PROBES - received, spine1_via


def test_a_backup_path_keeps_the_probes_flowing_through_the_spine_that_lost_the_leaf(pod):
    fabric, leaves, spines = pod
    spine1 = spines[0]
    sent_after_cut = PROBES - int(CUT_AFTER / INTERVAL)
    lost_without, via = lost_when_cut(fabric, leaves, spines)
    assert lost_without >= sent_after_cut * 0.8, \
        f"{lost_without} of {PROBES} probes lost without the recipe"
    assert via == set(), via  # spine1 had no way to leaf1

    # The recipe, applied to the spines and to leaf1 and leaf2 by a reload.
    for n, spine in enumerate(spines, 1):
        fabric.write_config(spine, spine_config(n, recipe=True))
    for n, leaf in enumerate(leaves[:2], 1):
        fabric.write_config(leaf, leaf_config(n, recipe=True))
    for host in spines + leaves[:2]:
        rc, out = fabric.ctl(host, "config", "reload")
        assert rc == 0, out

    def paths(host):
        return fabric.ctl_json(host, "show", "bgp", "routes", f"{TARGET}/32")

    # spine1: the direct path best, the backup through leaf2 kept at LOCAL_PREF 50.
    def backup_ready():
        got = {(p["peer"], tuple(p["as_path"])): p for p in paths(spine1)}
        backup = got.get(("swp2", (65102, 65000, 65101)))
        return backup and backup.get("local_pref") == 50 and not backup["best"] and \
            got.get(("swp1", (65101,)), {}).get("best")
    wait_for(backup_ready, 60, "spine1's backup path through leaf2")
    # The backups stay between leaves and spines: the other leaves settle on
    # the spines' paths alone.
    for leaf in leaves[1:]:
        wait_for(lambda: {tuple(p["as_path"]) for p in paths(leaf)} == {(65000, 65101)}, 60,
                 f"{leaf.name} to have only the spines' paths")

    lost_with, via = lost_when_cut(fabric, leaves, spines)
    assert lost_with <= sent_after_cut * 0.1, \
        f"{lost_with} probes lost with the recipe, {lost_without} without"
    assert via == {"swp2"}, via  # spine1 forwarded through leaf2
    print(f"probes lost after the cut: {lost_without} without the recipe, {lost_with} with")
