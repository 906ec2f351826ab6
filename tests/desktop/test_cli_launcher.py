"""`dense-studio --install-launcher` / `--uninstall-launcher` from the real command line."""

import os
import subprocess
import sys


def _run(args, home):
    env = {**os.environ, "XDG_DATA_HOME": str(home), "HOME": str(home)}
    # cwd: not the checkout, whose dense_studio/ (without resources/) would shadow the
    # installed package
    return subprocess.run([sys.executable, "-m", "dense_studio", *args], env=env, cwd=home,
                          capture_output=True, text=True, timeout=60)


def test_the_command_line_installs_and_removes_exactly_the_launcher_files(tmp_path):
    installed = _run(["--install-launcher"], tmp_path)
    assert installed.returncode == 0, installed.stderr
    desktop = tmp_path / "applications" / "dense-studio.desktop"
    assert desktop.is_file()
    assert "Exec=" in desktop.read_text()
    written = {p for p in (tmp_path / "icons").rglob("*") if p.is_file()}
    assert any(p.suffix == ".png" for p in written)
    removed = _run(["--uninstall-launcher"], tmp_path)
    assert removed.returncode == 0, removed.stderr
    assert not desktop.exists() and not [p for p in written if p.exists()]


def test_the_two_launcher_options_exclude_each_other(tmp_path):
    both = _run(["--install-launcher", "--uninstall-launcher"], tmp_path)
    assert both.returncode == 2
    assert both.stderr.strip().count("\n") == 0 and "error" in both.stderr
