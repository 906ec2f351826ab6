"""Measure how readable the window is at a size: every visible plot's width, the window's
minimum size, and optionally a screenshot (issue 10, "Readable anywhere").

    python benchmarks/readable_sizes.py --size 1024x768                 # offscreen
    QT_SCALE_FACTOR=1.5 python benchmarks/readable_sizes.py --size 1536x1152
    xvfb-run -a -s "-screen 0 1024x768x24" python benchmarks/readable_sizes.py \
        --size 1024x768 --shot shot.png [--tab inside] [--presenter] [--zoom 2] [--dark]

It prints one line per visible plot (name, width × height in device-independent pixels)
and the smallest width. With ``--all-tabs`` each tab of the middle column is shown in turn
and measured (the smallest over all of them is printed last).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile


def _parse_size(text: str) -> tuple[int, int]:
    width, height = text.lower().split("x")
    return int(width), int(height)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=_parse_size, default=(1024, 768))
    parser.add_argument("--shot", help="save a screenshot of the window here (PNG)")
    parser.add_argument("--tab", choices=("first", "curves", "inside", "last"), default=None)
    parser.add_argument("--all-tabs", action="store_true")
    parser.add_argument("--presenter", action="store_true")
    parser.add_argument("--presenter-view", type=int, default=0)
    parser.add_argument("--zoom", type=float, default=None)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--sample", action="store_true", help="a test image on the canvas")
    parser.add_argument("--wait", type=float, default=2.0, help="seconds before measuring")
    args = parser.parse_args(argv)

    os.environ.setdefault("DENSE_STUDIO_NO_GUIDE", "1")
    if "DISPLAY" not in os.environ:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    folder = tempfile.mkdtemp(prefix="dense-readable-")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)

    app = QApplication(sys.argv[:1])
    from dense_studio.ui.app import prepare_application
    if args.dark:
        os.environ["DENSE_STUDIO_COLOR_SCHEME"] = "dark"
    prepare_application(app)
    from dense_studio.ui.main_window import MainWindow

    window = MainWindow()
    if args.zoom is not None:
        window.zoom.set_factor(args.zoom)
    window.resize(*args.size)
    window.show()

    def wait(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    wait(args.wait)
    if args.sample and window.session.dataset is not None:
        window.show_random_sample()
    if args.tab == "first":
        window.centerTabs.setCurrentIndex(0)
    elif args.tab == "curves":
        window.centerTabs.show_curves()
    elif args.tab == "last":
        window.centerTabs.setCurrentIndex(window.centerTabs.count() - 1)
    elif args.tab == "inside":
        window.centerTabs.show_inside()
    if args.presenter:
        window.presenterAction.trigger()
        wait(0.5)
        for _ in range(args.presenter_view):
            window.presenter.next_view()
    wait(0.8)

    from dense_studio.ui.readable import visible_plots
    hint = window.minimumSizeHint()
    print(f"window {window.width()}x{window.height()}  minimumSizeHint "
          f"{hint.width()}x{hint.height()}  compact={window.layout_.compact}")
    smallest = None
    tabs = range(window.centerTabs.count()) if args.all_tabs else [None]
    for index in tabs:
        if index is not None:
            window.centerTabs.setCurrentIndex(index)
            wait(0.3)
            print(f"-- tab {window.centerTabs.tabText(index)}")
        for name, width, height in visible_plots(window):
            print(f"  {name:24s} {width:5d} x {height:4d}")
            smallest = width if smallest is None else min(smallest, width)
    print(f"smallest visible plot width: {smallest} px")
    if args.shot:
        screen = window.screen()
        pixmap = screen.grabWindow(0) if args.presenter else window.grab()
        if os.environ.get("QT_QPA_PLATFORM") == "offscreen" or pixmap.isNull():
            pixmap = window.grab()
        pixmap.save(args.shot)
        print(f"saved {args.shot}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
