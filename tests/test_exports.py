"""The package's public names: sorted, importable, and complete for errors."""

from __future__ import annotations

import importlib
import inspect

import assistant_ui
from assistant_ui import errors


def test_all_is_sorted_and_every_name_exists() -> None:
    names = [n for n in assistant_ui.__all__ if n != "__version__"]
    assert names == sorted(names, key=lambda n: (n[0].islower(), n))
    for name in assistant_ui.__all__:
        assert hasattr(assistant_ui, name), name


def test_every_error_class_is_exported_from_the_package() -> None:
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, (errors.AssistantUIError, Warning)):
            assert getattr(assistant_ui, name) is obj, name


def test_every_error_derives_from_the_root() -> None:
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, Exception) and not issubclass(obj, Warning):
            assert issubclass(obj, assistant_ui.AssistantUIError), name


def test_dir_lists_only_public_api() -> None:
    listed = dir(assistant_ui)
    assert not [name for name in listed if name.startswith("_") and name != "__version__"]
    assert set(listed) == {*assistant_ui.__all__, "PUBLIC_MODULES", *assistant_ui.PUBLIC_MODULES}
    for module in assistant_ui.PUBLIC_MODULES:
        assert (
            importlib.import_module(f"assistant_ui.{module}").__name__ == f"assistant_ui.{module}"
        )


def test_public_classes_and_functions_live_in_the_package() -> None:
    for name in assistant_ui.__all__:
        obj = getattr(assistant_ui, name)
        if isinstance(obj, type) or inspect.isfunction(obj):
            assert obj.__module__ == "assistant_ui", name
            assert getattr(assistant_ui, obj.__qualname__) is obj, name
