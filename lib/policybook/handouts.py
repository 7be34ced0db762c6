"""Handouts for a class: a student copy of every notebook without its solutions, and an answer key.

``make handouts`` (``python -m policybook.handouts OUT``) writes

* ``OUT/student/NN-*.ipynb``: the notebook as committed (no outputs), without the cells tagged
  ``solution`` (the folded explanation and the code of each exercise's solution) — the exercises
  themselves stay;
* ``OUT/answer-key/NN-*.ipynb``: the full notebook, solutions included.

Teachers hand out the student copies; in the notebooks of the repository the solutions are only
collapsed, and a student who expands them sees them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from policytext import paths

from .notebooks import notebooks

__all__ = ["student_copy", "write_handouts", "main"]


def student_copy(source: Path):
    """The notebook at ``source`` without its solution cells and outputs (an ``nbformat`` notebook)."""
    import nbformat

    nb = nbformat.read(str(source), as_version=4)
    nb.cells = [c for c in nb.cells if "solution" not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if cell.cell_type == "markdown" and cell.source.startswith("## Solutions"):
            cell.source = "## Solutions\n\nYour teacher has the answer key."
    return nb


def write_handouts(out: Path, *, source: Path = paths.NOTEBOOKS) -> list[Path]:
    """Write the student copies and the answer key under ``out``; return the student copies."""
    import nbformat

    written = []
    for name in ("student", "answer-key"):
        (out / name).mkdir(parents=True, exist_ok=True)
    for nb_path in notebooks(source):
        nbformat.write(student_copy(nb_path), str(out / "student" / nb_path.name))
        (out / "answer-key" / nb_path.name).write_bytes(nb_path.read_bytes())
        written.append(out / "student" / nb_path.name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policybook.handouts", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=str(paths.BUILD / "handouts"), help="folder (default: build/handouts)")
    args = parser.parse_args(argv)
    written = write_handouts(Path(args.out))
    print(f"{len(written)} student notebooks in {Path(args.out) / 'student'}, the answer key in "
          f"{Path(args.out) / 'answer-key'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
