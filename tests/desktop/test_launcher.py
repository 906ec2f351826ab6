"""The Linux launcher: written into the user's XDG folders, valid, removed exactly, and
never overwriting what Dense Studio did not write."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from dense_studio.desktop import DESKTOP_ID, gui
from dense_studio.desktop.launcher import (
    LauncherError,
    desktop_entry,
    install_launcher,
    launch_command,
    launcher_files,
    run_launcher_command,
    uninstall_launcher,
)

VALIDATE = shutil.which("desktop-file-validate")
ICONS = resources.files("dense_studio.resources").joinpath("icons")
BUNDLED_SIZES = sorted(
    int(entry.name.rsplit("-", 1)[1][:-4]) for entry in ICONS.iterdir()
    if entry.name.startswith(f"{DESKTOP_ID}-") and entry.name.endswith(".png")
)


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under ``root``."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def validate(path: Path) -> str:
    if VALIDATE is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    result = subprocess.run([VALIDATE, str(path)], capture_output=True, text=True, timeout=60)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if "error:" in line or "warning:" in line]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr
    return result.stdout


def unquote_exec(value: str) -> list[str]:
    """Split an Exec value back into arguments, by the Desktop Entry spec's rules."""
    value = value.replace("\\\\", "\\")  # the string-value escape
    args, current, quoted, i = [], "", False, 0
    while i < len(value):
        ch = value[i]
        if quoted and ch == "\\":
            current += value[i + 1]
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
        elif ch == " " and not quoted:
            args.append(current)
            current = ""
        else:
            current += ch
        i += 1
    args.append(current)
    return [arg.replace("%%", "%") for arg in args]


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.RawConfigParser(strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_install_writes_a_valid_entry_and_every_icon_size(tmp_path):
    assert BUNDLED_SIZES == [16, 24, 32, 48, 64, 128, 256, 512]
    written = install_launcher(home=tmp_path)
    desktop = tmp_path / "applications" / "dense-studio.desktop"
    pngs = [tmp_path / f"icons/hicolor/{n}x{n}/apps/dense-studio.png" for n in BUNDLED_SIZES]
    svg = tmp_path / "icons/hicolor/scalable/apps/dense-studio.svg"
    assert written == [desktop, *pngs, svg]
    manifest = tmp_path / "dense-studio" / "launcher.json"
    files = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert files == {desktop, *pngs, svg, manifest}

    validate(desktop)
    entry = read_entry(desktop)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Dense Studio"
    assert entry["GenericName[zh_TW]"] and entry["Comment[zh_TW]"] and entry["Comment"]
    assert entry["Terminal"] == "false"
    assert entry["Categories"].split(";")[:2] == ["Education", "Science"]
    assert entry["Icon"] == DESKTOP_ID
    assert entry["StartupWMClass"] == desktop.stem == DESKTOP_ID
    assert unquote_exec(entry["Exec"]) == launch_command()
    assert os.path.isabs(launch_command()[0]) and os.access(launch_command()[0], os.X_OK)
    for n, png in zip(BUNDLED_SIZES, pngs):
        assert png.read_bytes() == ICONS.joinpath(f"dense-studio-{n}.png").read_bytes()
    assert svg.read_bytes() == ICONS.joinpath("dense-studio.svg").read_bytes()


def test_exec_quotes_paths_with_spaces_and_reserved_characters(tmp_path):
    command = ["/opt/my apps/$HOME 100%/python", "-m", 'dense_studio "x" \\ `y`']
    desktop = tmp_path / "odd.desktop"
    desktop.write_text(desktop_entry(command), encoding="utf-8")
    validate(desktop)
    assert unquote_exec(read_entry(desktop)["Exec"]) == command
    with pytest.raises(LauncherError, match="line break"):
        desktop_entry(["/bad\npath"])


def test_uninstall_removes_exactly_what_install_wrote(tmp_path):
    # Someone else's launcher and icon, and an empty folder of theirs, are already there.
    (tmp_path / "applications").mkdir()
    (tmp_path / "applications" / "other.desktop").write_text("[Desktop Entry]\n")
    theirs = tmp_path / "icons/hicolor/48x48/apps"
    theirs.mkdir(parents=True)
    (theirs / "other.png").write_bytes(b"png")
    (tmp_path / "icons/hicolor/64x64/apps").mkdir(parents=True)
    before = tree(tmp_path)

    written = install_launcher(home=tmp_path)
    removed = uninstall_launcher(home=tmp_path)
    assert removed == written
    assert tree(tmp_path) == before


def test_an_existing_different_file_is_not_replaced_without_force(tmp_path, capsys):
    desktop = tmp_path / "applications" / "dense-studio.desktop"
    desktop.parent.mkdir()
    desktop.write_text("[Desktop Entry]\nType=Application\nName=Mine\nExec=mine\n")
    before = tree(tmp_path)

    with pytest.raises(LauncherError, match=r"dense-studio\.desktop already exists.*--force"):
        install_launcher(home=tmp_path)
    assert tree(tmp_path) == before  # nothing at all was written

    assert run_launcher_command(install=True, home=tmp_path) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith("error: ")

    assert desktop in install_launcher(home=tmp_path, force=True)
    assert read_entry(desktop)["Name"] == "Dense Studio"
    uninstall_launcher(home=tmp_path)  # replaced with force: ours now, so removed
    assert not desktop.exists()


def test_reinstalling_replaces_our_own_files_without_force(tmp_path):
    install_launcher(home=tmp_path, command=["/old/place/dense-studio"])
    assert install_launcher(home=tmp_path, command=["/old/place/dense-studio"]) == []
    desktop = tmp_path / "applications" / "dense-studio.desktop"
    assert install_launcher(home=tmp_path, command=["/new/place/dense-studio"]) == [desktop]
    assert unquote_exec(read_entry(desktop)["Exec"]) == ["/new/place/dense-studio"]
    uninstall_launcher(home=tmp_path)
    assert tree(tmp_path) == {}


def test_a_file_changed_since_install_is_left_alone(tmp_path, capsys):
    install_launcher(home=tmp_path)
    desktop = tmp_path / "applications" / "dense-studio.desktop"
    desktop.write_text(desktop.read_text() + "NoDisplay=true\n")

    assert run_launcher_command(install=False, home=tmp_path) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"left {desktop}: not written by Dense Studio, or changed since"
    assert len([line for line in out if line.startswith("removed ")]) == len(BUNDLED_SIZES) + 1
    assert tree(tmp_path) == {"applications": None, "applications/dense-studio.desktop":
                              desktop.read_bytes()}


def test_a_hostile_manifest_cannot_remove_anything_else(tmp_path):
    victim = tmp_path / "applications" / "victim.desktop"
    victim.parent.mkdir()
    victim.write_text("mine")
    install_launcher(home=tmp_path)
    manifest = tmp_path / "dense-studio" / "launcher.json"
    import hashlib
    import json

    data = json.loads(manifest.read_text())
    data["files"][str(victim)] = hashlib.sha256(b"mine").hexdigest()
    data["folders"].append(str(tmp_path / "applications"))
    manifest.write_text(json.dumps(data))
    uninstall_launcher(home=tmp_path)
    assert tree(tmp_path) == {"applications": None, "applications/victim.desktop": b"mine"}


def test_without_a_manifest_only_files_matching_ours_are_removed(tmp_path):
    install_launcher(home=tmp_path)
    (tmp_path / "dense-studio" / "launcher.json").unlink()
    svg = tmp_path / "icons/hicolor/scalable/apps/dense-studio.svg"
    svg.write_text("<svg/>")
    removed = uninstall_launcher(home=tmp_path)
    assert svg not in removed and svg.read_text() == "<svg/>"
    assert len(removed) == len(BUNDLED_SIZES) + 1


def test_a_folder_that_cannot_be_made_is_one_line_and_leaves_nothing(tmp_path, capsys):
    (tmp_path / "icons").write_text("not a folder")
    before = tree(tmp_path)
    assert run_launcher_command(install=True, home=tmp_path) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"error: {tmp_path / 'icons'} is a file, not a folder\n"
    assert tree(tmp_path) == before  # the .desktop written before the failure is gone again


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes into read-only folders anyway")
def test_a_read_only_folder_is_one_line(tmp_path, capsys):
    (tmp_path / "applications").mkdir(mode=0o555)
    try:
        assert run_launcher_command(install=True, home=tmp_path) == 2
    finally:
        (tmp_path / "applications").chmod(0o755)
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write ") and err.count("\n") == 1


def test_the_command_prints_one_line_per_file(tmp_path, capsys):
    assert run_launcher_command(install=True, home=tmp_path) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"wrote {path}" for path in launcher_files(tmp_path).targets()]
    assert run_launcher_command(install=True, home=tmp_path) == 0
    assert capsys.readouterr().out.startswith("the launcher is already installed: ")
    assert run_launcher_command(install=False, home=tmp_path) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"removed {path}" for path in launcher_files(tmp_path).targets()]
    assert run_launcher_command(install=False, home=tmp_path) == 0
    assert capsys.readouterr().out == "no launcher files to remove\n"


def test_xdg_data_home_is_used_and_a_relative_one_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert launcher_files().desktop_file == tmp_path / "data/applications/dense-studio.desktop"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert launcher_files().data_home == tmp_path / "home/.local/share"


def test_the_launcher_and_the_gui_entry_point_import_no_qt():
    code = (
        "import sys, dense_studio.desktop.launcher, dense_studio.desktop.gui; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'numpy')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gui_entry_point_opens_the_window_as_dense_studio_does(monkeypatch):
    import dense_studio.cli as cli

    calls = []
    monkeypatch.setattr(cli, "_run_window", lambda args: calls.append(args.command) or 7)
    assert gui.main([]) == 7
    assert calls == [None]  # the command line's own no-argument path
