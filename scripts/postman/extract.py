#!/usr/bin/env python3
"""Extracts the base-connection requests of Adobe's Flow Service Postman collection.

Source: https://github.com/adobe/experience-platform-postman-samples (MIT, (c) 2018 Adobe),
file `apis/experience-platform/Flow Service API.postman_collection.json`. Keeps the folders
"Connections" and "Connection specs" as Adobe wrote them (headers, Adobe's pre-request script,
descriptions, `{{body}}`/`{{if-match}}`/`{{property}}` variables) and changes one thing: the
hard-coded `https://platform.adobe.io` becomes `{{PLATFORM_GATEWAY}}`, so that a run only reaches
the gateway it is given (scripts/postman.sh points it at the emulator on 127.0.0.1).

Usage:
  # from a clone (or a bare git dir) of the samples repository, at its HEAD or a given commit:
  scripts/postman/extract.py --git-dir PATH/TO/experience-platform-postman-samples[/.git] [--commit SHA]
  # or from a downloaded copy of the collection file (say which commit it is from):
  scripts/postman/extract.py --file "Flow Service API.postman_collection.json" --commit SHA

Writes tests/postman/flow-service-base-connections.postman_collection.json (or --out) and
checks that every request of the subset goes to {{PLATFORM_GATEWAY}}.
"""

import argparse
import copy
import json
import pathlib
import subprocess
import sys

UPSTREAM_REPO = "https://github.com/adobe/experience-platform-postman-samples"
UPSTREAM_PATH = "apis/experience-platform/Flow Service API.postman_collection.json"
ADOBE_GATEWAY = "https://platform.adobe.io"
GATEWAY_VAR = "{{PLATFORM_GATEWAY}}"
ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests/postman/flow-service-base-connections.postman_collection.json"

# The folders about base connections, and the requests each must hold (a renamed or removed
# request upstream should fail the extraction, not silently shrink the test).
FOLDERS = {
    "Connections": [
        "List connections",
        "Create a new connection",
        "Retrieve a connection",
        "Test a connection's connectivity",
        "Explore a connection's contents",
        "Update an existing connection",
        "Delete an existing connection",
    ],
    "Connection specs": [
        "List connection specifications",
        "Retrieve a connection specification",
    ],
}


def die(message):
    print(f"extract.py: {message}", file=sys.stderr)
    sys.exit(1)


def git(git_dir, *args):
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True
    ).stdout


def load(args):
    if args.file:
        if not args.commit:
            die("--file needs --commit (the upstream commit the file comes from)")
        return json.loads(pathlib.Path(args.file).read_text(encoding="utf-8")), args.commit
    git_dir = pathlib.Path(args.git_dir)
    if (git_dir / ".git").exists():
        git_dir = git_dir / ".git"
    commit = git(git_dir, "rev-parse", f"{args.commit or 'HEAD'}^{{commit}}").decode().strip()
    return json.loads(git(git_dir, "show", f"{commit}:{UPSTREAM_PATH}")), commit


def rewrite_url(url, where):
    """Points a request URL (string or Postman URL object) at {{PLATFORM_GATEWAY}}."""
    if isinstance(url, str):
        url = {"raw": url}
    raw = url.get("raw", "")
    if not raw.startswith(ADOBE_GATEWAY + "/"):
        die(f"{where}: unexpected URL {raw!r} (expected {ADOBE_GATEWAY}/...)")
    url["raw"] = GATEWAY_VAR + raw[len(ADOBE_GATEWAY):]
    url.pop("protocol", None)
    url.pop("port", None)
    url["host"] = [GATEWAY_VAR]
    return url


def extract(collection, commit):
    folders = {f.get("name"): f for f in collection.get("item", [])}
    out_items = []
    for folder_name, wanted in FOLDERS.items():
        folder = folders.get(folder_name)
        if folder is None:
            die(f"folder {folder_name!r} is not in the collection")
        folder = copy.deepcopy(folder)
        names = [i.get("name") for i in folder.get("item", [])]
        missing = [n for n in wanted if n not in names]
        if missing:
            die(f"folder {folder_name!r} lacks {missing}; it has {names}")
        for item in folder["item"]:
            if "request" not in item:
                die(f"{folder_name}/{item.get('name')}: nested folders are not expected")
            item["request"]["url"] = rewrite_url(
                item["request"]["url"], f"{folder_name}/{item['name']}"
            )
        out_items.append(folder)

    info = copy.deepcopy(collection["info"])
    info["name"] = "Flow Service API: base connections (extract)"
    info["description"] = (
        f"The \"Connections\" and \"Connection specs\" folders of Adobe's Flow Service API Postman "
        f"collection ({UPSTREAM_REPO}, `{UPSTREAM_PATH}`, commit {commit}), "
        "Copyright 2018 Adobe, MIT License (see LICENSE-adobe-postman-samples beside this file). "
        f"Extracted by scripts/postman/extract.py; the only change: `{ADOBE_GATEWAY}` is "
        f"`{GATEWAY_VAR}` in every request URL.\n\n"
        "Adobe's description of the collection follows.\n\n" + collection["info"].get("description", "")
    )
    result = {"info": info, "item": out_items}
    for key in ("event", "variable", "auth"):
        if key in collection:
            result[key] = copy.deepcopy(collection[key])
    return result


def check(result):
    """No request may leave {{PLATFORM_GATEWAY}}, and no script may send requests of its own."""
    requests = 0
    for folder in result["item"]:
        for item in folder["item"]:
            requests += 1
            url = item["request"]["url"]
            if url.get("host") != [GATEWAY_VAR] or not url.get("raw", "").startswith(GATEWAY_VAR + "/"):
                die(f"{item['name']}: URL not on {GATEWAY_VAR}: {url}")
            for event in item.get("event", []):
                source = "\n".join(event.get("script", {}).get("exec", []))
                if "sendRequest" in source:
                    die(f"{item['name']}: a script sends requests of its own")
    return requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--git-dir", help="clone or bare git dir of experience-platform-postman-samples")
    src.add_argument("--file", help="a copy of the upstream collection file")
    parser.add_argument("--commit", help="upstream commit (default HEAD with --git-dir)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output file")
    args = parser.parse_args()

    collection, commit = load(args)
    result = extract(collection, commit)
    count = check(result)
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({count} requests, upstream commit {commit})")


if __name__ == "__main__":
    main()
