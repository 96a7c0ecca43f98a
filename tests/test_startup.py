"""Start-up: importing acl_async and starting a run import only what the run needs, and a Ctrl-C while
starting ends as KeyboardInterrupt (exit 130), never as another error or a crash."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from acl_async._signals import deferred

HEAVY = ("onnx", "openvino", "matplotlib", "PIL", "numpy")


def _imported_after(env: dict[str, str], code: str) -> set[str]:
    report = f"\nimport sys\nprint(*[m for m in {HEAVY!r} if m in sys.modules])"
    proc = subprocess.run(
        [sys.executable, "-c", code + report], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.splitlines()[-1].split())


def test_import_and_help_import_nothing_heavy(cache_env: dict[str, str]) -> None:
    assert _imported_after(cache_env, "import acl_async") == set()
    help_run = "from acl_async import cli\nassert cli.main(['--help']) == 0"
    assert _imported_after(cache_env, help_run) == set()


def test_a_default_run_does_not_import_onnx(cache_env: dict[str, str], default_model: str) -> None:
    imported = _imported_after(cache_env, "from acl_async import cli\nassert cli.main(['2', '-q']) == 0")
    assert "onnx" not in imported and "matplotlib" not in imported
    assert "numpy" in imported  # the check itself can see imports


def test_import_is_light_no_importlib_metadata(cache_env: dict[str, str]) -> None:
    """``import acl_async`` (what the ``acl-async`` script runs before its Ctrl-C handling) does not
    read the distribution's metadata: that import is the slow part of the window in which Ctrl-C
    prints a traceback.  ``__version__`` still answers, on first use."""
    code = (
        "import sys\n"
        "import acl_async, acl_async.cli\n"
        "print('importlib.metadata' in sys.modules)\n"
        "print(acl_async.__version__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=cache_env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    loaded, version = proc.stdout.split()
    assert loaded == "False"
    assert version and version[0].isdigit()


def test_ctrl_c_while_importing_is_a_keyboard_interrupt(cache_env: dict[str, str]) -> None:
    """Ctrl-C inside ``import acl_async``'s own imports is a plain KeyboardInterrupt, not a NameError
    from an except clause naming what was not imported yet."""
    code = (
        "import sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'acl_async.errors':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "import acl_async\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=cache_env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines()[-1] == "KeyboardInterrupt", proc.stderr
    assert "NameError" not in proc.stderr


def test_deferred_signal_arrives_after_the_step() -> None:
    steps: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        with deferred():
            signal.raise_signal(signal.SIGINT)
            steps.append("step finished")
    assert steps == ["step finished"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_nothing_deferred_nothing_raised() -> None:
    with deferred():
        pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
