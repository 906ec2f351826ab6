"""weightImages and networkDiagram draw the predictor's own weights."""

import numpy as np
from PySide6.QtCore import QPointF

from inside_helpers import make_session
from dense_studio.ui.inside.panel import InsidePanel


def test_weight_images_are_the_first_kernels_columns(qtbot, panel, session):
    session.train()
    panel.tabs.setCurrentWidget(panel.weight_images)
    view = panel.weight_images
    assert view.objectName() == view.accessibleName() == "weightImages"
    kernel = session.model.predictor.layers[1].kernel
    images = view.images()
    assert images.shape == (32, 28, 28) and images.dtype == np.float32
    for unit in (0, 13, 31):
        np.testing.assert_array_equal(images[unit], kernel[:, unit].reshape(28, 28))
    assert view.limit() == float(np.abs(kernel).max())  # symmetric scale, legend's ends
    assert view.legend.limit() == view.limit()
    assert view.labels() == ()  # hidden units have no class names
    assert view.grid.shown() == 32


def test_without_a_hidden_layer_the_ten_templates_carry_class_names(qtbot, fashion):
    session = make_session(fashion, layers=(), epochs=1)
    panel = InsidePanel(session)
    qtbot.addWidget(panel)
    panel.resize(1024, 700)
    panel.show()
    session.train()
    panel.tabs.setCurrentWidget(panel.weight_images)
    view = panel.weight_images
    images = view.images()
    assert images.shape == (10, 28, 28)
    np.testing.assert_array_equal(images[3].reshape(-1), session.model.predictor.layers[1].kernel[:, 3])
    assert view.labels() == tuple(fashion.class_names)
    assert "template" in view.caption.text()
    assert "Dress" in view.describe(3, 14, 14)
    panel.evaluator.wait()


def test_the_diagram_shows_a_stable_subset_and_the_real_weights(qtbot, panel, session):
    session.train()
    session.show_test_sample(3)
    panel.tabs.setCurrentWidget(panel.diagram)
    diagram = panel.diagram
    assert diagram.objectName() == diagram.accessibleName() == "networkDiagram"
    qtbot.waitUntil(lambda: diagram._values is not None)  # noqa: SLF001
    columns = diagram.columns()
    assert [c.size for c in columns] == [784, 32, 10]
    assert [len(c.units) for c in columns][1:] == [32, 10]
    edges = diagram.edges()
    network = panel.network()
    for k in (0, len(edges.weight) // 2, len(edges.weight) - 1):
        layer, source, target = edges.where[k]
        assert edges.weight[k] == network.steps[layer].kernel[source, target]
    assert (np.diff(edges.strength) >= 0).all()  # the strongest are drawn last, on top
    # hovering the middle of the strongest connection names its weight
    k = len(edges.weight) - 1
    middle = (edges.start[k] + edges.end[k]) / 2
    text = diagram.describe_at(QPointF(*middle))
    assert f"{edges.weight[k]:.3g}" in text and "weight" in text
    # hovering an output unit gives its bias and activation
    centers = diagram.unit_centers()[-1]
    text = diagram.describe_at(QPointF(*centers[2]))
    bias = session.model.predictor.layers[-1].bias[2]
    assert f"{bias:.3g}" in text and "activation" in text and "Pullover" in text
