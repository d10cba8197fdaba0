"""JUnit XML: one <testsuite> per assignment, for CI systems that draw test reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from autograder.results import RunResult


def to_junit(run: RunResult) -> ET.ElementTree:
    root = ET.Element("testsuites", name=f"autograder: {run.submission}",
                      tests=str(len(run.tests)), time=f"{run.execution_time:.3f}")
    for assignment in run.assignments():
        tests = [t for t in run.tests if t.assignment == assignment]
        score, max_score = run.by_assignment()[assignment]
        suite = ET.SubElement(
            root, "testsuite", name=assignment, tests=str(len(tests)),
            failures=str(sum(t.status == "failed" for t in tests)),
            errors=str(sum(t.status == "error" for t in tests)),
            time=f"{sum(t.seconds for t in tests):.3f}")
        properties = ET.SubElement(suite, "properties")
        for name, value in (("score", f"{score:g}"), ("max_score", f"{max_score:g}"),
                            ("seed", str(run.seed)),
                            ("submission_hash", run.submission_hash)):
            ET.SubElement(properties, "property", name=name, value=value)
        for test in tests:
            case = ET.SubElement(suite, "testcase", classname=assignment, name=test.name,
                                 time=f"{test.seconds:.3f}")
            if test.status != "passed":
                tag = "error" if test.status == "error" else "failure"
                first_line = (test.output.splitlines() or [test.status])[0]
                # The result model holds only characters XML 1.0 can carry.
                element = ET.SubElement(case, tag, message=first_line[:500])
                element.text = test.output
    return ET.ElementTree(root)


def write(run: RunResult, path: str | Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    tree = to_junit(run)
    ET.indent(tree)
    tree.write(temporary, encoding="utf-8", xml_declaration=True)
    temporary.replace(path)

