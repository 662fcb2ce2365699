"""Fixtures shared by the hostile-input tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def shared_sample():
    """The sample layer set prepared once per module and returned by every ``LayerSet.sample()`` call."""
    from gis_data.layerset import LayerSet
    from gis_data.nearest import PreparedLayers

    prepared = PreparedLayers(LayerSet.sample())
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LayerSet, "sample", classmethod(lambda cls, **kw: prepared))
        yield prepared
