#!/usr/bin/env python3
"""Checks supervisor/'s folder graph: every folder is a library declared with steward_layer, the
libraries' links form no cycle, and every `#include "folder/..."` is allowed by those links.

Prints the graph in layer order. Exits 1 naming the first wrong-way include or the cycle."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "supervisor"
folders = sorted(p.name for p in root.iterdir() if p.is_dir())
links = {}
for folder in folders:
    cmake = root / folder / "CMakeLists.txt"
    text = cmake.read_text() if cmake.exists() else ""
    if not re.search(r"steward_layer\(\s*" + folder + r"\b", text):
        sys.exit(f"supervisor/{folder}/ is not a library: its CMakeLists.txt has no steward_layer({folder} ...)")
    links[folder] = sorted(set(re.findall(r"\bsteward_(\w+)", text)) - {"layer", "common_cfg", folder})

order, state = [], {}
def visit(folder, path):
    if state.get(folder) == "done":
        return
    if state.get(folder) == "open":
        sys.exit("cycle between folders: " + " -> ".join(path + [folder]))
    state[folder] = "open"
    for dep in links[folder]:
        if dep not in links:
            sys.exit(f"supervisor/{folder}/ links steward_{dep}, which is no folder of supervisor/")
        visit(dep, path + [folder])
    state[folder] = "done"
    order.append(folder)
for folder in folders:
    visit(folder, [])

def reach(folder):
    seen, todo = set(), [folder]
    while todo:
        for dep in links[todo.pop()]:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen

bad = []
for folder in folders:
    allowed = reach(folder) | {folder}
    for source in sorted((root / folder).rglob("*")):
        if source.suffix not in (".h", ".cpp"):
            continue
        for n, line in enumerate(source.read_text().splitlines(), 1):
            m = re.match(r'\s*#\s*include\s+"(\w+)/', line)
            if m and m.group(1) in links and m.group(1) not in allowed:
                bad.append(f"{source.relative_to(root.parent)}:{n}: {folder}/ includes {m.group(1)}/, "
                           f"which it does not link (it links: {', '.join(sorted(allowed - {folder})) or 'nothing'})")
for folder in order:
    print(f"{folder:10} -> {', '.join(links[folder]) or '(Qt and system libraries only)'}")
if bad:
    sys.exit("\n".join(bad))
