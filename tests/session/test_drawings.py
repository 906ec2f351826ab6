"""My own drawings in the session: kept with their labels, announced, scored, stored in the
session file (old files still open, hostile drawings refused in one line), and mixed into a
fine-tuning run's training set."""

import io
import json

import numpy as np
import pytest

from dense_studio.errors import ConfigError
from dense_studio.files.session_file import (
    MAX_DRAWINGS, SessionFileError, read_session,
)
from dense_studio.session.drawings import (
    SHIFT, Drawings, DrawingsScore, FineTune, mixed_training_set,
)

from .helpers import Recorder
from .test_session_file import members, meta_bytes, npy, write_members


def test_drawings_are_added_relabelled_and_removed_with_events(fashion):
    drawings = Drawings(clock=lambda: 42.0)
    seen = Recorder(drawings.events)
    image = fashion.x_test[0]
    assert drawings.add(image, 9, "fashion_mnist") == 1
    assert drawings.add(fashion.x_test[1], 2, "Fashion-MNIST") == 2
    drawings.relabel(0, 3)
    drawings.remove(1)
    assert [len(e.value) for e in seen.of("drawings")] == [1, 2, 2, 1]
    only = drawings[0]
    assert only.label == 3 and only.added_at == 42.0 and only.dataset == "fashion_mnist"
    np.testing.assert_array_equal(only.image, image)
    assert not only.image.flags.writeable  # a copy the caller cannot change behind our back
    images, labels = drawings.arrays()
    assert images.shape == (1, 28, 28) and labels.tolist() == [3]


@pytest.mark.parametrize("image, label, fragment", [
    (np.zeros((27, 28)), 0, "28×28"),
    (np.full((28, 28), 1.5), 0, "0 to 1"),
    (np.full((28, 28), np.nan), 0, "0 to 1"),
    (np.zeros((28, 28)), -1, "label"),
    (np.zeros((28, 28)), True, "label"),
    (np.zeros((28, 28)), "3", "label"),
])
def test_bad_drawings_are_refused_in_one_line(image, label, fragment):
    drawings = Drawings()
    with pytest.raises(ConfigError, match=fragment):
        drawings.add(image, label, "mnist")
    assert len(drawings) == 0
    with pytest.raises(ConfigError, match="no drawing 0"):
        drawings.relabel(0, 1)


def test_the_session_keeps_the_canvas_input_as_a_drawing(small_session, fashion, tmp_path):
    session = small_session
    with pytest.raises(ConfigError, match="canvas is empty"):
        session.add_drawing(1)
    session.show_test_sample(5)
    session.save(tmp_path / "clean.dssession")
    assert not session.dirty
    assert session.add_drawing(int(fashion.y_test[5])) == 1
    assert session.dirty  # a drawing is part of the session's file
    np.testing.assert_array_equal(session.drawings[0].image, fashion.x_test[5])


def test_scores_count_right_answers_and_leave_other_labels_out(small_session, fashion):
    session = small_session
    session.train()
    for i in range(30):
        session.drawings.add(fashion.x_test[i], int(fashion.y_test[i]), "fashion_mnist")
    session.drawings.add(fashion.x_test[30], 12, "fashion_mnist")  # no class 12 there
    session.drawings.add(fashion.x_test[31], 1, "mnist")  # a "1", not a trouser
    score = session.score_drawings()
    predicted = np.argmax(session.model.predict(fashion.x_test[:30]), axis=1)
    assert score.count == 30 and score.left_out == 2
    assert score.right == int((predicted == fashion.y_test[:30]).sum())
    assert score.accuracy == pytest.approx(score.right / 30)
    assert score.confusion.sum() == 30 and score.confusion.shape == (10, 10)
    for t, p in zip(fashion.y_test[:30], predicted):
        assert score.confusion[t, p] >= 1
    assert score.predicted[30:].tolist() == [-1, -1]
    assert score.predicted[:30].tolist() == predicted.tolist()


def test_an_empty_score_has_no_accuracy():
    score = DrawingsScore.of(lambda x: None, np.zeros((0, 28, 28)), np.zeros(0, np.int64), 10)
    assert score.count == 0 and score.accuracy is None


def test_drawings_round_trip_through_the_session_file(small_session, fashion, tmp_path):
    session = small_session
    for i in (3, 4, 5):
        session.drawings.add(fashion.x_test[i], i, "fashion_mnist")
    path = session.save(tmp_path / "mine.dssession")
    data = read_session(path)
    assert [d.label for d in data.drawings] == [3, 4, 5]
    assert {d.dataset for d in data.drawings} == {"fashion_mnist"}
    for drawing, i in zip(data.drawings, (3, 4, 5)):
        np.testing.assert_array_equal(drawing.image, fashion.x_test[i])
        assert drawing.added_at == 1_700_000_000.0
    other = type(session)(train_limit=64)
    seen = Recorder(other.events.drawings)
    other.open(path, data)
    assert [d.label for d in other.drawings] == [3, 4, 5]
    assert len(seen.events) == 1 and not other.dirty


def test_a_session_without_drawings_writes_the_old_format(small_session, tmp_path):
    """Older Dense Studios refuse unknown keys: without drawings the file is as before."""
    path = small_session.save(tmp_path / "plain.dssession")
    parts = members(path)
    meta = json.loads(np.load(io.BytesIO(parts["meta.npy"])).tobytes())
    assert "drawings" not in meta and "drawings.npy" not in parts
    assert read_session(path).drawings == ()


@pytest.fixture(scope="module")
def with_drawings(tmp_path_factory, fashion):
    from dense_studio.session import Session

    session = Session(train_limit=64)
    session.dataset_loaded(fashion)
    for i in range(4):
        session.drawings.add(fashion.x_test[i], int(fashion.y_test[i]), "fashion_mnist")
    path = session.save(tmp_path_factory.mktemp("drawings") / "good.dssession")
    parts = members(path)
    meta = json.loads(np.load(io.BytesIO(parts["meta.npy"])).tobytes())
    return path, parts, meta


def _hostile(tmp_path, parts, meta=None, **replaced):
    payload = dict(parts)
    if meta is not None:
        payload["meta.npy"] = meta_bytes(meta)
    payload.update(replaced)
    return write_members(tmp_path / "bad.dssession", payload)


def _changed(meta, change):
    copy = json.loads(json.dumps(meta))
    change(copy["drawings"])
    return copy


BAD_META = {
    "labels-not-list": (lambda d: d.update(labels="0123"), "with a dataset and a time"),
    "label-negative": (lambda d: d["labels"].__setitem__(0, -1), "bad label"),
    "label-float": (lambda d: d["labels"].__setitem__(0, 1.5), "bad label"),
    "label-huge": (lambda d: d["labels"].__setitem__(0, 10**9), "bad label"),
    "times-short": (lambda d: d["added_at"].pop(), "with a dataset and a time"),
    "time-string": (lambda d: d["added_at"].__setitem__(0, "now"), "bad time"),
    "extra-key": (lambda d: d.update(script="rm -rf"), "bad description of its drawings"),
    "dataset-injection": (lambda d: d["datasets"].__setitem__(0, "mnist'); import os #"),
                          "bad dataset name"),
    "dataset-number": (lambda d: d["datasets"].__setitem__(0, 7), "bad dataset name"),
    "datasets-short": (lambda d: d["datasets"].pop(), "with a dataset and a time"),
    "more-labels-than-images": (lambda d: (d["labels"].append(1), d["datasets"].append("mnist"),
                                           d["added_at"].append(1.0)),
                                "holds 3136 values, not 3920"),
    "too-many": (lambda d: d.update(labels=[0] * (MAX_DRAWINGS + 1),
                                    datasets=["mnist"] * (MAX_DRAWINGS + 1),
                                    added_at=[0.0] * (MAX_DRAWINGS + 1)), "1 to 5000"),
}


@pytest.mark.parametrize("case", sorted(BAD_META))
def test_a_bad_drawings_description_is_refused_in_one_line(case, with_drawings, tmp_path,
                                                          small_session):
    path, parts, meta = with_drawings
    change, fragment = BAD_META[case]
    bad = _hostile(tmp_path, parts, _changed(meta, change))
    _refused(small_session, bad, fragment)


@pytest.mark.parametrize("array, fragment", [
    (np.full(4 * 784, np.nan, np.float32), "NaN"),
    (np.full(4 * 784, 3.0, np.float32), "its drawings holds values outside 0…1"),
    (np.zeros(4 * 784, np.float64), "float64"),
    (np.zeros(5, np.float32), "holds 5 values"),
])
def test_a_bad_drawings_array_is_refused_in_one_line(array, fragment, with_drawings, tmp_path,
                                                     small_session):
    path, parts, meta = with_drawings
    bad = _hostile(tmp_path, parts, **{"drawings.npy": npy(array)})
    _refused(small_session, bad, fragment)


def test_a_missing_drawings_array_is_refused(with_drawings, tmp_path, small_session):
    path, parts, meta = with_drawings
    bad = write_members(tmp_path / "bad.dssession",
                        {k: v for k, v in parts.items() if k != "drawings.npy"})
    _refused(small_session, bad, "missing drawings")


def _refused(session, path, fragment):
    session.drawings.add(np.zeros((28, 28)), 1, "fashion_mnist")
    before = (session.drawings.items, session.config, session.dirty)
    with pytest.raises(SessionFileError) as caught:
        session.open(path)
    message = str(caught.value)
    assert "\n" not in message and len(message) <= 400 and str(path) in message
    assert fragment in message, message
    assert (session.drawings.items, session.config, session.dirty) == before


def test_the_mixed_training_set_gives_the_drawings_their_share(fashion):
    images, labels = fashion.x_test[:20], fashion.y_test[:20]
    plan = FineTune(images, labels, share=0.1, train_samples=900)
    x, y = mixed_training_set(fashion.x_train[:5000], fashion.y_train[:5000], plan, seed=3)
    assert len(x) == len(y) == 900 + 20 * 5  # 100 copies: 100 / 1000 is the share asked for
    copies, copy_labels = x[900:], y[900:]
    assert copy_labels.tolist() == np.repeat(labels, 5).tolist()
    # Every copy is its drawing moved by at most SHIFT pixels (no wrap-around).
    for copy, i in zip(copies, np.repeat(np.arange(20), 5)):
        assert any(np.array_equal(copy, _moved(images[i], dy, dx))
                   for dy in range(-SHIFT, SHIFT + 1) for dx in range(-SHIFT, SHIFT + 1))
    moved = sum(not np.array_equal(c, images[i]) for c, i in zip(copies, np.repeat(np.arange(20), 5)))
    assert moved > 50  # most copies are not exactly the drawing
    # The training part is a sample of distinct training images with their own labels.
    train = x[:900].reshape(900, -1)
    assert len({row.tobytes() for row in train}) == 900
    again, _ = mixed_training_set(fashion.x_train[:5000], fashion.y_train[:5000], plan, seed=3)
    np.testing.assert_array_equal(again, x)  # seeded


def _moved(image, dy, dx):
    out = np.zeros_like(image)
    for r in range(28):
        for c in range(28):
            if 0 <= r + dy < 28 and 0 <= c + dx < 28:
                out[r + dy, c + dx] = image[r, c]
    return out


def test_fine_tuning_is_the_next_run_only(small_session, fashion):
    session = small_session
    with pytest.raises(ConfigError, match="no drawings"):
        session.fine_tune_next_run()
    for i in range(8):
        session.drawings.add(fashion.x_test[i], int(fashion.y_test[i]), "fashion_mnist")
    session.fine_tune_next_run(epochs=1, train_samples=200)
    with pytest.raises(ConfigError, match="trained network"):
        session.start_run()  # nothing trained yet; and the plan is used up
    first = session.train()
    assert first.name == "" and first.config.epochs == 2
    session.drawings.add(fashion.x_test[9], 3, "mnist")  # a digit: not for this network
    session.fine_tune_next_run(epochs=1, train_samples=200)
    tuned = session.train()
    assert tuned.name == "fine-tune on 8 drawings"
    assert tuned.status == "finished" and tuned.config.epochs == 1
    assert tuned.config.validation_split == 0.0
    assert tuned.batches_per_epoch == -(-(200 + 8 * 3) // 64)  # 24 copies: about 10 %
    assert session.model.epochs_trained == 3
    after = session.train()  # an ordinary run again
    assert after.name == "" and after.config.epochs == 2
