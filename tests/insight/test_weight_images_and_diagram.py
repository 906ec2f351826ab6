"""Weight images are the kernel's columns; the diagram's subsets are stable."""

import numpy as np

from dense_studio.insight.diagram import (
    DIAGRAM_LIMIT, diagram_columns, input_subset, shown_kernel, shown_units)
from dense_studio.insight.network import network_of
from dense_studio.insight.weight_images import (
    first_layer_images, is_template_layer, symmetric_limit)


def test_each_image_is_one_kernel_column(hidden_model):
    images = first_layer_images(network_of(hidden_model))
    kernel = hidden_model.layers[1].kernel
    assert images.shape == (48, 28, 28)
    for unit in (0, 17, 47):
        np.testing.assert_array_equal(images[unit], kernel[:, unit].reshape(28, 28))
    assert not is_template_layer(network_of(hidden_model))


def test_without_a_hidden_layer_the_images_are_the_class_templates(template_model):
    network = network_of(template_model)
    images = first_layer_images(network)
    assert is_template_layer(network) and images.shape == (10, 28, 28)
    np.testing.assert_array_equal(images[9].reshape(-1), template_model.layers[-1].kernel[:, 9])


def test_the_colour_scale_is_symmetric_around_zero():
    assert symmetric_limit(np.array([-0.5, 0.2])) == 0.5
    assert symmetric_limit(np.zeros(3)) == 1.0


def test_wide_layers_show_the_same_evenly_spread_subset():
    units = shown_units(128)
    assert len(units) == DIAGRAM_LIMIT and units[0] == 0 and units[-1] == 127
    assert (np.diff(units) > 0).all()
    np.testing.assert_array_equal(units, shown_units(128))
    np.testing.assert_array_equal(shown_units(10), np.arange(10))


def test_the_input_subset_is_a_grid_over_the_centre():
    pixels = input_subset((28, 28))
    rows, cols = np.divmod(pixels, 28)
    assert len(pixels) <= DIAGRAM_LIMIT and len(set(pixels.tolist())) == len(pixels)
    assert rows.min() >= 4 and rows.max() <= 23 and cols.min() >= 4 and cols.max() <= 23


def test_columns_and_their_weights(hidden_model):
    network = network_of(hidden_model)
    columns = diagram_columns(network)
    assert [c.size for c in columns] == [784, 48, 10]
    assert [c.hidden for c in columns] == [784 - len(columns[0].units), 48 - 32, 0]
    block = shown_kernel(network, columns, 1)
    kernel = hidden_model.layers[-1].kernel
    assert block.shape == (32, 10)
    np.testing.assert_array_equal(block[3], kernel[columns[1].units[3]])
