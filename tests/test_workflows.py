"""The GitHub Actions workflows for TAs, run as Actions would run them.

``grade-submissions.yml`` is parsed and its own ``run:`` scripts are executed, job by job,
the way a runner does: bash ``-eo pipefail`` from a script file, ``env:`` of the workflow,
job and step with their ``${{ }}`` expressions evaluated, ``$GITHUB_OUTPUT`` read back
into job outputs, one job per matrix entry, artifacts passed between jobs. Only the
``uses:`` actions are stood in for (checkout copies the course, setup-python puts this
interpreter on PATH, upload/download copy folders).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLES, REPO, python_stand_in, run_cli

from autograder.cli import build_parser

WORKFLOW = REPO / ".github" / "workflows" / "grade-submissions.yml"
WORKFLOWS = sorted([*(REPO / ".github" / "workflows").glob("*.yml"),
                    *(REPO / "ci").glob("*.yml")])
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
#: What actions/checkout brings of the course repository (its submissions are added).
CHECKOUT = ("autograder", "solutions", "assignments", "data", "requirements.txt",
            "pyproject.toml")


# -- static checks of every workflow ------------------------------------------------------

def steps_of(workflow: Path) -> list[dict]:
    document = yaml.safe_load(workflow.read_text())
    return [step for job in document["jobs"].values() for step in job["steps"]]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_pasted_into_a_shell_script(workflow):
    """Does every value reach `run:` through env:, so that no name can inject shell?"""
    scripts = [step["run"] for step in steps_of(workflow) if "run" in step]
    assert scripts
    for script in scripts:
        assert not EXPRESSION.search(script), f"{workflow.name}: ${{{{ }}}} in run: {script}"


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_autograder_command_line_is_one_the_cli_accepts(workflow):
    lines = [line for step in steps_of(workflow) for line in step.get("run", "").splitlines()
             if "-m autograder " in line]
    assert lines
    for line in lines:
        words = shlex.split(line, posix=True)
        arguments = words[words.index("autograder") + 1:]
        # The command ends where the shell starts another one (a pipe, ;, && or ||).
        ends = [i for i, word in enumerate(arguments) if word in ("|", ";", "&&", "||")]
        arguments = arguments[:ends[0]] if ends else arguments
        # "$VARIABLE" stands for a value; "${only[@]}" for --assignment flags, or none.
        arguments = ["x" if "$" in word else word for word in arguments
                     if word != "${only[@]}"]
        build_parser().parse_args(arguments)  # exits on an unknown verb or option


# -- a stand-in runner ---------------------------------------------------------------------

def evaluate(text, context: dict):
    """A value of the workflow with its ``${{ }}`` evaluated: property paths, 'strings',
    ``||`` and ``fromJSON(...)``, the only expressions these workflows use. A value that is
    one whole expression keeps its type (a matrix is a list), as in Actions."""
    if not isinstance(text, str):
        return text

    def value(expression: str):
        for operand in expression.split("||"):
            operand = operand.strip()
            if operand.startswith("fromJSON(") and operand.endswith(")"):
                result = json.loads(value(operand[len("fromJSON("):-1]))
            elif operand.startswith("'"):
                result = operand.strip("'")
            else:
                result = context
                for key in operand.split("."):
                    result = result.get(key, "") if isinstance(result, dict) else ""
            if result not in ("", None):
                return result
        return ""

    whole = EXPRESSION.fullmatch(text.strip())
    if whole:
        return value(whole.group(1))
    return EXPRESSION.sub(lambda m: (lambda v: v if isinstance(v, str) else json.dumps(v))(
        value(m.group(1))), text)


def read_outputs(file: Path) -> dict[str, str]:
    """``$GITHUB_OUTPUT``: name=value lines (the heredoc form is not used here)."""
    outputs = {}
    for line in file.read_text().splitlines():
        name, _, text = line.partition("=")
        outputs[name] = text
    return outputs


class Runner:
    """Runs the jobs of one workflow over a course whose submissions are ``submissions``."""

    def __init__(self, workflow: Path, root: Path, submissions: Path, inputs: dict):
        self.document = yaml.safe_load(workflow.read_text())
        self.root, self.submissions = root, submissions
        self.context = {"inputs": inputs, "needs": {}}
        self.artifacts = root / "artifacts"
        self.bin = root / "bin"
        self.bin.mkdir(parents=True)
        python_stand_in(self.bin / "python")

    def job(self, name: str) -> list[dict]:
        """Every run of job ``name`` (one per matrix entry); each its workspace and outputs."""
        job = self.document["jobs"][name]
        matrix = {key: evaluate(values, self.context) for key, values in
                  job.get("strategy", {}).get("matrix", {}).items()}
        entries = [{}] if not matrix else [{key: item} for key, items in matrix.items()
                                            for item in items]
        assert entries, f"job {name}: empty matrix"
        runs = []
        for index, entry in enumerate(entries):
            context = dict(self.context, matrix=entry, strategy={"job-index": index}, steps={})
            workspace = self.root / f"{name}-{index}"
            for step in job["steps"]:
                self.step(step, job, context, workspace)
            outputs = {key: evaluate(text, context) for key, text in
                       job.get("outputs", {}).items()}
            runs.append({"workspace": workspace, "outputs": outputs})
        self.context["needs"][name] = {"outputs": runs[0]["outputs"]}
        return runs

    def step(self, step: dict, job: dict, context: dict, workspace: Path) -> None:
        action = step.get("uses", "").split("@")[0]
        settings = {key: evaluate(text, context) for key, text in step.get("with", {}).items()}
        if action == "actions/checkout":
            for name in CHECKOUT:
                source, target = REPO / name, workspace / name
                if source.is_dir():
                    shutil.copytree(source, target,
                                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
                else:
                    shutil.copyfile(source, target)
            shutil.copytree(self.submissions, workspace / "submissions")
        elif action == "actions/upload-artifact":
            shutil.copytree(workspace / settings["path"], self.artifacts / settings["name"])
        elif action == "actions/download-artifact":
            assert settings["merge-multiple"]
            for artifact in sorted(self.artifacts.glob(settings["pattern"])):
                shutil.copytree(artifact, workspace / settings["path"], dirs_exist_ok=True)
        elif action:
            assert action == "actions/setup-python", f"no stand-in for {action}"
        else:
            self.script(step, job, context, workspace)

    def script(self, step: dict, job: dict, context: dict, workspace: Path) -> None:
        output, summary = workspace / ".github_output", workspace / ".step_summary"
        output.write_text("")
        environment = dict(os.environ, PATH=f"{self.bin}:{os.environ['PATH']}", CI="true",
                           GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary),
                           PIP_NO_INDEX="1")  # tests never download: what is needed is here
        for scope in (self.document, job, step):
            environment.update({key: str(evaluate(text, context))
                                for key, text in scope.get("env", {}).items()})
        file = workspace / ".step.sh"
        file.write_text(step["run"])
        completed = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                                    str(file)], cwd=workspace, env=environment,
                                   capture_output=True, text=True, timeout=900)
        assert completed.returncode == 0, \
            f"step failed: {step['run']}\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": read_outputs(output)}


def gradebook(file: Path) -> dict[str, dict[str, str]]:
    """student -> row, without the seconds it took (that differs from run to run)."""
    with file.open() as handle:
        return {row["student"]: {k: v for k, v in row.items() if k != "seconds"}
                for row in csv.DictReader(handle)}


# -- the workflow, run ---------------------------------------------------------------------

def test_the_listing_needs_only_the_standard_library_and_fails_loudly(tmp_path):
    """Does the list job list the class with no package installed, and fail on an empty
    folder instead of handing the matrix nobody?"""
    for folder, expected in ((EXAMPLES, {p.name for p in EXAMPLES.iterdir() if p.is_dir()}),
                             (tmp_path / "nobody", None)):
        folder.mkdir(exist_ok=True)
        runner = Runner(WORKFLOW, tmp_path / f"run-{folder.name}", folder, {})
        # python -S: no site-packages, so numpy, keras and yaml cannot be imported.
        python_stand_in(runner.bin / "python", "-S")
        assert subprocess.run([runner.bin / "python", "-c", "import numpy"],
                              capture_output=True).returncode != 0
        if expected is None:
            with pytest.raises(AssertionError, match="holds no submissions"):
                runner.job("list")
            continue
        students = json.loads(runner.job("list")[0]["outputs"]["students"])
        assert {s["id"] for s in students} == expected


@pytest.mark.slow
def test_the_workflow_gives_the_gradebook_of_batch(tmp_path):
    """Do the workflow's own commands (a matrix job per student, then the merge) give the
    gradebook `autograder batch` gives on the same folder, for students who submitted one,
    two and all of the graded modules?"""
    graded = ["conv_as_matrix", "transposed_conv", "upsampling"]
    submitted = {"one": graded[:1], "two": [graded[0], graded[2]], "all": graded}
    submissions = tmp_path / "submissions"
    for student, modules in submitted.items():
        (submissions / student).mkdir(parents=True)
        for module in modules:
            example = "partial" if student == "two" else "perfect"
            shutil.copy(EXAMPLES / example / f"{module}.py", submissions / student)

    runner = Runner(WORKFLOW, tmp_path / "actions", submissions,
                    {"submissions": "submissions", "assignments": " ".join(graded)})
    runner.job("list")
    assert len(runner.job("grade")) == 3
    merge = runner.job("gradebook")[0]["workspace"]
    from_ci = gradebook(merge / "grading" / "gradebook.csv")

    flags = [word for name in graded for word in ("--assignment", name)]
    completed = run_cli("batch", str(submissions), "--out", str(tmp_path / "batch"), *flags)
    assert completed.returncode == 0, completed.stderr
    from_batch = gradebook(tmp_path / "batch" / "gradebook.csv")
    assert from_ci == from_batch
    assert from_batch["one"]["max_total"] == from_batch["all"]["max_total"] == "98"
    assert from_batch["one"]["total"] == "34"  # not 34/34: the modules not submitted count
    assert "## Class grades (3 students)" in (merge / ".step_summary").read_text()


# -- the student repositories' workflow ---------------------------------------------------

#: File and folder names a student's repository may hold: each tries to end a code block
#: and write Markdown of its own.
HOSTILE_NAMES = ["alice```\n# pwned\n```", "bob~~~\n# pwned\n~~~", "# heading",
                 "[link](https://example.com)", "````` five", "\n```\n[x](y)\n```"]


@pytest.mark.parametrize("found", [True, False], ids=["report", "no-module"])
def test_no_file_name_leaves_the_classroom_job_summary_code_block(tmp_path, found):
    """The classroom workflow shows `autograder check`'s report as the job summary, in a
    code block: the repository's file names in it stay there, as text."""
    from markdown_it import MarkdownIt

    from autograder.results import RunResult, TestResult
    from autograder.views import table

    listing = "The submission holds: " + ", ".join(HOSTILE_NAMES)
    run = RunResult(submission="../submission", output=listing, tests=[TestResult(
        name="conv_as_matrix: lecture example", assignment="conv_as_matrix", score=0,
        max_score=2, status="failed", output=listing)])
    report = table.render(run) + "\n"
    if found:
        (tmp_path / "check.txt").write_text(report)
    step, = [s for s in steps_of(REPO / "ci" / "github-classroom.yml")
             if s.get("name") == "Job summary"]
    summary = tmp_path / "summary.md"
    subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                   cwd=tmp_path, env=dict(os.environ, GITHUB_STEP_SUMMARY=str(summary)),
                   check=True)
    tokens = MarkdownIt("commonmark").parse(summary.read_text())
    assert [token.type for token in tokens] == ["fence"]
    assert tokens[0].content == (report if found else "no assignment module found\n")
