"""cmake --install: what an install puts where (into a scratch root, with
DESTDIR), that the unit names the binaries where the prefix put them, and
that a second install keeps the operator's configuration. Needs the CMake
build tree (skipped against bare binaries)."""
import subprocess

import pytest

from lib.netns import BUILD, run

pytestmark = pytest.mark.netns


def install(root, prefix="/usr"):
    return subprocess.run(["cmake", "--install", str(BUILD), "--prefix", prefix],
                          env={"DESTDIR": str(root), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(not (BUILD / "cmake_install.cmake").exists(), reason="no CMake build tree")
def test_install_layout_unit_and_kept_configuration(tmp_path):
    root = tmp_path / "root"
    install(root)
    for f in ("usr/sbin/closbgpd", "usr/bin/closctl", "etc/closbgpd/closbgpd.yaml",
              "lib/systemd/system/closbgpd.service", "usr/lib/sysusers.d/closbgpd.conf",
              "usr/share/bash-completion/completions/closctl", "usr/share/doc/closbgpd/README.md",
              "usr/share/doc/closbgpd/examples/leaf.yaml", "usr/share/man/man8/closbgpd.8",
              "usr/share/man/man8/closctl.8"):
        assert (root / f).is_file(), f
    unit = (root / "lib/systemd/system/closbgpd.service").read_text()
    assert "ExecStart=/usr/sbin/closbgpd --config /etc/closbgpd/closbgpd.yaml" in unit
    assert "ExecReload=/usr/bin/closctl config reload" in unit
    assert "Documentation=file:/usr/share/doc/closbgpd/README.md" in unit
    assert "g closbgp" in (root / "usr/lib/sysusers.d/closbgpd.conf").read_text()
    # The installed configuration is valid and peers with nothing.
    conf = root / "etc/closbgpd/closbgpd.yaml"
    checked = run(str(root / "usr/sbin/closbgpd"), "--check", "--config", str(conf))
    assert "0 neighbors" in checked.stdout + checked.stderr
    # The operator's edits survive a reinstall.
    conf.write_text(conf.read_text() + "# edited\n")
    assert "Keeping the existing" in install(root)
    assert conf.read_text().endswith("# edited\n")
    # Another prefix: the unit follows it.
    other = tmp_path / "other"
    install(other, "/opt/closbgp")
    assert "ExecStart=/opt/closbgp/sbin/closbgpd" in (
        other / "lib/systemd/system/closbgpd.service").read_text()
