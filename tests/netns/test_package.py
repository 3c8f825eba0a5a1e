"""The Debian package (scripts/package.sh from this build tree): lintian
finds no error or warning, the package holds what an operator needs where
Debian puts it, its configuration is a conffile that peers with nothing,
its postinst creates the API's group, and the binaries it carries run.
Needs the CMake build tree (skipped against bare binaries)."""
import re
import subprocess
from pathlib import Path

import pytest

from lib.netns import BUILD, run

pytestmark = pytest.mark.netns

ROOT = Path(__file__).resolve().parents[2]


def package(*args):
    return subprocess.run(["bash", str(ROOT / "scripts/package.sh"), *args, str(BUILD)],
                          capture_output=True, text=True)


@pytest.mark.skipif(not (BUILD / "cmake_install.cmake").exists(), reason="no CMake build tree")
def test_package_contents_lintian_and_binaries(tmp_path):
    built = package("--lintian")
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    debs = list((BUILD / "deb").glob("closbgpd_*_amd64.deb"))
    assert len(debs) == 1, debs
    deb = debs[0]
    # lintian: errors and warnings fail; the two informational tags it
    # would print are explained in debian/closbgpd.lintian-overrides.
    complaints = [line for line in built.stdout.splitlines() if re.match(r"[EW]: ", line)]
    assert not complaints, "\n".join(complaints)
    # The source tree is as it was: debhelper's staging is cleaned up.
    assert not (ROOT / "debian/closbgpd").exists() and not (ROOT / "debian/files").exists()

    files = run("dpkg-deb", "--contents", str(deb)).stdout
    for path in ("./usr/sbin/closbgpd", "./usr/bin/closctl", "./etc/closbgpd/closbgpd.yaml",
                 "./lib/systemd/system/closbgpd.service", "./usr/lib/sysusers.d/closbgpd.conf",
                 "./usr/share/man/man8/closbgpd.8.gz", "./usr/share/man/man8/closctl.8.gz",
                 "./usr/share/bash-completion/completions/closctl",
                 "./usr/share/doc/closbgpd/README.md", "./usr/share/doc/closbgpd/copyright",
                 "./usr/share/doc/closbgpd/examples/leaf.yaml",
                 "./usr/share/doc/closbgpd/examples/spine.yaml"):
        assert f" {path}\n" in files, path
    control = run("dpkg-deb", "--field", str(deb)).stdout
    version = re.search(r"^Version: (\S+)", control, re.M).group(1)
    assert re.search(r"^Depends: .*libgrpc\+\+.*adduser", control, re.M), control
    info = tmp_path / "control"
    run("dpkg-deb", "--control", str(deb), str(info))
    assert (info / "conffiles").read_text().split() == ["/etc/closbgpd/closbgpd.yaml"]
    postinst = (info / "postinst").read_text()
    assert "addgroup --system --quiet closbgp" in postinst
    assert "deb-systemd-helper" in postinst  # dh_installsystemd: enabled on install
    # An upgrade restarts the daemon once the new files are in (SIGTERM, then
    # start: a graceful restart, which tests/topology's planned-restart test
    # shows keeps forwarding); it is never stopped before the unpack.
    assert "_dh_action=restart" in postinst
    prerm = (info / "prerm").read_text()
    assert '"$1" = remove' in prerm and "upgrade" not in prerm, prerm

    root = tmp_path / "root"
    run("dpkg-deb", "--extract", str(deb), str(root))
    shown = run(str(root / "usr/sbin/closbgpd"), "--version").stdout
    assert shown.startswith(f"closbgpd {version} "), (shown, version)
    assert run(str(root / "usr/bin/closctl"), "--version").stdout.startswith(f"closctl {version} ")
    checked = run(str(root / "usr/sbin/closbgpd"), "--check", "--config",
                  str(root / "etc/closbgpd/closbgpd.yaml"))
    assert "0 neighbors" in checked.stdout + checked.stderr
    unit = (root / "lib/systemd/system/closbgpd.service").read_text()
    assert "ExecStart=/usr/sbin/closbgpd --config /etc/closbgpd/closbgpd.yaml" in unit
    assert "Documentation=file:/usr/share/doc/closbgpd/README.md" in unit
    for page, says in (("closbgpd.8.gz", "/etc/closbgpd/closbgpd.yaml"),
                       ("closctl.8.gz", "show running\\-config")):
        text = run("zcat", str(root / "usr/share/man/man8" / page)).stdout
        assert text.startswith(".\\\"") and says in text, (page, text[:500])
