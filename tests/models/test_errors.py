"""The error hierarchy: one root, subclasses that also behave like builtins."""

import pytest

from models import errors


@pytest.mark.parametrize(
    "cls,builtin",
    [
        (errors.ConfigError, ValueError),
        (errors.DataError, ValueError),
        (errors.CRSError, ValueError),
        (errors.MissingDataError, FileNotFoundError),
        (errors.UnknownNameError, KeyError),
    ],
)
def test_subclasses_inherit_root_and_builtin(cls, builtin):
    assert issubclass(cls, errors.SitingError) and issubclass(cls, builtin)


def test_unknown_name_lists_valid_names_sorted():
    exc = errors.unknown_name("cooling design", "sea", ["hybrid", "dry"])
    assert str(exc) == "unknown cooling design 'sea'; expected one of: dry, hybrid"
