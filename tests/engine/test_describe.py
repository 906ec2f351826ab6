"""Facts from layer specs without a model: rows, counts, and the memory a run holds."""

import copy
import tracemalloc

import numpy as np
import pytest

from dense_studio.engine import Sequential, build_model, optimizers
from dense_studio.engine.describe import (count_params, format_bytes, layer_rows,
                                          training_memory_bytes)
from dense_studio.engine.spec import parse_layers


def array_bytes(snapshot) -> int:
    """Bytes of numpy array data alive in ``snapshot`` (numpy's own tracemalloc domain)."""
    data = snapshot.filter_traces([tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)])
    return sum(stat.size for stat in data.statistics("filename"))


@pytest.mark.parametrize("text,optimizer,batch", [
    ("128:relu", "adam", 32),
    ("64:tanh,dropout:0.2,32:linear", "rmsprop", 7),
    ("", "sgd", 100),
    ("dropout:0.3,16:gelu", optimizers.SGD(0.1, momentum=0.9, nesterov=True), 64),
    ("20:relu,20:elu", optimizers.RMSprop(momentum=0.5), 11),
])
def test_training_memory_is_what_a_run_and_the_predictor_allocate(text, optimizer, batch):
    layers = parse_layers(text)
    rng = np.random.default_rng(0)
    x = rng.random((batch, 784), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    # One step first: the engine picks (and, for the fast path, loads) its training path
    # once per process, and that one-time state is not the run's memory.
    warm = build_model(layers, seed=0)
    warm.compile(copy.deepcopy(optimizer))  # its own state, not the measured run's
    next(warm.train(x, y, epochs=1, batch_size=batch))
    tracemalloc.start()
    try:
        before = array_bytes(tracemalloc.take_snapshot())
        model = build_model(layers, seed=0)
        model.compile(optimizer)
        predictor = build_model(layers, seed=0)  # the window predicts with a copy
        run = model.train(x, y, epochs=1, batch_size=batch)
        next(run)  # one step done: every buffer of the run exists
        held = array_bytes(tracemalloc.take_snapshot()) - before
    finally:
        tracemalloc.stop()
    estimate = training_memory_bytes(layers, optimizer=optimizer, batch_size=batch)
    # Besides the network's memory, a run holds the shuffled order of its samples (int64),
    # and numpy's random generators a few bytes of state.
    assert 0 <= held - estimate - 8 * batch < 128
    assert predictor.count_params() == model.count_params()


def test_memory_counts_every_parameter_copy_and_the_optimizers_state():
    layers = parse_layers("128:relu")
    params = count_params(layers)
    adam = training_memory_bytes(layers, optimizer="adam")
    sgd = training_memory_bytes(layers, optimizer="sgd")
    assert adam - sgd == 2 * params * 4  # Adam's m and v
    assert sgd > 4 * params * 4  # two weight buffers, gradient, predictor, and the batch
    assert training_memory_bytes(layers, optimizer="sgd", itemsize=8) > sgd


def test_rows_and_counts_match_a_built_model():
    layers = parse_layers("64:tanh,dropout:0.2,32:gelu")
    model = build_model(layers, input_shape=(7, 4), num_classes=5)
    assert layer_rows(layers, (7, 4), 5) == model.layer_rows()
    assert count_params(layers, (7, 4), 5) == model.count_params()
    assert isinstance(model, Sequential)
    assert format_bytes(101_770 * 4) == "397.54 KB" and format_bytes(0) == "0.00 B"
