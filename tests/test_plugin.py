"""Does the pytest plugin turn test outcomes into the right scores? (tested with pytester)"""

from __future__ import annotations

import pytest

from autograder.errors import NotGradable, StudentFailure
from autograder.plugin import GradingContext, derive_seed

pytest_plugins = ["pytester"]

SUITE = '''
import pytest
from autograder.compare import assert_close

@pytest.mark.points(2)
def test_right(student, reference):
    """Is the answer right?"""
    assert_close(student.call("f", 1), reference.call("f", 1), what="f(1)")

@pytest.mark.points(3)
def test_wrong(student, reference):
    assert_close(student.call("f", 2), reference.call("f", 2), what="f(2)")

@pytest.mark.points(1)
@pytest.mark.visibility("hidden")
@pytest.mark.parametrize("n", [3])
def test_hidden(student, n):
    student.call("g", n)

def test_without_points(student):
    pass

@pytest.mark.points(1)
def test_grader_bug(student):
    raise KeyError("oops")
'''


class FakeStudent:
    """f(1) is right, f(2) is wrong, g raises: what a worker would report."""

    def run(self, probe, args, kwargs, *, seed, test=""):
        name, value = args
        if name == "g":
            raise StudentFailure("your code raised ValueError: no")
        return (value * 10 if value == 1 else -1), ("printed\n" if value == 2 else "")


class FakeReference:
    def run(self, probe, args, kwargs, *, seed, site=""):
        return args[1] * 10


class MissingStudent:
    def run(self, probe, args, kwargs, *, seed, test=""):
        raise NotGradable("not gradable: demo.py could not be imported.")


def run_suite(pytester: pytest.Pytester, student, include_hidden: bool = True):
    suite = pytester.mkpydir("suites") / "demo"
    suite.mkdir()
    (suite / "test_demo.py").write_text(SUITE)
    context = GradingContext({"demo": student}, {"demo": FakeReference()}, seed=1,
                             include_hidden=include_hidden)
    result = pytester.runpytest_inprocess(str(suite), "-p", "autograder.plugin",
                                          "--strict-markers", plugins=[context])
    return result, {r.test_id.split("::")[1]: r for r in context.results}


def test_scores_statuses_and_outputs(pytester):
    """Right earns its points, wrong and student errors fail, grader bugs are 'error'."""
    result, results = run_suite(pytester, FakeStudent())
    result.assert_outcomes(passed=1, failed=3, errors=1)
    assert (results["test_right"].score, results["test_right"].status) == (2, "passed")
    assert results["test_right"].name == "demo: Is the answer right?"
    wrong = results["test_wrong"]
    assert (wrong.score, wrong.max_score, wrong.status) == (0, 3, "failed")
    assert wrong.output.startswith("f(2): 1 of 1 values differ")
    assert wrong.output.endswith("Your code printed:\nprinted\n")
    hidden = results["test_hidden[3]"]
    assert hidden.visibility == "hidden" and hidden.name == "demo: hidden [3]"
    assert hidden.output == "your code raised ValueError: no"
    assert results["test_grader_bug"].status == "error"
    assert "grader problem" in results["test_grader_bug"].output
    assert results["test_without_points"].status == "error"  # every test needs points
    assert "no @pytest.mark.points" in results["test_without_points"].output


def test_hidden_tests_are_left_out_of_the_self_check(pytester):
    _, results = run_suite(pytester, FakeStudent(), include_hidden=False)
    assert "test_hidden[3]" not in results and "test_right" in results


def test_not_gradable_module_scores_zero_everywhere(pytester):
    _, results = run_suite(pytester, MissingStudent())
    for name in ("test_right", "test_wrong", "test_hidden[3]"):
        assert results[name].score == 0
        assert results[name].output.startswith("not gradable")


SHARED_SUITE = '''
import pytest

@pytest.mark.points(1)
def test_first_side(student):
    assert student.shared("train", 5, student.run_seed) == "trained"

@pytest.mark.points(1)
def test_second_side(student):
    assert student.shared("train", 5, student.run_seed) == "trained"

@pytest.mark.points(1)
def test_failing_side(student):
    student.shared("crash", 5, student.run_seed)

@pytest.mark.points(1)
def test_failing_side_again(student):
    student.shared("crash", 5, student.run_seed)

@pytest.mark.points(1)
def test_plain_failure(student):
    student.run("crash", 1, 2)
'''


class CountingStudent:
    """Counts its runs; "crash" prints, then fails (as a worker reports it)."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.shared_runs: dict = {}

    def run(self, probe, args, kwargs, *, seed, test=""):
        self.calls.append((probe, args, seed))
        if probe == "crash":
            failure = StudentFailure("your code raised RuntimeError: boom")
            failure.printed = "epoch 1 of 5\n"
            raise failure
        return "trained", "training...\n"


def test_a_shared_run_is_run_once_and_judged_by_every_test_that_asks(pytester):
    """Do two tests that judge one training run get one run (with the submission's seed,
    not a test's), each with what it printed, and a failed run fail both the same way?
    Does a plain failed call keep what the code printed?"""
    suite = pytester.mkpydir("suites") / "demo"
    suite.mkdir()
    (suite / "test_demo.py").write_text(SHARED_SUITE)
    student = CountingStudent()
    context = GradingContext({"demo": student}, {"demo": FakeReference()}, seed=1)
    pytester.runpytest_inprocess(str(suite), "-p", "autograder.plugin", "--strict-markers",
                                 plugins=[context])
    results = {r.test_id.split("::")[1]: r for r in context.results}
    assert [call[0] for call in student.calls] == ["train", "crash", "crash"]
    train_seed = student.calls[0][2]
    assert student.calls[0][1] == (5, train_seed)  # the argument seed is the run's seed
    assert [results[t].score for t in ("test_first_side", "test_second_side")] == [1, 1]
    for name in ("test_failing_side", "test_failing_side_again", "test_plain_failure"):
        assert results[name].score == 0
        assert results[name].output.startswith("your code raised RuntimeError: boom")
        assert results[name].output.endswith("Your code printed:\nepoch 1 of 5\n"), name


SEEDS_SUITE = '''
import pytest

@pytest.mark.points(1)
def test_draws(student, reference, test_seed):
    student.call("f", 1)
    reference.call("f", 1)
'''


class SeedRecorder:
    """A student (or reference) that notes the seed each of its calls was given."""

    def __init__(self) -> None:
        self.seeds: list[int] = []

    def run(self, probe, args, kwargs, *, seed, test="", site=""):
        self.seeds.append(seed)
        return (10, "") if not site else 10


def test_the_worker_cannot_recreate_the_tests_own_random_draws(pytester):
    """Is the seed a worker gets apart from the test's ``rng`` seed, so that student code
    cannot predict the grader's draws after the call (issue 25, class 7)? Student and
    reference calls still get the same seed, and it is the same in every run."""
    student, reference = SeedRecorder(), SeedRecorder()
    suite = pytester.mkpydir("suites") / "demo"
    suite.mkdir()
    (suite / "test_demo.py").write_text(SEEDS_SUITE)
    seen = []
    for _ in range(2):
        context = GradingContext({"demo": student}, {"demo": reference}, seed=1)
        pytester.runpytest_inprocess(str(suite), "-p", "autograder.plugin",
                                     "--strict-markers", plugins=[context])
        seen.append(context.results[0].score)
    test_seed = derive_seed(1, context.results[0].test_id)
    assert seen == [1, 1]
    assert student.seeds == reference.seeds and len(set(student.seeds)) == 1
    assert student.seeds[0] != test_seed
