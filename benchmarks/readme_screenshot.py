"""The README's screenshot: the real window on Xvfb, mid-training, with a drawing predicted.

    python benchmarks/readme_screenshot.py [OUT.png]   # default resources/screenshots/main_window.png

Needs Xvfb and ImageMagick's `import` (apt-get install xvfb imagemagick).
"""
import os, subprocess, sys, time, shutil
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))
out = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "resources" / "screenshots" / "main_window.png")
r, wfd = os.pipe()
xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"], pass_fds=(wfd,), stderr=subprocess.DEVNULL)
os.close(wfd)
display = ":" + os.read(r, 16).decode().strip()
os.environ["DISPLAY"] = display; os.environ["QT_QPA_PLATFORM"] = "xcb"
os.environ["XDG_CONFIG_HOME"] = "/tmp/shot-config"; shutil.rmtree("/tmp/shot-config", ignore_errors=True)
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QEventLoop, QTimer
app = QApplication(["dense-studio"])
from dense_studio.ui.app import prepare_application
prepare_application(app)
from dense_studio.ui import MainWindow
from ui_helpers import draw_stroke
def wait(ms):
    loop = QEventLoop(); QTimer.singleShot(ms, loop.quit); loop.exec()
w = MainWindow()
w.resize(1440, 880); w.move(80, 60); w.show()
while not w.is_ready(): app.processEvents(); time.sleep(0.01)
w.epochsSpin.setValue(int(os.environ.get("SHOT_EPOCHS", "8")))
w.trainButton.click()
target = float(os.environ.get("SHOT_AT", "3.4"))
while True:
    wait(20)
    b = w.session.runs.records[-1].last_batch if w.session.runs.records else None
    if b is not None and b.epoch + b.batch / b.batches >= target - 0.9:
        break
w.drawCanvas.set_brush_size(26)
# trousers: waistband, then two legs
draw_stroke(w.drawCanvas, [(0.3, 0.12), (0.7, 0.12)])
draw_stroke(w.drawCanvas, [(0.32, 0.12), (0.3, 0.88)])
draw_stroke(w.drawCanvas, [(0.68, 0.12), (0.7, 0.88)])
draw_stroke(w.drawCanvas, [(0.5, 0.12), (0.5, 0.35)])
while True:
    wait(20)
    b = w.session.runs.records[-1].last_batch if w.session.runs.records else None
    if b is not None and b.epoch + b.batch / b.batches >= target:
        break
wait(150)
wid = int(w.winId())
p = subprocess.Popen(["import", "-display", display, "-window", hex(wid), out])
while p.poll() is None:
    app.processEvents(); time.sleep(0.01)
print("saved", out, "top:", w.predictionChart.headline(), "epochs", w.epochs_trained)
w.close(); xvfb.terminate()
