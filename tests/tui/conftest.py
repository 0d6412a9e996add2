"""Fixtures for the TUI tests: the stable test course, a fresh store, a fake kernel."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tui_support import COURSE, FakeKernelFactory

from engine.session.kernel_api import KernelFactory
from engine.session.study import Study
from engine.session.targets import open_target
from engine.store import SqliteStore
from engine.tui.app import LectioApp


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no pytest-asyncio needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(pyfuncitem.obj(**args))
    return True


@pytest.fixture(autouse=True)
def half_block_pictures(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pictures in half blocks whatever terminal runs the tests (a Kitty or Sixel terminal
    would otherwise change every snapshot with a picture)."""
    from engine import terminal_graphics as graphics

    monkeypatch.setenv("LECTIO_PICTURES", "halfblocks")
    graphics.protocol.cache_clear()
    yield
    graphics.protocol.cache_clear()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    db = SqliteStore(tmp_path / "lectio.db")
    yield db
    db.close()


@pytest.fixture
def kernels() -> FakeKernelFactory:
    return FakeKernelFactory()


@pytest.fixture
def make_app(store: SqliteStore, kernels: FakeKernelFactory) -> Iterator[Callable[..., LectioApp]]:
    """``make_app(target=COURSE, lang=None)``: the app over the fake kernel and a fresh store."""
    apps: list[LectioApp] = []

    def make(
        target: Path | None = COURSE,
        *,
        lang: str | None = None,
        kernel_factory: KernelFactory | None = None,
    ) -> LectioApp:
        study = Study(
            open_target(target, whole_course=True),
            store,
            learner="tester",
            lang_override=lang,
            kernel_factory=kernel_factory or kernels,
        )
        app = LectioApp(study)
        app.animation_level = "none"  # deterministic snapshots (the menu slides in)
        apps.append(app)
        return app

    yield make
    for app in apps:
        for session in app.sessions:
            session.close()
