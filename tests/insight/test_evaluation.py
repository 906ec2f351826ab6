"""The confusion matrix covers the test split and agrees with ``Sequential.evaluate``."""

import numpy as np
import pytest

from dense_studio.insight.evaluation import evaluate_test
from dense_studio.insight.network import network_of


@pytest.fixture(scope="module")
def report(fashion, hidden_model):
    return evaluate_test(network_of(hidden_model), fashion.x_test, fashion.y_test)


def test_the_matrix_sums_to_the_test_set_and_its_trace_is_evaluate_accuracy(
        fashion, hidden_model, report):
    matrix = report.matrix()
    assert matrix.shape == (10, 10) and matrix.dtype.kind == "i"
    assert matrix.sum() == len(fashion.x_test) == 10_000
    np.testing.assert_array_equal(matrix.sum(axis=1), np.bincount(fashion.y_test, minlength=10))
    engine = hidden_model.evaluate(fashion.x_test, fashion.y_test)
    assert np.trace(matrix) / matrix.sum() == pytest.approx(engine["accuracy"], abs=1e-12)
    assert report.accuracy == pytest.approx(engine["accuracy"], abs=1e-12)
    assert report.loss == pytest.approx(engine["loss"], rel=1e-5)
    assert 0.6 < report.accuracy < 0.95  # a real, imperfect model: there are mistakes


def test_predictions_are_the_models(fashion, hidden_model, report):
    np.testing.assert_allclose(report.probabilities[:500],
                               hidden_model.predict(fashion.x_test[:500]), rtol=1e-5, atol=1e-7)


def test_per_class_accuracy_is_the_diagonal_over_the_row(report):
    matrix = report.matrix()
    np.testing.assert_allclose(report.per_class_accuracy(), np.diag(matrix) / matrix.sum(axis=1))


def test_a_cell_lists_its_images_most_confident_first(report):
    matrix = report.matrix()
    true, predicted = 6, 0  # shirts taken for T-shirts: the classic confusion
    items = report.cell(true, predicted)
    assert len(items) == matrix[true, predicted] > 0
    assert all(item.true == true and item.predicted == predicted for item in items)
    confidences = [item.confidence for item in items]
    assert confidences == sorted(confidences, reverse=True)
    top = report.top(items[0].index)
    assert len(top) == 3 and top[0][0] == predicted and top[0][1] == pytest.approx(confidences[0])
    assert top[0][1] >= top[1][1] >= top[2][1]


def test_mistakes_are_every_wrong_prediction_most_confident_first(report):
    mistakes = report.mistakes()
    matrix = report.matrix()
    assert len(mistakes) == matrix.sum() - np.trace(matrix)
    assert all(m.true != m.predicted for m in mistakes)
    confidences = [m.confidence for m in mistakes]
    assert confidences == sorted(confidences, reverse=True)
    assert report.mistakes(limit=5) == mistakes[:5]
