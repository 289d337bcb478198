"""Prints the installed peer package versions: part of the interop corpus cache key."""
from importlib.metadata import version

for package in ("deltalake", "pyarrow", "pyspark", "delta-spark"):
    print(f"{package}=={version(package)}")
