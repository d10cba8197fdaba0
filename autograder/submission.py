"""Submissions: a folder or a .zip holding any of the assignment modules.

Finding the modules is forgiving (nested folders, macOS junk, a notebook checkpoint beside
the file) and explains itself when it cannot help (a misnamed file, two copies). Each
module found is copied with its sibling ``.py`` files into a scratch folder of its own:
the worker runs there, so whatever student code writes lands in a folder nobody reads.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.errors import UsageError
from autograder.notebooks import NotebookError, differs_from_module, notebook_to_module
from autograder.roster import JUNK_PARTS
from autograder.worker.cleanup import remove_tree

MAX_DEPTH = 6
MAX_FILES = 2000
MAX_UNPACKED_BYTES = 200 * 2**20
MAX_MODULE_BYTES = 2 * 2**20


@dataclass
class LocatedModules:
    """Where each assignment module is, and notes for the student about the rest."""

    found: dict[str, Path] = field(default_factory=dict)  #: assignment -> module file
    missing: dict[str, str] = field(default_factory=dict)  #: assignment -> why not found
    notes: list[str] = field(default_factory=list)  #: shown at the top of the results


class Submission:
    """An opened submission: a folder on disk (a .zip is unpacked safely into a temp folder).

    Use as a context manager; temporary folders are removed on exit.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise UsageError(f"submission not found: {self.path}")
        self.name = self.path.name
        self._temp = Path(tempfile.mkdtemp(prefix="autograder-"))
        if self.path.is_dir():
            self.root = self.path
        elif zipfile.is_zipfile(self.path):
            self.root = self._temp / "unpacked"
            try:
                unpack_zip(self.path, self.root)
            except BaseException:  # the temp folder goes too
                self.close()
                raise
        else:
            self.close()
            raise UsageError(f"submission must be a folder or a .zip archive: {self.path}")

    def __enter__(self) -> Submission:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        remove_tree(self._temp)

    def files(self) -> list[Path]:
        """Every file of the submission (junk and deep nesting skipped), sorted."""
        result = []
        for path in sorted(self.root.rglob("*")):
            relative = path.relative_to(self.root)
            if (path.is_file() and not path.is_symlink() and len(relative.parts) <= MAX_DEPTH
                    and not any(_is_junk(part) for part in relative.parts)):
                result.append(path)
        return result[:MAX_FILES]

    def sha256(self) -> str:
        """Hash of every file's path and content: the same submission, the same hash."""
        digest = hashlib.sha256()
        for path in self.files():
            digest.update(str(path.relative_to(self.root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def locate(self, wanted: list[str], *, explicit: bool) -> LocatedModules:
        """Find ``<name>.py`` for each wanted assignment name.

        ``explicit`` says the names were asked for on the command line: a missing one is
        then graded as zero with an explanation; otherwise missing ones are just skipped.
        """
        located = LocatedModules()
        files = self.files()
        python_files = [p for p in files if p.suffix == ".py"]
        for name in wanted:
            candidates = [p for p in python_files if p.name == f"{name}.py"]
            notebooks = [p for p in files if p.name == f"{name}.ipynb"]
            if candidates and notebooks:
                if self._differ(notebooks[0], candidates):
                    located.notes.append(f"{self.relative(notebooks[0])} ignored: {name}.py "
                                         "is graded")
            elif notebooks:
                self._locate_notebook(name, notebooks, located)
                continue
            if candidates:
                chosen = min(candidates, key=lambda p: (len(p.parts), str(p)))
                located.found[name] = chosen
                if len(candidates) > 1:
                    others = ", ".join(self.relative(p) for p in candidates if p != chosen)
                    located.notes.append(f"{name}.py appears {len(candidates)} times; graded "
                                         f"{self.relative(chosen)} (ignored: {others})")
                if chosen.stat().st_size > MAX_MODULE_BYTES:
                    located.found.pop(name)
                    located.missing[name] = (f"{self.relative(chosen)} is larger than "
                                             f"{MAX_MODULE_BYTES // 2**20} MiB; not graded")
                continue
            hint = _misnamed_hint(name, python_files, self)
            if explicit or hint:
                located.missing[name] = f"{name}.py was not found in the submission.{hint}"
        if not located.found and not located.missing:
            listing = ", ".join(self.relative(p) for p in self.files()[:12]) or "no files at all"
            located.notes.append(
                "No assignment module found. Expected one of: "
                + ", ".join(f"{n}.py" for n in wanted) + f". The submission holds: {listing}.")
        return located

    def _differ(self, notebook: Path, modules: list[Path]) -> bool:
        """Does the notebook hold code the graded module lacks (worth a notice)?"""
        try:
            if notebook.stat().st_size > 4 * MAX_MODULE_BYTES:
                return True
            module = min(modules, key=lambda p: (len(p.parts), str(p)))
            return differs_from_module(notebook.read_text(errors="replace"),
                                       module.read_text(errors="replace"))
        except OSError:
            return True

    def _locate_notebook(self, name: str, notebooks: list[Path],
                         located: LocatedModules) -> None:
        chosen = min(notebooks, key=lambda p: (len(p.parts), str(p)))
        try:
            if chosen.stat().st_size > 4 * MAX_MODULE_BYTES:
                raise NotebookError(f"{self.relative(chosen)} is too large to grade")
            extraction = notebook_to_module(chosen.read_text(errors="replace"),
                                            self.relative(chosen))
        except NotebookError as error:
            located.missing[name] = str(error)
            return
        except (RecursionError, MemoryError, ValueError) as error:  # whatever the file holds
            located.missing[name] = (f"{self.relative(chosen)} could not be read as a "
                                     f"notebook ({type(error).__name__})")
            return
        located.found[name] = chosen
        located.notes.append(
            f"{self.relative(chosen)} graded as {name}.py: kept the imports, functions, "
            f"classes and constants of {extraction.cells_used} code cells; left out "
            f"{extraction.statements_dropped} other statements (plots, training runs, "
            "checks)")
        if extraction.cells_left_out:
            located.notes.append(
                f"{self.relative(chosen)}: left out, and not graded, "
                + "; ".join(extraction.cells_left_out[:10])
                + (f"; and {len(extraction.cells_left_out) - 10} more cells"
                   if len(extraction.cells_left_out) > 10 else "")
                + ". Fix or delete such a cell if it holds code you want graded")

    def scratch_copy(self, module: Path, assignment: str) -> Path:
        """Copy the module and its sibling .py files into a fresh folder; return the copy.

        A notebook is copied as the module extracted from it.
        """
        target = Path(tempfile.mkdtemp(prefix=f"{assignment}-", dir=self._temp))
        for sibling in module.parent.glob("*.py"):
            if sibling.is_file() and not sibling.is_symlink() \
                    and sibling.stat().st_size <= MAX_MODULE_BYTES:
                shutil.copyfile(sibling, target / sibling.name)
        copy = target / f"{assignment}.py"
        if module.suffix == ".ipynb":
            extraction = notebook_to_module(module.read_text(errors="replace"), module.name)
            copy.write_text(extraction.source)
        return copy

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.root))


def unpack_zip(archive: Path, target: Path) -> None:
    """Extract without trusting the archive: no absolute paths, no '..', no links, bounded."""
    target.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            if len(members) > MAX_FILES:
                raise UsageError(f"{archive.name} holds {len(members)} entries; at most "
                                 f"{MAX_FILES} are accepted")
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise UsageError(f"{archive.name} unpacks to more than "
                                 f"{MAX_UNPACKED_BYTES // 2**20} MiB")
            for member in members:
                parts = Path(member.filename).parts
                if member.is_dir() or not parts or member.filename.startswith("/") \
                        or ".." in parts or _is_link(member):
                    continue
                destination = target.joinpath(*parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UsageError(f"{archive.name} is not a readable zip archive: {error}") from None


def _is_link(member: zipfile.ZipInfo) -> bool:
    return (member.external_attr >> 16) & 0o170000 == 0o120000


def _is_junk(part: str) -> bool:
    return part in JUNK_PARTS or part.startswith("._") or part.startswith(".")


def _misnamed_hint(name: str, python_files: list[Path], submission: Submission) -> str:
    """' Found "Conv_As_Matrix (1).py": rename it to conv_as_matrix.py.' or ''."""
    for path in python_files:
        normal = re.sub(r"[\s\-]+", "_", path.stem.lower())
        normal = re.sub(r"_*(\(\d+\)|copy|\d+)$", "", normal).strip("_")
        if normal == name or difflib.SequenceMatcher(None, normal, name).ratio() > 0.85:
            return (f' Found "{submission.relative(path)}": rename it to {name}.py '
                    "(the grader only looks for the exact file name).")
    return ""
