"""Files the Spark engine writes at an output folder that may not be on this machine:
a local path, or a URL pyarrow's file systems open (``s3://``, ``gs://``, ``hdfs://``,
``abfs://``; Hadoop's ``s3a://`` is read as ``s3://``). Each file is written whole under
a temporary name, then given its own (on object stores, an upload is whole anyway), so a
retried task rewrites its file rather than leaving half of one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import pyarrow.fs as pafs

HADOOP_SCHEMES = {"s3a://": "s3://", "s3n://": "s3://", "file:": ""}


def file_system(out: str) -> tuple[pafs.FileSystem, str]:
    """The file system holding ``out`` and the folder's path in it."""
    import pyarrow.fs as pafs

    for scheme, plain in HADOOP_SCHEMES.items():
        if out.startswith(scheme):
            out = plain + out[len(scheme) :]
            break
    if "://" not in out:
        return pafs.LocalFileSystem(), out
    fs, path = pafs.FileSystem.from_uri(out)
    return fs, path


def write_parquet(frame: pl.DataFrame, out: str, name: str) -> None:
    """``frame`` as the Parquet file ``name`` under ``out``."""
    import pyarrow.parquet as pq

    fs, root = file_system(out)
    target = f"{root.rstrip('/')}/{name}"
    folder, _, base = target.rpartition("/")
    fs.create_dir(folder, recursive=True)
    partial = f"{folder}/.{base}.partial"
    pq.write_table(frame.to_arrow(), partial, filesystem=fs, compression="zstd")
    fs.move(partial, target)


def write_text(text: str, out: str, name: str) -> None:
    """``text`` (UTF-8) as the file ``name`` under ``out``."""
    fs, root = file_system(out)
    fs.create_dir(root, recursive=True)
    with fs.open_output_stream(f"{root.rstrip('/')}/{name}") as stream:
        stream.write(text.encode("utf-8"))
