#!/usr/bin/python3
"""Prints what a screen reader sees of the aep-s3-connect window: the AT-SPI tree of the
application, one node a line (role, name, description), indented by depth.

Run through scripts/a11y-tree.sh, which starts the demo under Xvfb with the accessibility bus on.
"""
import sys
import time

import pyatspi


def dump(node, depth, out):
    try:
        role = node.getRoleName()
        name = node.name or ""
        desc = node.description or ""
    except Exception as e:  # a node that went away while walking
        out.append("  " * depth + f"<gone: {e}>")
        return
    line = "  " * depth + role
    if name:
        line += f' "{name}"'
    if desc:
        line += f" ({desc})"
    out.append(line)
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is not None:
            dump(child, depth + 1, out)


def main():
    deadline = time.time() + 30
    while time.time() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
        apps = [a for a in apps if a is not None and "aep" in (a.name or "").lower()]
        if apps:
            time.sleep(2)
            out = []
            dump(apps[0], 0, out)
            if len(out) > 3:
                print("\n".join(out))
                return 0
        time.sleep(0.5)
    print("the app never appeared on the accessibility bus", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
