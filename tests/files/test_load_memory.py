"""Opening a model holds its weights about once: they are read straight into the model."""

import tracemalloc

from dense_studio.engine import build_model
from dense_studio.engine.spec import DenseSpec, TrainingConfig
from dense_studio.files.model_file import load_model, save_model


def test_load_model_peaks_near_the_size_of_the_weights(tmp_path):
    layers = (DenseSpec(2048, "relu"), DenseSpec(1024, "relu"))
    config = TrainingConfig(dataset="mnist", layers=layers)
    model = build_model(layers, seed=0)
    path = save_model(model, tmp_path / "big.dsmodel", config, "mnist",
                      [str(i) for i in range(10)], {"test_accuracy": 0.5})
    weights = model.count_params() * 4
    del model
    tracemalloc.start()
    try:
        loaded = load_model(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert loaded.model.count_params() * 4 == weights
    # The model's own buffer, plus at most one layer's initial values while it is built
    # (before: the file's arrays, the model, Adam's two moments and a NaN mask, 4x or more).
    assert peak < 1.8 * weights, (peak, weights)
