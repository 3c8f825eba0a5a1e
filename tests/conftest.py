import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib.netns import Netns  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "netns: needs root and network namespaces")
    config.addinivalue_line("markers", "topology: Mininet fabric tests (root)")


def pytest_collection_modifyitems(config, items):
    if os.geteuid() == 0:
        return
    skip = pytest.mark.skip(reason="needs root for network namespaces")
    for item in items:
        if "netns" in item.keywords or "topology" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def netns_factory():
    """Makes namespaces and deletes every one of them afterwards."""
    made = []

    def make(name):
        ns = Netns(name)
        made.append(ns)
        return ns

    yield make
    for ns in reversed(made):
        ns.delete()


# How much of each log a failed test shows: enough for the last events.
LOG_TAIL_LINES = 80


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test shows the end of every log in its tmp_path (the
    daemons', FRR's): CI keeps only what pytest prints, and a failure that
    happens once in many runs must be explainable from that alone."""
    outcome = yield
    report = outcome.get_result()
    tmp_path = item.funcargs.get("tmp_path") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or tmp_path is None:
        return
    for log in sorted(Path(tmp_path).rglob("*.log")):
        lines = log.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
        report.sections.append((f"log {log.relative_to(tmp_path)} (last {len(lines)} lines)",
                                "\n".join(line[:300] for line in lines)))
