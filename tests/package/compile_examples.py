#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compiles every documented usage example against an installed tfcompat.

The examples are
  (a) the `// Usage:` block of every installed public header under
      PREFIX/include/tfcompat/: the comment lines after `// Usage:` that are
      indented by at least two spaces (`//   code`), up to the first line that
      is not;
  (b) every ```cpp fenced block of README.md and docs/*.md.

Each example becomes one translation unit, by this rule:
  * A program (a line defines `main(`) is compiled and linked as is.
  * Otherwise its leading `#include` and `using` lines are placed at file
    scope, after every public header and the using-directives of the public
    namespaces (tfcompat, tfcompat::estimator, tfcompat::model,
    tfcompat::data, tfcompat::feature_column). What follows them is
      - definitions, at file scope, when its first line ends with `{` and its
        last line is `}` (a function written out in full);
      - otherwise statements: the body of a function returning
        tfcompat::Status (so TFCOMPAT_RETURN_IF_ERROR, TFCOMPAT_ASSIGN_OR_RETURN
        and `return status;` work), which ends with `return OkStatus();`.
An example therefore declares everything it uses beyond the public headers and
the standard library headers it includes itself. Text that is not code
belongs outside cpp fences and Usage blocks.

`#line` directives point every diagnostic at the header or document and line
the example came from. The translation units are built as a CMake project that
finds the installed package with find_package(tfcompat); the script fails and
names the header or document and line of each example that does not compile.

Usage: compile_examples.py --source-dir SRC --prefix PREFIX --work-dir DIR
"""
import argparse
import pathlib
import re
import shutil
import subprocess
import sys

NAMESPACES = ["tfcompat", "tfcompat::estimator", "tfcompat::model", "tfcompat::data", "tfcompat::feature_column"]
USAGE_LINE = re.compile(r"^//(   .*)$")
FILE_SCOPE_LINE = re.compile(r"^\s*(#include\b|using\b)")


class Example:
    def __init__(self, label, line, lines):
        self.label = label  # the header or document, as its user finds it
        self.line = line  # 1-based line of the example's first line
        self.lines = lines


def usage_examples(header, label):
    examples = []
    lines = header.read_text().splitlines()
    for i, text in enumerate(lines):
        if text.strip() != "// Usage:":
            continue
        body = []
        for follow in lines[i + 1:]:
            match = USAGE_LINE.match(follow)
            if not match:
                break
            body.append(match.group(1)[3:] if match.group(1).startswith("   ") else match.group(1))
        examples.append(Example(label, i + 2, body))
    return examples


def fenced_examples(doc, label):
    examples = []
    lines = doc.read_text().splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```cpp":
            indent = len(lines[i]) - len(lines[i].lstrip())
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            examples.append(Example(label, i + 2, [text[indent:] for text in lines[i + 1:j]]))
            i = j
        i += 1
    return examples


def translation_unit(example, headers):
    """Returns (source text, is_program)."""
    quoted = example.label.replace("\\", "\\\\").replace('"', '\\"')
    if any(re.search(r"\bmain\s*\(", text) for text in example.lines):
        return f'#line {example.line} "{quoted}"\n' + "\n".join(example.lines) + "\n", True
    split = 0
    while split < len(example.lines) and (FILE_SCOPE_LINE.match(example.lines[split]) or
                                          not example.lines[split].strip()):
        split += 1
    prologue, rest = example.lines[:split], example.lines[split:]
    out = [f'#include "{h}"' for h in headers]
    out += [f"using namespace {ns};" for ns in NAMESPACES]
    out.append(f'#line {example.line} "{quoted}"')
    out += prologue
    definitions = bool(rest) and rest[0].rstrip().endswith("{") and rest[-1].rstrip() == "}"
    if not definitions:
        out.append("[[maybe_unused]] static tfcompat::Status DocumentedExample() {")
    out.append(f'#line {example.line + split} "{quoted}"')
    out += rest
    if not definitions:
        out += ["return tfcompat::OkStatus();", "}"]
    return "\n".join(out) + "\n", False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=pathlib.Path, required=True)
    parser.add_argument("--prefix", type=pathlib.Path, required=True)
    parser.add_argument("--work-dir", type=pathlib.Path, required=True)
    parser.add_argument("--cmake", default="cmake")
    args = parser.parse_args()
    for name in ("source_dir", "prefix", "work_dir"):
        setattr(args, name, getattr(args, name).resolve())

    include_dir = args.prefix / "include"
    header_paths = sorted((include_dir / "tfcompat").rglob("*.h"))
    if not header_paths:
        sys.exit(f"no public headers under {include_dir / 'tfcompat'}")
    headers = [p.relative_to(include_dir).as_posix() for p in header_paths]

    examples = []
    for path, name in zip(header_paths, headers):
        in_tree = args.source_dir / "include" / name
        examples += usage_examples(path, f"include/{name}" if in_tree.exists() else str(path))
    docs = [args.source_dir / "README.md"] + sorted((args.source_dir / "docs").glob("*.md"))
    for doc in docs:
        examples += fenced_examples(doc, doc.relative_to(args.source_dir).as_posix())

    shutil.rmtree(args.work_dir, ignore_errors=True)
    (args.work_dir / "src").mkdir(parents=True)
    cmake_lines = ["cmake_minimum_required(VERSION 3.25)", "project(tfcompat_documented_examples LANGUAGES CXX)",
                   "find_package(tfcompat 0.1 REQUIRED)"]
    targets = {}
    for n, example in enumerate(examples):
        source, is_program = translation_unit(example, headers)
        stem = re.sub(r"[^A-Za-z0-9]+", "_", f"{example.label}_{example.line}").strip("_")
        target = f"ex{n:03d}_{stem}"[:80]
        (args.work_dir / "src" / f"{target}.cc").write_text(source)
        kind = "add_executable" if is_program else "add_library"
        extra = "" if is_program else " OBJECT"
        cmake_lines.append(f"{kind}({target}{extra} src/{target}.cc)")
        cmake_lines.append(f"target_link_libraries({target} PRIVATE tfcompat::tfcompat)")
        # Every public header is included, MpiCommunicator's (and so mpi.h) too when installed.
        cmake_lines.append(f"if(TARGET tfcompat::mpi)\n  target_link_libraries({target} PRIVATE tfcompat::mpi)\nendif()")
        targets[target] = example
    (args.work_dir / "CMakeLists.txt").write_text("\n".join(cmake_lines) + "\n")

    build = args.work_dir / "build"
    configure = subprocess.run([args.cmake, "-S", str(args.work_dir), "-B", str(build), "-G", "Unix Makefiles",
                                f"-DCMAKE_PREFIX_PATH={args.prefix}", "-DCMAKE_BUILD_TYPE=Release"],
                               capture_output=True, text=True)
    if configure.returncode != 0:
        sys.exit(f"configuring the examples project failed:\n{configure.stdout}\n{configure.stderr}")
    everything = subprocess.run([args.cmake, "--build", str(build), "-j2", "--", "-k"], capture_output=True, text=True)
    print(f"{len(examples)} documented examples ({len(header_paths)} public headers, {len(docs)} documents)")
    if everything.returncode == 0:
        print("every documented example compiles against the installed package")
        return 0
    # Some failed: build each alone to name them, with its compiler output.
    failed = 0
    for target, example in targets.items():
        one = subprocess.run([args.cmake, "--build", str(build), "--target", target], capture_output=True, text=True)
        if one.returncode != 0:
            failed += 1
            print(f"{example.label}:{example.line}: documented example does not compile\n{one.stdout}{one.stderr}")
    if not failed:
        print(f"building the examples project failed:\n{everything.stdout}\n{everything.stderr}")
    else:
        print(f"{failed} of {len(examples)} documented examples do not compile")
    return 1


if __name__ == "__main__":
    sys.exit(main())
