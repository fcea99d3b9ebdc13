#!/usr/bin/env python3
"""Turn the marked examples of docs/*.md into a CMake project (tools/ci/check-doc-examples.sh).

  doc_examples.py DOCS_DIR OUT_DIR

A fenced block right after one of these HTML comments (invisible when rendered) is checked:
  <!-- compile -->  ```cpp   a whole translation unit; compiled against the installed SDK
  <!-- test -->     ```cpp   a whole Catch2 test file; built with skill::testing and run
  <!-- run -->      ```sh    executed with bash -euo pipefail in a scratch directory, the
                             SDK's bin/ first on PATH
Each C++ block starts with a #line directive, so a compiler error names the doc's file and line.
"""
import pathlib
import re
import sys

MARKER = re.compile(r"^<!--\s*(compile|test|run)\s*-->\s*$")
FENCE = re.compile(r"^```(\w+)\s*$")


def blocks(path):
    """(kind, language, first line number, text) of every marked block."""
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        marker = MARKER.match(lines[i])
        fence = FENCE.match(lines[i + 1]) if marker and i + 1 < len(lines) else None
        if not fence:
            i += 1
            continue
        start = i + 2
        end = start
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        yield marker.group(1), fence.group(1), start + 1, "\n".join(lines[start:end]) + "\n"
        i = end + 1


CMAKE_HEAD = """cmake_minimum_required(VERSION 3.25)
project(doc_examples LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
find_package(SkillSdk CONFIG REQUIRED)
enable_testing()
"""


def main():
    docs, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    cmake = [CMAKE_HEAD]
    counts = {"compile": 0, "test": 0, "run": 0}
    for md in sorted(docs.glob("*.md")):
        for n, (kind, lang, line, text) in enumerate(blocks(md), 1):
            name = f"{md.stem.replace('-', '_')}_{n}"
            counts[kind] += 1
            if kind == "run":
                if lang not in ("sh", "bash"):
                    sys.exit(f"{md}:{line}: <!-- run --> needs a sh block")
                (out / f"{name}.sh").write_text(f"# {md.name}:{line}\n{text}")
                continue
            if lang != "cpp":
                sys.exit(f"{md}:{line}: <!-- {kind} --> needs a cpp block")
            (out / f"{name}.cpp").write_text(f'#line {line} "{md.resolve()}"\n{text}')
            # -Wno-subobject-linkage: the #line above makes GCC take the example for a
            # header (its file is not the main file), and then a lambda held in a
            # coroutine frame warns; in a real .cpp file it does not.
            flags = "-Wall -Wextra -Wpedantic -Werror -Wno-subobject-linkage"
            if kind == "compile":
                cmake.append(f"add_library({name} OBJECT {name}.cpp)\n"
                             f"target_link_libraries({name} PRIVATE skill::framework skill::testing)\n")
            else:
                cmake.append(f"add_executable({name} {name}.cpp)\n"
                             f"target_link_libraries({name} PRIVATE skill::testing skill::testing_main)\n"
                             f"add_test(NAME {name} COMMAND {name})\n"
                             f"set_tests_properties({name} PROPERTIES ENVIRONMENT\n"
                             f"  \"SKILL_PERSISTENCE_STUB=${{SkillSdk_PERSISTENCE_STUB}}\")\n")
            cmake.append(f"target_compile_options({name} PRIVATE {flags})\n")
    (out / "CMakeLists.txt").write_text("".join(cmake))
    print(f"doc examples: {counts['compile']} to compile, {counts['test']} to test, "
          f"{counts['run']} to run")


if __name__ == "__main__":
    main()
