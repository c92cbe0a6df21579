#!/usr/bin/python3
"""Drives the real aep-s3-connect window as a person would, through what a screen reader and a
keyboard use (AT-SPI actions and focus, xdotool keys), at one window size: create a connection in
the demo, copy its ID from the result card (checked on the X clipboard), open its details, open
Connections and the delete confirmation, then Connections of all sandboxes, a create in two sandboxes
and the key rotated everywhere from a connection's menu. After each state it takes a screenshot and checks that
no showing node of the accessibility tree runs off the window's sides (above or below the fold is
listed: AccessKit does not say what a scroll area clips).

Run through scripts/real-window.sh, which starts the demo under Xvfb with the accessibility bus on.
Usage: real-window.py WIDTH HEIGHT OUT_DIR
"""
import re
import subprocess
import sys
import time

import pyatspi

WIDTH, HEIGHT, OUT = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
PREFIX = f"{WIDTH}x{HEIGHT}"
failures = []


def application():
    deadline = time.time() + 60
    while time.time() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and "aep" in (app.name or "").lower() and app.childCount:
                return app
        time.sleep(0.5)
    sys.exit("the app never appeared on the accessibility bus")


def walk(node):
    try:
        yield node
        for i in range(node.childCount):
            child = node.getChildAtIndex(i)
            if child is not None:
                yield from walk(child)
    except Exception:  # a node that went away while walking
        return


def showing(node):
    try:
        return node.getState().contains(pyatspi.STATE_SHOWING)
    except Exception:
        return False


def find(app, role, name, timeout=30):
    """The first showing node of `role` whose name is `name` (or matches it, a compiled regex)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for node in walk(app):
            try:
                matches = role in (None, node.getRoleName()) and (
                    name.fullmatch(node.name or "") if isinstance(name, re.Pattern) else node.name == name
                )
            except Exception:
                continue
            if matches and showing(node):
                return node
        time.sleep(0.3)
    subprocess.run(["import", "-window", "root", f"{OUT}/{PREFIX}-failed.png"], check=False)
    seen = sorted({repr(n.name) + ("" if showing(n) else " (not showing)") for n in walk(app) if n.getRoleName() == role})
    print(f"{PREFIX}: the showing {role}s: {', '.join(seen)}", file=sys.stderr)
    sys.exit(f"{PREFIX}: no {role} named {name!r} showed within {timeout} s (screen: {OUT}/{PREFIX}-failed.png)")


def gone(app, role, name, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not any(
            n.getRoleName() == role and n.name == name and showing(n) for n in walk(app)
        ):
            return
        time.sleep(0.3)
    failures.append(f"{PREFIX}: the {role} {name!r} stayed after Esc")


def press(node):
    node.queryAction().doAction(0)
    time.sleep(0.5)


def focus_and_type(app, role, name, text):
    find(app, role, name).queryComponent().grabFocus()
    time.sleep(0.3)
    key("ctrl+a")  # what the demo prefilled is replaced
    subprocess.run(["xdotool", "type", "--delay", "15", text], check=True)
    time.sleep(0.3)


def key(*keys):
    subprocess.run(["xdotool", "key", *keys], check=True)
    time.sleep(0.5)


def look(app, state):
    """A screenshot of `state`, and every showing named node inside the window."""
    time.sleep(0.8)
    subprocess.run(
        ["import", "-window", "root", "-crop", f"{WIDTH}x{HEIGHT}+0+0", f"{OUT}/{PREFIX}-{state}.png"],
        check=True,
    )
    outside, scrolled = [], []
    for node in walk(app):
        try:
            if not showing(node) or not (node.name or "").strip():
                continue
            x, y, w, h = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        except Exception:
            continue
        if w <= 0 or h <= 0:
            continue
        where = f"{node.getRoleName()} {node.name!r} at {x},{y} {w}x{h}"
        if x < -1 or x + w > WIDTH + 1:
            outside.append(where)
        elif y < -1 or y + h > HEIGHT + 1:
            scrolled.append(where)
    if outside:
        failures.append(f"{PREFIX} {state}: off the window's side: " + "; ".join(outside[:10]))
    print(f"{PREFIX} {state}: checked, screenshot {OUT}/{PREFIX}-{state}.png")
    if scrolled:
        # AccessKit does not say what a scroll area clips: the rows above or below the fold of a
        # scrolled view are listed, for a person to tell from the screenshot.
        print(f"  above or below the fold (scrolled): {len(scrolled)}, e.g. {scrolled[0]}")


def table_path(node, table):
    """Fails unless `node` sits in a table cell, in a table row, in the table named `table`."""
    roles, parent = [], node.parent
    while parent is not None and parent.getRoleName() != "table":
        roles.append(parent.getRoleName())
        parent = parent.parent
    found = (roles, parent.name if parent is not None else None)
    if found != (["table cell", "table row"], table):
        failures.append(f"{PREFIX}: {node.name!r} is not in a cell of a row of {table!r}: {found}")
    else:
        print(f"{PREFIX}: {node.name!r} is in a table cell, in a table row, in {table!r}")


def clipboard():
    result = subprocess.run(
        ["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True, timeout=10
    )
    return result.stdout.strip()


def create_in_two_sandboxes(app):
    """The form's Sandboxes list: `live` (production by its type) ticked besides the demo
    profile's `dev`, production confirmed once naming it, then a row per sandbox on the result
    card."""
    press(find(app, "toggle button", "New connection"))
    focus_and_type(app, "entry", "Name", f"Batch {PREFIX}")
    header = find(app, None, re.compile(r"Sandboxes: .*"))
    press(header)
    load = [n for n in walk(app) if showing(n) and n.name == "Load sandboxes"]
    if load:
        press(load[0])
    press(find(app, "check box", "live (PRODUCTION)"))
    look(app, "sandboxes-ticked")
    key("ctrl+Return")
    confirm = find(app, "push button", "Create in production", timeout=10)
    look(app, "batch-confirmation")
    press(confirm)
    find(app, None, re.compile(r'"Batch .*" in 2 of 2 sandboxes'), timeout=20)
    find(app, "push button", "Copy live connection ID")
    look(app, "batch-result")


def rotate_key_everywhere(app, name):
    """A connection's Manage menu: *Rotate this key everywhere…*, the masked key typed in full,
    the new key, the S3 check skipped (the demo's buckets are not real), the plan with `live`
    (production) to confirm, then each connection's row and the summary."""
    press(find(app, "toggle button", "Connections"))
    press(find(app, "push button", f"Manage {name}"))
    press(find(app, "push button", "Rotate this key everywhere…"))
    find(app, "push button", "Find connections")
    look(app, "rotate-key-dialog")
    focus_and_type(app, "entry", "Old access key ID", "AKIAIOSFODNN7EXAMPLE")
    focus_and_type(app, "entry", "New access key ID", "AKIAI44QH8DHBEXAMPL3")
    focus_and_type(app, "password text", "New secret access key", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")
    press(find(app, "check box", "Skip the S3 check of the new key"))
    press(find(app, "push button", "Find connections"))
    rotate = find(app, "push button", re.compile(r"Rotate \d+ connection\(s\)"), timeout=20)
    look(app, "rotate-key-plan")
    # The batch above made one in `live`, production by its type: confirmed once, by name.
    press(find(app, "check box", "Rotate in PRODUCTION: live"))
    press(rotate)
    find(app, None, re.compile(r"Rotated (\d+) of \1 connection\(s\) to \w+\."), timeout=30)
    look(app, "rotate-key-done")
    key("Escape")
    gone(app, "push button", "Change and find again")


def find_key(app, name):
    """The Connections filter with an access key ID, every sandbox ticked: the connections that
    use the key (the window's find-key), with *Rotate this key everywhere…* above them."""
    focus_and_type(app, "entry", "Filter:", "AKIAI44QH8DHBEXAMPL3")
    find(app, None, "The connections below use this key.")
    find(app, "push button", "Rotate this key everywhere…")
    find(app, "push button", f"Manage {name}")
    look(app, "key-filter")


def main():
    app = application()
    look(app, "start")
    # The first Tab lands in the form's Name, with a ring a sighted keyboard user can see.
    key("Tab")
    focused = [
        n for n in walk(app) if showing(n) and n.getState().contains(pyatspi.STATE_FOCUSED)
    ]
    if [n.name for n in focused] != ["Name"]:
        failures.append(f"{PREFIX}: the first Tab focused {[n.name for n in focused]}, not Name")
    look(app, "first-tab")
    name = f"Real window {PREFIX}"
    focus_and_type(app, "entry", "Name", name)
    focus_and_type(app, "entry", "Access key ID", "AKIAIOSFODNN7EXAMPLE")
    focus_and_type(app, "password text", "Secret access key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    time.sleep(1)
    key("ctrl+Return")
    copy = find(app, "push button", "Copy the new connection's ID", timeout=10)
    look(app, "result")
    press(copy)
    copied = clipboard()
    if not re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", copied):
        failures.append(f"{PREFIX}: Copy ID put {copied!r} on the clipboard, not a connection ID")
    # A screen reader reads the history as a table: the new row's buttons sit in a table cell, in
    # a table row, in the table "Past connections".
    table_path(find(app, "push button", f"Copy ID of {name}"), "Past connections")
    # The row's name selects it (a selectable label: its role differs between AccessKit versions).
    press(find(app, None, name))
    find(app, "push button", "Copy as cURL")
    look(app, "details")
    key("Escape")
    press(find(app, "toggle button", "Connections"))
    press(find(app, "push button", f"Manage {name}"))
    press(find(app, "push button", "Delete…"))
    find(app, "push button", "Delete in AEP")
    look(app, "delete-confirmation")
    key("Escape")
    gone(app, "push button", "Delete in AEP")
    table_path(find(app, "push button", f"Manage {name}"), "Connections in AEP")
    look(app, "connections")
    # Every sandbox of the demo org: a Sandbox column, and `noaccess` named as not listed.
    press(find(app, "check box", "All sandboxes"))
    find(app, None, re.compile(r"noaccess: .*"))
    table_path(find(app, "push button", f"Manage {name}"), "Connections in AEP")
    look(app, "all-sandboxes")
    create_in_two_sandboxes(app)
    rotate_key_everywhere(app, name)
    find_key(app, name)
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
