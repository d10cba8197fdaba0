"""Does the partial example lose exactly the autoencoder tests of its mistakes?
(The perfect, stub and broken examples: test_examples.py.)"""

from __future__ import annotations

from conftest import module_results, outcomes

NAME = "autoencoder"

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


def test_partial_loses_exactly_the_points_of_its_mistakes(graded_examples):
    """Does each mistake cost only its own tests (the training tests keep their marks
    although add_noise is wrong, and the model without a sigmoid still learns)?"""
    results = module_results(graded_examples["partial"], NAME)
    failed = {test for test, status in outcomes(results).items() if status != "passed"}
    assert failed == PARTIAL_FAILS
    assert results["score"] == 21  # 11 points lost: the denoising test is worth 3
