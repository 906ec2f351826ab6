"""The real window opens a model a script saved, and a script loads what the window saved."""

import numpy as np
import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import QSettings  # noqa: E402

from dense_studio import keras  # noqa: E402
from dense_studio.ui import MainWindow  # noqa: E402


def test_window_and_script_open_each_other_s_models(qtbot, tmp_path, digits):
    x, y, x_test, _ = digits
    script_model = keras.Sequential([
        keras.layers.Flatten(input_shape=(28, 28)),
        keras.layers.Dense(24, activation="relu"), keras.layers.Dropout(0.1),
        keras.layers.Dense(10, activation="softmax")])
    script_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                         metrics=["accuracy"])
    script_model.fit(x, y, epochs=1, verbose=0)
    script_model.save(tmp_path / "script.dsmodel", dataset="mnist")

    settings = QSettings(str(tmp_path / "dense-studio.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, train_limit=600)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(window.is_ready, timeout=15000)
    assert window.open_model(tmp_path / "script.dsmodel") is True, window.last_error
    qtbot.waitUntil(window.is_ready, timeout=15000)
    assert window.dataset().name == "mnist"
    np.testing.assert_allclose(window.predictor().predict(x_test),
                               script_model.predict(x_test, verbose=0), rtol=1e-6, atol=1e-7)

    assert window.save_model(tmp_path / "window.dsmodel") is True
    window.close()
    reloaded = keras.models.load_model(tmp_path / "window.dsmodel")
    np.testing.assert_allclose(reloaded.predict(x_test, verbose=0),
                               script_model.predict(x_test, verbose=0), rtol=1e-6, atol=1e-7)
