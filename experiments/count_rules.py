"""Count the hand-written rules on the answer path: regular expressions and word lists (issue 24's "fewer word lists
and regexes"). The answer path is answer/ and the zhtext/ modules it imports, directly or through each other.

    python experiments/count_rules.py [--rev COMMIT]    # this tree, or a commit's (read with git show)

A regex is a compiled pattern or a pattern literal handed to re.*; a word list is a module-level tuple, list, set or
dict literal holding two or more Chinese strings, or a module-level string constant of |-separated Chinese words; a
dict keyed by code names (messages shown to users) is not a rule.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess

HAN = re.compile(r"[\u4e00-\u9fff]")


def source(path: str, rev: str | None) -> str | None:
    if rev is None:
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        except FileNotFoundError:
            return None
    shown = subprocess.run(["git", "show", f"{rev}:{path}"], capture_output=True, text=True)
    return shown.stdout if shown.returncode == 0 else None


def modules(rev: str | None) -> dict[str, str]:
    """answer/*.py and every zhtext module reachable from them."""
    listed = subprocess.run(
        ["git", "ls-tree", "--name-only", rev or "HEAD", "answer/"], capture_output=True, text=True
    ).stdout.split()
    if rev is None:
        import glob

        listed = sorted(glob.glob("answer/*.py"))
    todo = [p for p in listed if p.endswith(".py") and "train_" not in p]
    found: dict[str, str] = {}
    while todo:
        path = todo.pop()
        if path in found:
            continue
        text = source(path, rev)
        if text is None:
            continue
        found[path] = text
        for m in re.finditer(r"^from (zhtext\.\w+) import", text, re.M):
            todo.append(m.group(1).replace(".", "/") + ".py")
    return found


def count(text: str) -> tuple[int, int]:
    tree = ast.parse(text)
    regexes = 0
    for node in ast.walk(tree):
        calls_re = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
        )
        if calls_re and (
            node.func.attr == "compile" or (node.args and isinstance(node.args[0], ast.Constant | ast.JoinedStr))
        ):  # type: ignore[union-attr]
            regexes += 1
    lists = 0
    for node in tree.body:
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(value, ast.Dict) and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) and k.value.isidentifier() and k.value.isascii()
            for k in value.keys
        ):
            continue  # a table of messages by code (REASONS, CHECK_WORDS): words shown, not rules matched
        if isinstance(value, ast.Tuple | ast.List | ast.Set | ast.Dict):
            strings = [c for c in ast.walk(value) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            if sum(bool(HAN.search(c.value)) for c in strings) >= 2:
                lists += 1
        elif isinstance(value, ast.Constant) and isinstance(value.value, str) and "|" in value.value:
            lists += bool(HAN.search(value.value))
    return regexes, lists


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rev")
    args = parser.parse_args()
    total_r = total_l = 0
    for path, text in sorted(modules(args.rev).items()):
        r, lst = count(text)
        total_r, total_l = total_r + r, total_l + lst
        print(f"{path:32} regexes {r:3}  word lists {lst:3}")
    print(f"{'answer path':32} regexes {total_r:3}  word lists {total_l:3}")


if __name__ == "__main__":
    main()
