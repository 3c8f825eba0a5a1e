import sys
from pathlib import Path

import pytest

from lib.fabric import Fabric

# The fabric these tests build is the shipped example's (examples/clos.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))


@pytest.fixture
def fabric(tmp_path):
    """A Mininet fabric, stopped (daemons and namespaces gone) even on failure."""
    f = Fabric(tmp_path)
    yield f
    f.stop()
