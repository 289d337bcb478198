"""The manifest each table generator writes beside a table: `<outdir>/<name>.json`.

The TypeScript interop tests read only these files to learn which tables exist, which versions are
worth comparing (time travel, around checkpoints) and which features each table exercises.
"""
from __future__ import annotations

import json
import os
from typing import Iterable


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
