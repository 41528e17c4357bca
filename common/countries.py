"""country_converter's table of the world's countries, read without importing the package.

``country_converter/__init__.py`` imports pandas: 0.36 s and tens of megabytes in every server
process that only wants the table, paid by the first treaty page each worker drew its map for
(``make bench``'s cold phase measured it as a 560 ms request per worker). The table is a plain
tab-separated file beside the package's code; its location is found without running it.
"""

import csv
import importlib.util
from pathlib import Path


def country_table_path():
    spec = importlib.util.find_spec("country_converter")
    return Path(next(iter(spec.submodule_search_locations))) / "country_data.tsv"


def country_rows():
    """Every row of the table, as a dict by column name."""
    with country_table_path().open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))
