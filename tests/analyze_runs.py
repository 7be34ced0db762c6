"""Running ``policytext analyze`` in-process and reading its one-line errors, for the corpus tests."""

from __future__ import annotations

from policytext import cli


def run_analyze(capsysbinary, *args) -> tuple[int, str]:
    """``policytext analyze ARGS --no-progress`` in this process: its exit code and standard error."""
    code = cli.main(["analyze", *map(str, args), "--no-progress"])
    return code, capsysbinary.readouterr()[1].decode("utf-8")


def one_line_error(err: str, *words: str) -> None:
    """``err`` is one line, no traceback nor internal error, holding every one of ``words``."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    for word in words:
        assert word in lines[0], err
