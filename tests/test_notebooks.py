"""The notebooks: committed clean, written to the lesson contract, executed on two reports without noise."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from policytext import paths
from policybook.notebooks import notebooks

NOTEBOOKS = notebooks()
NOISE = [
    (re.compile(r"Glyph \d+.*missing from font"), "a Chinese character drawn as an empty box"),
    (re.compile(r"Building prefix dict|Loading model cost|Prefix dict has been built"), "jieba's loading log"),
    (re.compile(r"invalid escape sequence"), "jieba's invalid-escape warnings"),
    (re.compile(r"findfont"), "a font matplotlib could not find"),
    (re.compile(r"Traceback"), "a traceback"),
    (re.compile(r"PosixPath\("), "a path object shown as a cell's value (the machine's absolute path)"),
]


def test_there_are_notebooks():
    assert [nb.name for nb in NOTEBOOKS][:2] == ["00-data-audit.ipynb", "01-structure.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_follows_the_notebook_contract(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert markdown[0].startswith("# ") and "In this notebook we will" in markdown[0]
    assert any(m.startswith("## Data") for m in markdown)
    parameters = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1 and parameters[0].source.startswith(("REPORT = ", "FOLDER = "))
    assert "REPORT = " in parameters[0].source  # the run passes every notebook its report
    lesson = markdown[:markdown.index(next(m for m in markdown if m.startswith("## Solutions")))]
    assert "In this notebook we have" in lesson[-1] and "## Exercises" in lesson[-1]
    assert "Pitfalls" in "".join(lesson)
    for cell in code:
        assert len(cell.source.splitlines()) <= 15, cell.source[:60]
        assert "SimHei" not in cell.source and "sys.path" not in cell.source and "chdir" not in cell.source
        assert "!pip" not in cell.source
        # a styled table gets a random id unless given one: the same run would give another page
        assert ".style." not in cell.source or ".style.set_uuid(" in cell.source, cell.source[:60]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_facing_text_never_speaks_of_the_tests(path):
    """The prose is for readers: how the project checks itself belongs to the README, not to a lesson."""
    nb = nbformat.read(path, as_version=4)
    prose = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert not [m.group() for text in prose for m in re.finditer(r"\btests?\b|pytest|make test", text)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_exercise_has_a_hidden_solution(path):
    """2-4 exercises; each answered by a folded explanation and executed code the book hides behind a toggle."""
    nb = nbformat.read(path, as_version=4)
    summary = next(c.source for c in nb.cells if c.cell_type == "markdown" and "## Exercises" in c.source)
    exercises = re.findall(r"^(\d+)\. ", summary.split("## Exercises")[1], flags=re.M)
    assert 2 <= len(exercises) <= 4 and exercises == [str(i) for i in range(1, len(exercises) + 1)]
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    prose = [c for c in solutions if c.cell_type == "markdown"]
    code = [c for c in solutions if c.cell_type == "code"]
    assert [re.search(r"Solution (\d+)", c.source).group(1) for c in prose] == exercises
    assert all(":class: dropdown" in c.source for c in prose)  # folded in the book
    assert len(code) == len(exercises) and all("hide-cell" in c.metadata["tags"] for c in code)
    assert all(c.metadata.get("jupyter", {}).get("source_hidden") for c in solutions)  # collapsed in JupyterLab


def _check_outputs(executed: Path):
    nb = nbformat.read(executed, as_version=4)
    images = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "") + json.dumps(output.get("data", {}), ensure_ascii=False)
            for pattern, meaning in NOISE:
                assert not pattern.search(text), f"{executed.name}: {meaning}: {pattern.search(text).group()}"
            assert output.get("output_type") != "error"
            images += "image/png" in output.get("data", {})
    return images


@pytest.mark.slow
def test_notebooks_run_on_the_bundled_report(executed_bundled, processed):
    from policybook.claims import unsupported_claims

    for executed in executed_bundled:
        assert _check_outputs(executed) >= 1, f"{executed.name} draws no figure"
        assert unsupported_claims(executed) == [], executed.name  # every number of the prose comes from the run
    saved = {p.name for p in (processed / "2018_district_qingshan").iterdir()}
    assert {"audit.csv", "audit.parquet", "chapters.csv", "sections.csv"} <= saved
    panel = pd.read_csv(processed / "comparison" / "targets_over_time.csv", encoding="utf-8-sig")
    assert panel["met"].notna().sum() >= 20  # notebook 05 on the bundled corpus: national 2003-2013, Hailar 2012-2016


SMALL_REPORT = """2016年某县政府工作报告
——2016年1月20日在某县第十届人民代表大会第五次会议上
各位代表：
现在，我代表县人民政府向大会报告工作，请予审议。
一、2015年工作回顾
（一）经济平稳增长。全县完成地区生产总值120亿元，增长7.5%；一般公共预算收入8.2亿元，增长6%。
（二）民生持续改善。新增就业5200人，新建保障性住房600套，改造农村公路45公里。
二、2016年工作安排
2016年全县经济社会发展的主要预期目标是：地区生产总值增长7%左右，固定资产投资增长10%。
（一）加快产业转型。推进工业园区建设，力争引进亿元以上项目10个。
（二）保障改善民生。办好十件民生实事，确保城乡居民收入稳步增长。
各位代表，让我们团结一心，为完成全年目标任务而努力奋斗！
"""


@pytest.mark.slow
def test_notebooks_are_parameterised_by_report(tmp_path, processed, execute_notebooks):
    """Pointing REPORT at a second report reruns every notebook on it."""
    second = paths.CORPUS / "2014_district_hailar.txt"  # converted from GBK, stored with CRLF line endings
    if not second.is_file():
        second = tmp_path / "2016_county_small.txt"
        second.write_text(SMALL_REPORT, encoding="utf-8")
    from policybook.claims import unsupported_claims

    for executed in execute_notebooks(second, tmp_path / "out"):
        _check_outputs(executed)
        assert unsupported_claims(executed) == [], executed.name
        nb = nbformat.read(executed, as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert f'REPORT = "{paths.shown(second)}"' in injected[0].source  # relative to the project when inside it
    assert (processed / second.stem / "chapters.csv").exists()


@pytest.mark.slow
def test_compare_notebook_on_a_small_folder(tmp_path, processed):
    """05-compare-reports runs on any folder: two reports of two places (the bundled run covers the corpus)."""
    source = paths.NOTEBOOKS / "05-compare-reports.ipynb"
    folder = tmp_path / "two"
    folder.mkdir()
    (folder / "2016_county_small.txt").write_text(SMALL_REPORT, encoding="utf-8")
    (folder / "2018_district_qingshan.txt").write_bytes(paths.BUNDLED_REPORT.read_bytes())
    import papermill

    target = tmp_path / source.name
    papermill.execute_notebook(str(source), str(target), parameters={"FOLDER": str(folder)}, kernel_name="python3",
                               cwd=str(source.parent), progress_bar=False)
    assert _check_outputs(target) >= 1
    saved = pd.read_csv(processed / "comparison" / "targets_over_time.csv", encoding="utf-8-sig")
    assert set(saved["place_key"]) == {"district:青山区", "county:某县"}


def test_a_number_the_run_did_not_produce_is_caught(tmp_path):
    """The claim check: a share printed by a cell may be stated; a planted one may not; examples in
    backticks, glosses in italics and method constants are not claims."""
    from policybook.claims import unsupported_claims

    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("print(share)")
    code.outputs = [nbformat.v4.new_output("stream", text="share of ecology: 0.42\n")]
    nb.cells = [code, nbformat.v4.new_markdown_cell("Ecology takes 0.42 of the words; `8%左右` (*about 8.5%*) "
                                                     "is an example; |z| > 1.96 is the threshold.")]
    path = tmp_path / "ok.ipynb"
    nbformat.write(nb, str(path))
    assert unsupported_claims(path) == []
    nb.cells.append(nbformat.v4.new_markdown_cell("Three topics are stable (0.87)."))
    nbformat.write(nb, str(path))
    assert [c.split(":")[1].split()[0] for c in unsupported_claims(path)] == ["0.87"]


def test_handouts_keep_the_exercises_and_leak_no_solution(tmp_path):
    """The student copies of `make handouts`: no cell of a solution, not a line of its text."""
    from policybook.handouts import write_handouts

    students = write_handouts(tmp_path)
    assert len(students) == len(NOTEBOOKS)
    for student, source in zip(sorted(students), sorted(NOTEBOOKS)):
        original, copy = nbformat.read(source, as_version=4), nbformat.read(student, as_version=4)
        solutions = [c for c in original.cells if "solution" in c.metadata.get("tags", [])]
        assert solutions, source.name
        text = "\n".join(c.source for c in copy.cells)
        shared = "\n".join(c.source for c in original.cells if c not in solutions)  # lines the lesson has too
        for cell in solutions:
            lines = [l.strip() for l in cell.source.splitlines() if len(l.strip()) > 25 and l.strip() not in shared]
            assert not any(l in text for l in lines), (source.name, [l for l in lines if l in text][:1])
        assert "## Exercises" in text and (tmp_path / "answer-key" / source.name).read_bytes() == source.read_bytes()
