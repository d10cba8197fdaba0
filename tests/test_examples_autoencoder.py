"""Does every example get exactly the autoencoder outcome it deserves, test by test?"""

from __future__ import annotations

from conftest import module_results, outcomes

NAME = "autoencoder"
TOTAL = 32
TESTS = 24

#: The partial example's four mistakes, and the tests each one must fail.
PARTIAL_FAILS = {
    # the decoder has no sigmoid (it still trains: the learning test passes)
    "test_build_conv_autoencoder_output_range",
    # add_noise is not clipped (reproducible and of the right size all the same)
    "test_add_noise_is_clipped",
    # PCA without mean-centring (with all components the basis is complete: still exact)
    "test_pca_reconstruct_matches_svd", "test_pca_reconstruct_digits",
    "test_pca_reconstruct_uses_training_mean", "test_pca_reconstruct_digits[k1]",
    "test_pca_reconstruct_digits[k8]",
    # noisy targets in the denoising training (the grader's noise replaces its add_noise)
    "test_train_autoencoder_denoises",
}


def test_perfect_scores_full_marks(graded_examples):
    """Does a correct solution written differently from the reference get everything?"""
    results = module_results(graded_examples["perfect"], NAME)
    assert sum(t["max_score"] for t in results["tests"]) == TOTAL
    assert len(results["tests"]) == TESTS
    assert set(outcomes(results).values()) == {"passed"}


def test_stub_scores_zero_as_not_implemented(graded_examples):
    results = module_results(graded_examples["stub"], NAME)
    assert results["score"] == 0 and len(results["tests"]) == TESTS
    assert all(t["output"].startswith("not implemented") for t in results["tests"])


def test_broken_is_not_gradable_with_the_interpreters_reason(graded_examples):
    """A misspelled import: every test says so, at zero points."""
    results = module_results(graded_examples["broken"], NAME)
    assert results["score"] == 0 and len(results["tests"]) == TESTS
    for test in results["tests"]:
        assert test["output"].startswith("not gradable: autoencoder.py could not be imported")
        assert "ImportError: cannot import name 'Conv2DTransposed'" in test["output"]


def test_partial_loses_exactly_the_points_of_its_mistakes(graded_examples):
    """Does each mistake cost only its own tests (the training tests keep their marks
    although add_noise is wrong, and the model without a sigmoid still learns)?"""
    results = module_results(graded_examples["partial"], NAME)
    failed = {test for test, status in outcomes(results).items() if status != "passed"}
    assert failed == PARTIAL_FAILS
    assert results["score"] == 21  # 11 points lost: the denoising test is worth 3
