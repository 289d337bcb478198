"""The manifest each table generator writes beside a table: `<outdir>/<name>.json`.

The TypeScript interop tests read only these files to learn which tables exist, which versions are
worth comparing (time travel, around checkpoints) and which features each table exercises.
"""
from __future__ import annotations

import json
import os
import re
from typing import Iterable

_COMMIT_FILE = re.compile(r"^(\d{20})\.json$")


def committed_versions(table_path: str) -> list[int]:
    """Every version with a commit file: most tables here are small enough to check them all."""
    names = os.listdir(os.path.join(table_path, "_delta_log"))
    return sorted(int(m.group(1)) for m in map(_COMMIT_FILE.match, names) if m)


def write_manifest(outdir: str, name: str, producer: str, versions: Iterable[int], features: Iterable[str], notes: str = "") -> None:
    manifest = {
        "name": name,
        "producer": producer,
        "path": name,
        "versions": sorted(set(versions)),
        "features": sorted(set(features)),
        "notes": notes,
    }
    with open(os.path.join(outdir, f"{name}.json"), "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=2)
        out.write("\n")


def read_manifests(outdir: str) -> list[dict]:
    manifests = []
    for entry in sorted(os.listdir(outdir)):
        if entry.endswith(".json"):
            with open(os.path.join(outdir, entry), encoding="utf-8") as source:
                manifests.append(json.load(source))
    return manifests
