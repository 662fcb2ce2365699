"""The README's Python API example runs as written (outputs redirected to a temp folder),
and its two set-up commands are the Makefile targets CI runs."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_python_api_example_runs(tmp_path, monkeypatch):
    code = README.split("## Python API", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)  # the example writes under out/
    namespace: dict = {}
    exec(compile(code, "README.md (Python API)", "exec"), namespace)
    assert (tmp_path / "out" / "report.html").is_file()
    assert (tmp_path / "out" / "demo" / "sites.csv").is_file()
    assert len(namespace["ranked"]) == 2


def test_two_commands_are_what_ci_runs():
    block = README.split("## Two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "make demo" in ci
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\ndemo:" in makefile and "\ntest:" in makefile
