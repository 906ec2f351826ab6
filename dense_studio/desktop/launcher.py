"""The Linux launcher: a freedesktop ``.desktop`` entry and the icon, in the user's own folders.

``install_launcher()`` writes ``$XDG_DATA_HOME/applications/dense-studio.desktop`` and the icon
as ``$XDG_DATA_HOME/icons/hicolor/NxN/apps/dense-studio.png`` (every bundled size) plus
``scalable/apps/dense-studio.svg`` (``XDG_DATA_HOME`` defaults to ``~/.local/share``). Nothing
system-wide, and nothing replaced that Dense Studio did not write unless ``force=True``.

A small manifest (``$XDG_DATA_HOME/dense-studio/launcher.json``) remembers each written file's
SHA-256, so ``uninstall_launcher()`` removes exactly those files, and only while they still
hold what was written; a file changed since is left alone. The manifest is only trusted for
our own target paths, so a damaged or hostile one can never make us delete anything else.

Standard library only: the ``dense-studio`` command imports this on demand.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sys
import sysconfig
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dense_studio import __version__
from dense_studio.desktop import DESKTOP_ID
from dense_studio.errors import DenseStudioError

__all__ = [
    "LauncherError", "LauncherFiles", "launcher_files", "desktop_entry", "launch_command",
    "install_launcher", "uninstall_launcher", "run_launcher_command", "add_launcher_arguments",
]

_MANIFEST_MAX_BYTES = 64_000
_ICON_NAME = re.compile(rf"{re.escape(DESKTOP_ID)}-(\d+)\.png")
# Characters the Desktop Entry spec reserves in Exec: an argument holding one is quoted.
_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class LauncherError(DenseStudioError):
    """The launcher cannot be written or removed (one line saying why)."""


@dataclass(frozen=True)
class LauncherFiles:
    """Where the launcher's files go, and the manifest that remembers what was written."""

    data_home: Path
    desktop_file: Path
    icons: dict[Path, bytes]  # target path -> the bundled icon's bytes
    manifest: Path

    def targets(self) -> list[Path]:
        return [self.desktop_file, *self.icons]


def data_home() -> Path:
    """``$XDG_DATA_HOME`` if set to an absolute path (the spec ignores others), else
    ``~/.local/share``."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    try:
        return Path.home() / ".local" / "share"
    except RuntimeError:
        raise LauncherError("cannot find your home folder (HOME is not set)") from None


def _bundled_icons() -> dict[str, bytes]:
    """Icon theme sub-folder ('48x48', 'scalable') -> bytes, from resources/icons."""
    folder = resources.files("dense_studio.resources").joinpath("icons")
    icons: dict[str, bytes] = {}
    for entry in folder.iterdir():
        if match := _ICON_NAME.fullmatch(entry.name):
            icons[f"{match.group(1)}x{match.group(1)}"] = entry.read_bytes()
    icons["scalable"] = folder.joinpath(f"{DESKTOP_ID}.svg").read_bytes()
    return dict(sorted(icons.items(), key=lambda item: (item[0] == "scalable", len(item[0]), item[0])))


def launcher_files(home: Path | None = None) -> LauncherFiles:
    home = Path(home) if home is not None else data_home()
    icons = {}
    for sub, data in _bundled_icons().items():
        suffix = "svg" if sub == "scalable" else "png"
        icons[home / "icons" / "hicolor" / sub / "apps" / f"{DESKTOP_ID}.{suffix}"] = data
    return LauncherFiles(
        data_home=home,
        desktop_file=home / "applications" / f"{DESKTOP_ID}.desktop",
        icons=icons,
        manifest=home / DESKTOP_ID / "launcher.json",
    )


def launch_command() -> list[str]:
    """The absolute command that starts this installation's window: its ``dense-studio``
    script if there is one, else ``python -m dense_studio``."""
    python = Path(sys.executable).absolute()  # not resolved: a venv's python is a symlink
    folders = [python.parent]
    for scheme in (None, f"{os.name}_user"):
        try:
            folders.append(Path(sysconfig.get_path("scripts", scheme) if scheme else
                                sysconfig.get_path("scripts")))
        except KeyError:
            pass
    for folder in folders:
        script = folder / "dense-studio"
        if script.is_file() and os.access(script, os.X_OK):
            return [str(script.absolute())]
    return [str(python), "-m", "dense_studio"]


def _exec_value(command: list[str]) -> str:
    """``command`` as a Desktop Entry Exec value: quoted arguments, escaped string."""
    parts = []
    for arg in command:
        if "\n" in arg or "\r" in arg:
            raise LauncherError(f"cannot write a launcher for a path with a line break: {arg!r}")
        if any(ch in _EXEC_RESERVED for ch in arg):
            arg = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
        parts.append(arg.replace("%", "%%"))
    # Exec is also a string value, whose own escape rules apply on top.
    return " ".join(parts).replace("\\", "\\\\")


def desktop_entry(command: list[str]) -> str:
    """The text of ``dense-studio.desktop`` for the given launch command."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=Dense Studio",
        "GenericName=Neural network playground",
        "GenericName[zh_TW]=神經網路遊樂場",
        "Comment=See what a Dense layer does: build, train and test a small neural network",
        "Comment[zh_TW]=看看 Dense 層在做什麼：建立、訓練並測試一個小型神經網路",
        f"Exec={_exec_value(command)}",
        f"TryExec={_exec_value(command[:1])}",
        f"Icon={DESKTOP_ID}",
        "Terminal=false",
        "Categories=Education;Science;ArtificialIntelligence;",
        "Keywords=neural network;machine learning;Keras;Dense;MNIST;Fashion-MNIST;",
        "Keywords[zh_TW]=神經網路;機器學習;深度學習;Keras;MNIST;",
        "StartupNotify=true",
        f"StartupWMClass={DESKTOP_ID}",
        f"X-Dense-Studio-Version={__version__}",
        "",
    ])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    """A regular file's bytes; None when there is no file."""
    try:
        return path.read_bytes() if not path.is_symlink() else None
    except (FileNotFoundError, NotADirectoryError):  # a file in the way shows when writing
        return None
    except IsADirectoryError:
        raise LauncherError(f"{path} is a folder, not a file") from None
    except OSError as error:
        raise LauncherError(f"cannot read {path}: {error.strerror or error}") from None


def _our_folders(files: LauncherFiles) -> dict[str, Path]:
    """The folders between the data home and our files (the only ones we may remove)."""
    folders = {}
    for path in files.targets() + [files.manifest]:
        for folder in path.parents:
            if folder == files.data_home:
                break
            folders[str(folder)] = folder
    return folders


def _read_manifest(files: LauncherFiles) -> tuple[dict[Path, str], list[Path]]:
    """What the manifest says we wrote: our own target paths -> their SHA-256 then, and the
    folders we created. Entries naming anything else are ignored."""
    try:
        with open(files.manifest, "rb") as f:
            raw = f.read(_MANIFEST_MAX_BYTES + 1)
        data = json.loads(raw.decode("utf-8")) if len(raw) <= _MANIFEST_MAX_BYTES else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}, []
    if not isinstance(data, dict):
        return {}, []
    written, made = data.get("files"), data.get("folders")
    ours, our_folders = {str(path): path for path in files.targets()}, _our_folders(files)
    recorded = {
        ours[name]: digest for name, digest in (written.items() if isinstance(written, dict) else ())
        if name in ours and isinstance(digest, str) and re.fullmatch(r"[0-9a-f]{64}", digest)
    }
    folders = [our_folders[name] for name in (made if isinstance(made, list) else ())
               if isinstance(name, str) and name in our_folders]
    return recorded, folders


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (never half a file)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as error:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise LauncherError(f"cannot write {path}: {error.strerror or error}") from None


def _make_folder(folder: Path, created: list[Path]) -> None:
    """Create ``folder`` and its missing parents, remembering the ones made here."""
    missing = []
    for parent in [folder, *folder.parents]:
        if parent.is_dir():
            break
        missing.append(parent)
    for parent in reversed(missing):
        try:
            parent.mkdir()
        except FileExistsError:
            if not parent.is_dir():
                raise LauncherError(f"{parent} is a file, not a folder") from None
        except OSError as error:
            raise LauncherError(f"cannot create {parent}: {error.strerror or error}") from None
        created.append(parent)


def install_launcher(*, force: bool = False, home: Path | None = None,
                     command: list[str] | None = None) -> list[Path]:
    """Write the launcher and the icon; the files written (unchanged ones are not listed).

    A file already there that holds something else, and that this installer did not write
    (or that changed since), is only replaced with ``force=True``; otherwise nothing is
    written and :class:`LauncherError` names it.
    """
    files = launcher_files(home)
    wanted = {files.desktop_file: desktop_entry(command or launch_command()).encode("utf-8")}
    wanted.update(files.icons)
    recorded, made_before = _read_manifest(files)
    to_write, conflicts = {}, []
    for path, data in wanted.items():
        current = _read(path)
        if current == data:
            continue
        if current is not None or path.is_symlink():
            ours = current is not None and recorded.get(path) == _sha256(current)
            if not (ours or force):
                conflicts.append(path)
        to_write[path] = data
    if conflicts:
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        raise LauncherError(
            f"{conflicts[0]}{more} already exists and was not written by Dense Studio; "
            "nothing was changed (use --force to replace it)"
        )
    created: list[Path] = []
    written: list[Path] = []
    try:
        for path, data in to_write.items():
            _make_folder(path.parent, created)
            _write(path, data)
            written.append(path)
        if to_write or not files.manifest.is_file():
            _make_folder(files.manifest.parent, created)
            folders = list(dict.fromkeys(str(folder) for folder in made_before + created))
            manifest = {"version": __version__, "folders": folders,
                        "files": {str(path): _sha256(data) for path, data in wanted.items()}}
            _write(files.manifest, json.dumps(manifest, indent=1).encode("utf-8"))
    except LauncherError:
        for path in written:  # leave no half-installed launcher behind
            _remove(path, quiet=True)
        for folder in reversed(created):
            _remove_empty(folder)
        raise
    return written


def _remove(path: Path, quiet: bool = False) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as error:
        if not quiet:
            raise LauncherError(f"cannot remove {path}: {error.strerror or error}") from None


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()  # only ever removes an empty folder
    except OSError:
        pass


def uninstall_launcher(*, home: Path | None = None) -> list[Path]:
    """Remove the launcher files this installer wrote and nobody changed since; the files
    removed. Anything else (including our paths holding other content) stays."""
    files = launcher_files(home)
    recorded, made = _read_manifest(files)
    if not recorded:  # no manifest: what this version would write is ours too
        recorded = {path: _sha256(data) for path, data in files.icons.items()}
        recorded[files.desktop_file] = _sha256(desktop_entry(launch_command()).encode("utf-8"))
    removed = []
    for path in files.targets():
        current = _read(path)
        if current is not None and recorded.get(path) == _sha256(current):
            _remove(path)
            removed.append(path)
    _remove(files.manifest)
    # The folders the installer made, innermost first; one still holding anything stays.
    for folder in sorted(made, key=lambda folder: len(folder.parts), reverse=True):
        _remove_empty(folder)
    return removed


def add_launcher_arguments(parser) -> None:
    """``--install-launcher``, ``--uninstall-launcher`` and ``--force`` on an argparse parser."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--install-launcher", action="store_true",
                       help="add Dense Studio to your desktop's applications menu (Linux)")
    group.add_argument("--uninstall-launcher", action="store_true",
                       help="remove the launcher files --install-launcher wrote")
    parser.add_argument("--force", action="store_true",
                        help="with --install-launcher: replace files Dense Studio did not write")


def run_launcher_command(install: bool, force: bool = False, home: Path | None = None) -> int:
    """The command line's launcher options: one line per file (or one ``error:`` line) on
    stdout/stderr; exit code 0, or 2 when nothing could be done."""
    if home is None and sys.platform in ("win32", "darwin"):
        print("error: --install-launcher writes a freedesktop launcher for Linux desktops; "
              "on Windows and macOS start the app with dense-studio-gui", file=sys.stderr)
        return 2
    try:
        files = launcher_files(home)
        if install:
            written = install_launcher(force=force, home=files.data_home)
            for path in written:
                print(f"wrote {path}")
            if not written:
                print(f"the launcher is already installed: {files.desktop_file}")
        else:
            removed = uninstall_launcher(home=files.data_home)
            for path in removed:
                print(f"removed {path}")
            for path in files.targets():
                if path not in removed and (path.exists() or path.is_symlink()):
                    print(f"left {path}: not written by Dense Studio, or changed since")
            if not removed:
                print("no launcher files to remove")
    except LauncherError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
