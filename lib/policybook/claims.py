"""Claims of the book that its run must bear out.

A notebook reruns on any report, so a sentence of its prose that states a result of the run (a
share, a score, a growth rate) must come from that run — printed by a cell — or it will be wrong on
the next report.  :func:`unsupported_claims` lists the numbers of the prose (decimals and
percentages, the form results take) that no output and no code of the executed notebook contains.

Not claims, and not checked: numbers in backticks (quoted examples: `6%－6.5%`), in *italics*
(glosses of an example), and the method constants of :data:`METHOD_CONSTANTS`.  Integers are not
checked (years, counts of notebooks, "top 10" are not results).
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["unsupported_claims", "METHOD_CONSTANTS"]

#: Numbers the prose may state because they define a method, not a result: the two-sided 5% level and
#: its z of 1.96, 95% intervals, the 80% subsets of the stability check.
METHOD_CONSTANTS = frozenset({"5%", "95%", "1.96", "80%"})
_NUMBER = re.compile(r"(?<![\w.])\d+\.\d+%?|(?<![\w.])\d+%")
_QUOTED = re.compile(r"`[^`]*`|(?<!\*)\*(?!\*)[^*]+?(?<!\*)\*(?!\*)|\$[^$\n]+\$")  # code, *italics* (not **bold**), math


def _text(value) -> str:
    return value if isinstance(value, str) else "".join(value)


def unsupported_claims(notebook: str | Path) -> list[str]:
    """``cell N: number (context)`` for each number of a markdown cell of an executed notebook that
    neither its outputs nor its code contain."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    seen = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        seen.append(cell.source)
        for output in cell.get("outputs", []):
            seen.append(_text(output.get("text", "")))
            seen.extend(_text(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
    evidence = "\n".join(seen)
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        prose = _QUOTED.sub(" ", cell.source)
        for m in _NUMBER.finditer(prose):
            number = m.group()
            if number not in METHOD_CONSTANTS and number not in evidence:
                context = " ".join(prose[max(0, m.start() - 40):m.end() + 20].split())
                found.append(f"cell {index}: {number} ({context})")
    return found
