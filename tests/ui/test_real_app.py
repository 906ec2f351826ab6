"""The real app (``python -m dense_studio``) on a virtual X screen: it opens and shows content.

Needs Xvfb and ImageMagick's ``import``. Where they are missing the test is skipped with
the reason, except on CI (``CI`` set), where a missing tool is a failure: CI installs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

SCREEN = (1600, 1000)


def _missing(message: str):
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must install it")
    pytest.skip(message)


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        _missing(f"{tool} is not installed (Debian/Ubuntu: apt-get install xvfb imagemagick)")
    return path


def _need_xcb_libraries() -> None:
    """Qt's X11 plugin needs a few xcb libraries that a minimal system may lack."""
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    ldd = shutil.which("ldd")
    if not plugin.is_file() or ldd is None:
        return
    output = subprocess.run([ldd, str(plugin)], capture_output=True, text=True).stdout
    output += subprocess.run([ldd, str(plugin.parents[2] / "lib" / "libQt6XcbQpa.so.6")],
                             capture_output=True, text=True).stdout
    missing = sorted({line.split()[0] for line in output.splitlines() if "not found" in line})
    if missing:
        _missing(f"Qt's xcb platform plugin needs {', '.join(missing)} (Debian/Ubuntu: "
                 "apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 "
                 "libxkbcommon-x11-0)")


@pytest.fixture
def x_display(tmp_path):
    """A private Xvfb server; yields its DISPLAY value and stops it afterwards."""
    xvfb = _need("Xvfb")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
         "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + 15
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read_fd, 16)
            if not chunk:
                break
            number += chunk
        if not number.strip():
            pytest.fail("Xvfb did not start")
        yield f":{number.decode().strip()}"
    finally:
        os.close(read_fd)
        server.terminate()
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _screenshot(display: str, path: Path) -> np.ndarray:
    from PIL import Image

    importer = _need("import")
    subprocess.run([importer, "-display", display, "-window", "root", str(path)],
                   check=True, timeout=30, capture_output=True)
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def test_the_real_app_opens_on_a_virtual_screen(x_display, tmp_path):
    _need_xcb_libraries()
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the real X platform, not offscreen
    env.update(DISPLAY=x_display, DENSE_STUDIO_REPORT_SHOWN="1",
               XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path),
               XDG_RUNTIME_DIR=str(tmp_path))
    stderr_path = tmp_path / "stderr.txt"
    with open(stderr_path, "w") as stderr:
        app = subprocess.Popen([sys.executable, "-m", "dense_studio"], env=env,
                               stdout=subprocess.DEVNULL, stderr=stderr, cwd=tmp_path)
        try:
            deadline = time.monotonic() + 30
            while "dense-studio: shown" not in stderr_path.read_text():
                assert app.poll() is None, f"the app exited early:\n{stderr_path.read_text()}"
                assert time.monotonic() < deadline, "the window never appeared"
                time.sleep(0.05)
            time.sleep(2.0)  # the dataset loads in the background; let the window settle
            pixels = _screenshot(x_display, tmp_path / "screen.png")
        finally:
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()
    log = stderr_path.read_text()
    assert "Traceback" not in log, log
    assert pixels.shape == (SCREEN[1], SCREEN[0], 3)
    # Not blank: real contrast and many distinct colours (text, plots, buttons).
    assert pixels.std() > 20, pixels.std()
    colours = np.unique(pixels.reshape(-1, 3)[::7], axis=0)
    assert len(colours) > 50, len(colours)
    # The window covers most of the screen (default size), not a small corner.
    background = pixels[0, 0]
    covered = np.any(pixels != background, axis=2).mean()
    assert covered > 0.4, covered
