import pytest

from lib.fabric import Fabric


@pytest.fixture
def fabric(tmp_path):
    """A Mininet fabric, stopped (daemons and namespaces gone) even on failure."""
    f = Fabric(tmp_path)
    yield f
    f.stop()
