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
