"""layerMath shows the engine's numbers for the input on the canvas."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from dense_studio.engine import activations
from dense_studio.ui.inside.layer_math_view import LayerMathView


def test_the_values_shown_are_x_dot_w_plus_b_and_the_models_prediction(qtbot, panel, session):
    session.train()
    math = panel.layer_math
    assert math.objectName() == math.accessibleName() == "layerMath"
    session.show_test_sample(42)
    qtbot.waitUntil(lambda: math.current() is not None)
    shown = math.current()
    predictor = session.model.predictor
    dense = [layer for layer in predictor.layers if predictor.is_dense(layer)]
    assert len(shown) == len(dense) == 2
    x = session.dataset.x_test[42].reshape(-1).astype(np.float64)
    for layer, engine in zip(shown, dense):
        assert set(layer) == {"x", "kernel", "bias", "z", "a"}
        np.testing.assert_array_equal(layer["kernel"], engine.kernel)
        np.testing.assert_array_equal(layer["bias"], engine.bias)
        np.testing.assert_allclose(layer["x"], x, rtol=1e-5, atol=1e-6)
        z = x @ engine.kernel.astype(np.float64) + engine.bias
        np.testing.assert_allclose(layer["z"], z, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(layer["a"], activations.get(engine.activation.name)(z),
                                   rtol=1e-4, atol=1e-6)
        x = layer["a"].astype(np.float64)
    np.testing.assert_allclose(shown[-1]["a"], predictor.predict(session.dataset.x_test[42:43])[0],
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(shown[-1]["a"], session.canvas.probabilities, rtol=1e-5, atol=1e-7)


def test_shapes_and_the_row_versus_column_form_are_on_screen(qtbot, panel, session):
    session.show_test_sample(0)
    math = panel.layer_math
    qtbot.waitUntil(lambda: math.current() is not None)
    blocks = math.blocks()
    assert "(784,) · (784, 32) + (32,) → (32,)" in blocks[0].formula.text()
    assert "(32,) · (32, 10) + (10,) → (10,)" in blocks[1].formula.text()
    note = math.note.text()
    assert "x·W + b" in note and "W·x + b" in note and "m × n" in note
    for block in blocks:
        for name in ("x", "W", "b", "z", "a"):
            assert block.labels[name].toolTip()


def test_an_empty_canvas_shows_no_values(qtbot, panel, session):
    session.show_test_sample(1)
    qtbot.waitUntil(lambda: panel.layer_math.current() is not None)
    session.clear_input()
    qtbot.waitUntil(lambda: panel.layer_math.current() is None)


def test_a_test_sample_is_marked_right_or_wrong_with_its_true_label(qtbot, panel, session):
    session.train()
    probabilities = session.model.predict(session.dataset.x_test[:200])
    wrong = int(np.flatnonzero(probabilities.argmax(axis=1) != session.dataset.y_test[:200])[0])
    session.show_test_sample(wrong)
    qtbot.waitUntil(lambda: "#%d" % wrong in panel.layer_math.source.text())
    text = panel.layer_math.source.text()
    true_name = session.dataset.class_names[int(session.dataset.y_test[wrong])]
    assert "✗" in text and true_name in text


def test_clicking_a_kernel_column_shows_that_unit(qtbot, panel, session):
    session.train()
    session.show_test_sample(5)
    math = panel.layer_math
    qtbot.waitUntil(lambda: math.current() is not None)
    view = math.blocks()[0].kernel_view
    center = view.cell_center(100, 7)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(int(center.x()), int(center.y())))
    assert math.selected() == (0, 7)
    detail = math.unit_panel.detail()
    layer = math.current()[0]
    np.testing.assert_array_equal(detail.weights, layer["kernel"][:, 7])
    assert detail.z == pytest.approx(float(layer["z"][7]))
    assert detail.a == pytest.approx(float(layer["a"][7]))
    np.testing.assert_array_equal(math.unit_panel.weights_view.array(),
                                  layer["kernel"][:, 7].reshape(28, 28))
    text = math.unit_panel.pushes.text()
    assert "pixel (row" in text and "Pushes it up most" in text
    # the weight images follow the choice
    assert panel.weight_images.grid._selected == 7  # noqa: SLF001


def test_a_standalone_view_needs_no_session(qtbot, fashion):
    from dense_studio.engine import DenseSpec, build_model
    from dense_studio.insight.network import network_of

    view = LayerMathView()
    qtbot.addWidget(view)
    model = build_model((DenseSpec(8, "tanh"),), seed=3)
    view.set_network(network_of(model), fashion.class_names)
    assert view.current() is None
    view.set_input(fashion.x_test[0])
    np.testing.assert_allclose(view.current()[-1]["a"], model.predict(fashion.x_test[:1])[0],
                               rtol=1e-5, atol=1e-7)
