# SPDX-License-Identifier: Apache-2.0
"""Every ```python block of README.md and docs/python.md runs: the blocks of
one document in order, sharing their names, in an empty working directory,
and what a block prints after `# ` on a print line is what it prints."""
import contextlib
import io
import pathlib
import re

import pytest

SOURCE_DIR = pathlib.Path(__file__).resolve().parents[2]
DOCUMENTS = ["README.md", "docs/python.md"]


def python_blocks(path):
    return re.findall(r"^```python\n(.*?)^```", path.read_text(), flags=re.S | re.M)


def expected_prints(block):
    """The `# text` comments of print(...) lines, in order."""
    return [m.group(1) for m in re.finditer(r"^\s*print\(.*\)\s+# (.*)$", block, flags=re.M)]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_python_examples_run_and_print_what_they_say(document, tmp_path, monkeypatch):
    blocks = python_blocks(SOURCE_DIR / document)
    assert blocks, f"{document} has no python block"
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for block in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, f"{document} example", "exec"), namespace)
        assert out.getvalue().splitlines() == expected_prints(block), block
