"""Write the hostile-input corpus: the files a careless user or an attacker hands the CLI.

    python tests/hostile/make_corpus.py OUT_DIR      # writes the files and OUT_DIR/manifest.json

Every case is generated here (nothing binary is committed): site tables in every format
the CLI reads (wrong encodings, wrong content for the extension, truncated, empty,
binary, ragged CSV rows, ids missing or repeated, loads out of range, output-named
columns, polygons, lines, empty and null geometries, projected coordinates without a
CRS...), scenario, profile, deal and layer-set TOML files (encodings, binary, syntax,
wrong types, out-of-range values, nesting bombs, hostile layer files), weather files and
special paths (a folder, a FIFO, a broken symlink, a name that looks like an option).

Each case records what it is for (``kind``), how many data rows it holds (``rows``; every
one must come out of ``siting score``) and the exit status expected (``expect``: 0, 2, or
``None`` when either is right). ``tests/hostile/test_corpus.py`` runs every case through
every command that takes that kind of file.

Coordinates are in the embedded synthetic sample region (35.6-36.6 N, 80.6-79.2 W).
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import sqlite3
import sys
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: Three valid sites in the sample region: (latitude, longitude) [deg].
SITES = ((35.9, -79.9), (36.1, -80.1), (36.3, -79.5))
#: A point in the sample region in EPSG:5070 [m] (projected coordinates a file may hold without saying so).
PROJECTED_XY = (1_480_000.0, 1_560_000.0)


@dataclass
class Case:
    name: str
    kind: str  # sites, scenario, profile, deal, layers, weather, argv
    path: str  # relative to the corpus folder (or an absolute special path)
    why: str
    rows: int | None = None  # data rows the file holds; None: not a site table or not countable
    expect: int | None = None  # exit status; None: 0 or 2 are both right
    extra: dict = field(default_factory=dict)


class Corpus:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.cases: list[Case] = []

    def add(self, name: str, kind: str, data: bytes | str | None, why: str, *, rows=None, expect=None,
            suffix: str = "", **extra) -> Path:
        rel = f"{kind}/{name}{suffix}"
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is not None:
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if any(c.name == name and c.kind == kind for c in self.cases):
            raise ValueError(f"duplicate case {kind}/{name}")
        self.cases.append(Case(name, kind, rel, why, rows, expect, extra))
        return path

    def write_manifest(self) -> Path:
        out = self.root / "manifest.json"
        out.write_text(json.dumps([asdict(c) for c in self.cases], indent=1), encoding="utf-8")
        return out


# --------------------------------------------------------------------------- helpers


def csv_text(header: str, rows: list[str], nl: str = "\n") -> str:
    return nl.join([header, *rows]) + nl


def good_rows(n: int = 3, fmt: str = "{i},s{i},{lat},{lon}") -> list[str]:
    return [fmt.format(i=i, lat=SITES[i % 3][0] + 0.01 * (i // 3), lon=SITES[i % 3][1]) for i in range(n)]


def feature(geom, props=None) -> dict:
    return {"type": "Feature", "properties": props if props is not None else {}, "geometry": geom}


def fc(features, **extra) -> str:
    return json.dumps({"type": "FeatureCollection", **extra, "features": features})


def pt(lat, lon) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def square(lat, lon, d=0.01) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d],
                                                 [lon, lat]]]}


def _gpd():
    import geopandas as gpd
    import pandas as pd
    import shapely

    return gpd, pd, shapely


def _frame(n=3):
    gpd, pd, shapely = _gpd()
    return gpd.GeoDataFrame({"site_id": [f"g{i}" for i in range(n)], "name": [f"site {i}" for i in range(n)]},
                            geometry=[shapely.Point(SITES[i % 3][1], SITES[i % 3][0] + 0.01 * (i // 3))
                                      for i in range(n)], crs="EPSG:4326")


def _bytes_of(write, suffix: str) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / f"x{suffix}"
        write(p)
        return p.read_bytes()


# --------------------------------------------------------------------------- site tables


def site_tables(c: Corpus) -> None:  # noqa: PLR0915 - a flat list of cases reads best
    H = "site_id,name,lat,lon"
    base = csv_text(H, good_rows())
    add = lambda name, data, why, rows=3, expect=0, suffix=".csv", **kw: c.add(  # noqa: E731
        name, "sites", data, why, rows=rows, expect=expect, suffix=suffix, **kw)

    # encodings and line endings
    add("utf8", base, "plain UTF-8", map=True)
    add("utf8_bom", codecs.BOM_UTF8 + base.encode(), "UTF-8 with a byte-order mark")
    add("utf16_le_bom", base.encode("utf-16"), "UTF-16 with BOM (Excel 'Unicode text')")
    add("utf16_be_bom", codecs.BOM_UTF16_BE + base.encode("utf-16-be"), "UTF-16 big-endian with BOM")
    add("utf32_bom", base.encode("utf-32"), "UTF-32 with BOM")
    add("utf16_no_bom", base.encode("utf-16-le"), "UTF-16 without BOM: refused as not UTF-8", rows=None, expect=2)
    add("latin1", csv_text(H, ["0,Caf\xe9,35.9,-79.9"]).encode("latin-1"), "Latin-1: not UTF-8", rows=None, expect=2)
    add("cp1252_quotes", csv_text(H, ["0,\u201cquoted\u201d,35.9,-79.9"]).encode("cp1252"),
        "Windows-1252 smart quotes", rows=None, expect=2)
    add("invalid_utf8_last_row", base.encode() + b"3,s\xff\xfe,35.9,-79.9\n", "a bad byte on the last row only",
        rows=None, expect=2)
    add("crlf", csv_text(H, good_rows(), nl="\r\n"), "Windows line endings")
    add("cr_only", csv_text(H, good_rows(), nl="\r"), "old Mac line endings")
    add("no_final_newline", base.rstrip("\n"), "no newline after the last row")
    add("emoji_names", csv_text(H, ["0,\U0001F680 launch,35.9,-79.9", "1,\u05e9\u05dc\u05d5\u05dd,36.1,-80.1",
                                    "2,\u4e2d\u6587,36.3,-79.5"]), "emoji, right-to-left and CJK names", map=True)
    add("zero_width_header", csv_text("site_id,name,\u200blat,lon\u200b", good_rows()), "zero-width spaces in the header")
    add("nul_bytes", base.encode() + b"\x00\x00\x00", "NUL bytes in a text file", rows=None, expect=2)
    # delimiters and decimals
    add("semicolon", csv_text("site_id;name;lat;lon", good_rows(fmt="{i};s{i};{lat};{lon}")), "semicolon separated")
    add("semicolon_decimal_comma", csv_text("site_id;name;lat;lon", [f"{i};s{i};{str(la).replace('.', ',')};"
                                                                    f"{str(lo).replace('.', ',')}"
                                                                    for i, (la, lo) in enumerate(SITES)]),
        "European Excel: semicolons and decimal commas")
    add("tab", csv_text("site_id\tname\tlat\tlon", good_rows(fmt="{i}\ts{i}\t{lat}\t{lon}")), "tab separated",
        suffix=".tsv")
    add("pipe", csv_text("site_id|name|lat|lon", good_rows(fmt="{i}|s{i}|{lat}|{lon}")), "pipe separated")
    add("txt_extension", base, "a CSV named .txt", suffix=".txt")
    add("no_extension", base, "a CSV without extension", suffix="")
    # headers
    add("upper_header", csv_text("SITE_ID,NAME,LAT,LON", good_rows()), "upper-case header")
    add("long_names", csv_text("site_id,name,Latitude,Longitude", good_rows()), "Latitude/Longitude")
    add("lng_alias", csv_text("site_id,name,lat,lng", good_rows()), "lng")
    add("xy_alias", csv_text("site_id,name,y,x", good_rows()), "x/y")
    add("padded_header", csv_text(" site_id , name , lat , lon ", good_rows()), "spaces around header names")
    add("duplicate_columns", csv_text("site_id,lat,lat,lon", ["0,35.9,1,-79.9", "1,36.1,2,-80.1", "2,36.3,3,-79.5"]),
        "a column named twice")
    add("no_lat_column", csv_text("site_id,name,lon", ["0,a,-79.9"]), "no latitude column", rows=1, expect=2)
    add("header_only", "site_id,name,lat,lon\n", "a header and no rows", rows=0, expect=2)
    add("empty", b"", "0 bytes", rows=0, expect=2)
    add("blank_lines_only", "\n\n   \n\n", "blank lines only", rows=0, expect=2)
    add("blank_lines_between", csv_text(H, ["0,a,35.9,-79.9", "", "1,b,36.1,-80.1", "   ", "2,c,36.3,-79.5"]),
        "blank lines between rows")
    add("wide_200_columns", csv_text(H + "," + ",".join(f"c{k}" for k in range(200)),
                                     [r + "," + ",".join(str(k) for k in range(200)) for r in good_rows()]),
        "200 extra columns")
    add("huge_header_name", csv_text(H + ",x" + "y" * 10_000, [r + ",1" for r in good_rows()]),
        "a 10,000-character column name")
    add("quoted_header_newline", csv_text('site_id,"na\nme",lat,lon', good_rows()), "a newline inside a header name")
    add("numeric_header", csv_text("1,2,lat,lon", good_rows()), "numbers as column names")
    add("empty_header_name", csv_text(",name,lat,lon", good_rows()), "an empty column name")
    add("output_named_columns", csv_text(H + ",rank,score_total,explanation,error,county_fips,design_option,fid,geom",
                                         [r + ",1,0.5,old,old error,37001,x,7,POINT" for r in good_rows()]),
        "columns named like outputs (a scored file edited by hand)")
    add("output_named_case", csv_text(H + ",Rank,RANK,Score_Total", [r + ",1,2,3" for r in good_rows()]),
        "output names in other cases (a GeoPackage cannot hold both)")
    add("prefixed_collision", csv_text(H + ",rank,input_rank", [r + ",1,2" for r in good_rows()]),
        "rank and input_rank both present")
    add("geometry_text_column", csv_text(H + ",geometry", [r + ",not wkt" for r in good_rows()]),
        "a text column named geometry next to lat/lon")
    add("wkt_points", csv_text("site_id,geometry", [f'{i},"POINT ({lo} {la})"' for i, (la, lo) in enumerate(SITES)]),
        "WKT points instead of lat/lon")
    add("wkt_mixed", csv_text("site_id,wkt", ['0,"POINT (-79.9 35.9)"', '1,"LINESTRING (-80 36, -79 36)"',
                                             '2,"POLYGON ((-79.5 36.3, -79.49 36.3, -79.49 36.31, -79.5 36.3))"',
                                             "3,garbage", "4,"]),
        "WKT of every kind, junk and empty", rows=5)
    # ragged rows and quoting
    add("ragged_extra_field", csv_text(H, ["0,a,35.9,-79.9", "1,b,x,36.1,-80.1", "2,c,36.3,-79.5"]),
        "one row with an extra field")
    add("ragged_missing_field", csv_text(H, ["0,a,35.9,-79.9", "1,36.1,-80.1", "2,c,36.3,-79.5"]),
        "one row with a field missing")
    add("ragged_all", csv_text(H, ["0,a,35.9", "1,b", "2"]), "every row short")
    add("ragged_first_row", csv_text("lat,lon", ["35.9,-79.9,extra", "36.1,-80.1", "36.3,-79.5"]),
        "the first row longer than the header (pandas would shift it into the index)")
    add("quoted_comma", csv_text(H, ['0,"Smith, Inc.",35.9,-79.9', "1,b,36.1,-80.1", "2,c,36.3,-79.5"]),
        "a quoted comma")
    add("quoted_newline", csv_text(H, ['0,"two\nlines",35.9,-79.9', "1,b,36.1,-80.1", "2,c,36.3,-79.5"]),
        "a quoted newline")
    add("unterminated_quote", csv_text(H, ["0,a,35.9,-79.9", '1,"open,36.1,-80.1', "2,c,36.3,-79.5"]),
        "a quote never closed", rows=None, expect=None)
    add("stray_quotes", csv_text(H, ['0,a"b"c,35.9,-79.9', '1,"b""q",36.1,-80.1', '2,"c" x,36.3,-79.5']),
        "quotes in the middle of fields")
    add("huge_field", csv_text(H, [f"0,{'n' * 300_000},35.9,-79.9", "1,b,36.1,-80.1", "2,c,36.3,-79.5"]),
        "a 300,000-character name")
    add("mixed_delimiters", csv_text(H, ["0,a,35.9,-79.9", "1;b;36.1;-80.1", "2,c,36.3,-79.5"]),
        "one row separated by semicolons")
    # coordinates
    coords = [("missing_lat", "0,a,,-79.9"), ("text_lat", "0,a,north,-79.9"), ("dms", "0,a,35°54'N,79°54'W"),
              ("lat_95", "0,a,95,-79.9"), ("swapped", "0,a,-79.9,35.9"), ("inf", "0,a,inf,-79.9"),
              ("neg_inf", "0,a,35.9,-inf"), ("infinity_word", "0,a,Infinity,-79.9"), ("nan_text", "0,a,NaN,NaN"),
              ("huge", "0,a,1e308,-1e308"), ("overflow", "0,a,1e999,-79.9"), ("neg_zero", "0,a,-0.0,-0.0"),
              ("poles", "0,a,90,180"), ("precise", "0,a,35.123456789012345678901,-79.98765432109876543210"),
              ("outside_conus", "0,a,51.5,-0.1"), ("hex", "0,a,0x23,-79.9"), ("plus_sign", "0,a,+35.9,-79.9"),
              ("spaces", "0,a, 35.9 , -79.9 "), ("projected_csv", f"0,a,{PROJECTED_XY[1]},{PROJECTED_XY[0]}"),
              ("ocean", "0,a,30.0,-60.0"), ("comma_decimal_in_comma_csv", '0,a,"35,9","-79,9"')]
    for name, row in coords:
        add(f"coord_{name}", csv_text(H, [row, "1,b,36.1,-80.1"]), f"coordinates: {name}", rows=2)
    # ids
    add("ids_missing_column", csv_text("name,lat,lon", good_rows(fmt="s{i},{lat},{lon}")), "no site_id column")
    add("ids_some_empty", csv_text(H, ["a,x,35.9,-79.9", ",y,36.1,-80.1", "  ,z,36.3,-79.5"]), "ids missing on rows")
    add("ids_all_empty", csv_text(H, [",x,35.9,-79.9", ",y,36.1,-80.1", ",z,36.3,-79.5"]), "every id missing")
    add("ids_duplicate", csv_text(H, ["a,x,35.9,-79.9", "a,y,36.1,-80.1", "a,z,36.3,-79.5"]), "one id three times")
    add("ids_duplicate_bad_first", csv_text(H, ["a,x,,-79.9", "a,y,36.1,-80.1"]), "the first copy of an id is bad",
        rows=2)
    add("ids_case", csv_text(H, ["A,x,35.9,-79.9", "a,y,36.1,-80.1", "a ,z,36.3,-79.5"]), "ids differing in case/space")
    add("ids_leading_zeros", csv_text(H, ["007,x,35.9,-79.9", "07,y,36.1,-80.1", "7,z,36.3,-79.5"]),
        "ids with leading zeros")
    add("ids_float", csv_text(H, ["1.0,x,35.9,-79.9", "2.5,y,36.1,-80.1", "1e3,z,36.3,-79.5"]), "float-looking ids")
    add("ids_long", csv_text(H, [f"{'i' * 20_000},x,35.9,-79.9", "b,y,36.1,-80.1", "c,z,36.3,-79.5"]),
        "a 20,000-character id")
    add("ids_unicode_quotes", csv_text(H, ['"a""b",x,35.9,-79.9', '"c\nd",y,36.1,-80.1', "\u00e9\u00e8,z,36.3,-79.5"]),
        "ids with quotes, a newline and accents")
    add("ids_clash_assigned", csv_text(H, ["site-0000002,x,35.9,-79.9", ",y,36.1,-80.1", ",z,36.3,-79.5"]),
        "a given id equal to the one the tool would make")
    add("appended_rows_no_ids", base + "\n".join(f",,{la},{lo}" for la, lo in SITES) + "\n",
        "rows appended without ids or names", rows=6)
    # loads
    for name, v in (("1e12", "1e12"), ("inf", "inf"), ("neg", "-5"), ("zero", "0"), ("text", "lots"),
                    ("max", "20000"), ("over_max", "20000.1"), ("tiny", "1e-300"), ("nan", "nan"), ("empty", "")):
        add(f"load_{name}", csv_text(H + ",it_load_mw", [f"0,a,35.9,-79.9,{v}", "1,b,36.1,-80.1,50"]),
            f"it_load_mw = {v!r} on one row", rows=2)
    # names
    add("name_script", csv_text(H, ['0,"<script>alert(1)</script>",35.9,-79.9', "1,</title><img src=x onerror=alert(2)>,"
                                                                                 "36.1,-80.1", "2,c,36.3,-79.5"]),
        "HTML/script in names (the map must escape it)", map=True)
    add("name_formula", csv_text(H, ['0,"=HYPERLINK(""http://x"")",35.9,-79.9', "1,+cmd,36.1,-80.1", "2,@sum,36.3,-79.5"]),
        "spreadsheet formulas in names")
    add("name_control_chars", csv_text(H, ["0,a\x07b\x1bc,35.9,-79.9", "1,b,36.1,-80.1", "2,c,36.3,-79.5"]),
        "control characters in a name")
    add("many_rows", csv_text(H + ",it_load_mw", [f"{i},s{i},{35.6 + (i % 97) / 97},{-80.6 + (i % 89) / 64},"
                                                  f"{50 + 50 * (i % 3)}" for i in range(2000)]), "2,000 rows", rows=2000)
    add("one_row", csv_text("lat,lon", ["35.9,-79.9"]), "one row", rows=1)

    # content that is not what the extension says, or not a table at all
    gpd, pd, shapely = _gpd()
    frame = _frame()
    plain = pd.DataFrame({"site_id": ["p0", "p1", "p2"], "lat": [s[0] for s in SITES], "lon": [s[1] for s in SITES]})
    pq = _bytes_of(lambda p: plain.to_parquet(p), ".parquet")
    gpq = _bytes_of(lambda p: frame.to_parquet(p), ".parquet")
    gpkg = _bytes_of(lambda p: frame.to_file(p, driver="GPKG", layer="sites"), ".gpkg")
    add("parquet_named_csv", pq, "a .csv that holds Parquet")
    add("geoparquet", gpq, "GeoParquet points", suffix=".parquet", map=True)
    add("plain_parquet", pq, "Parquet with lat/lon", suffix=".parquet")
    add("parquet_truncated", gpq[: len(gpq) // 2], "half a Parquet file", rows=None, expect=2, suffix=".parquet")
    add("parquet_footer_only", b"PAR1" + b"\x00" * 64 + b"PAR1", "Parquet magic around garbage", rows=None, expect=2,
        suffix=".parquet")
    add("text_named_parquet", base, "a .parquet that holds CSV text", suffix=".parquet")
    add("text_named_gpkg", base, "a .gpkg that holds CSV text", suffix=".gpkg")
    add("gpkg_points", gpkg, "GeoPackage points", suffix=".gpkg", map=True)
    add("gpkg_truncated", gpkg[:4096], "a GeoPackage cut after 4 kB", rows=None, expect=2, suffix=".gpkg")
    sqlite = _bytes_of(lambda p: sqlite3.connect(p).execute("create table t(a)").connection.commit(), ".db")
    add("sqlite_not_gpkg", sqlite, "an SQLite database that is not a GeoPackage", rows=None, expect=2, suffix=".gpkg")

    def two_layers(p):
        frame.to_file(p, driver="GPKG", layer="other")
        frame.to_file(p, driver="GPKG", layer="sites", mode="a")

    add("gpkg_two_layers", _bytes_of(two_layers, ".gpkg"), "a GeoPackage with two layers", suffix=".gpkg")
    empty_g = gpd.GeoDataFrame({"site_id": pd.Series([], dtype=str)}, geometry=gpd.GeoSeries([], crs=4326))
    add("gpkg_empty_layer", _bytes_of(lambda p: empty_g.to_file(p, driver="GPKG"), ".gpkg"), "a GeoPackage layer with "
        "no features", rows=0, expect=2, suffix=".gpkg")
    add("gpkg_projected", _bytes_of(lambda p: frame.to_crs(5070).to_file(p, driver="GPKG"), ".gpkg"),
        "a GeoPackage in EPSG:5070", suffix=".gpkg")
    scored_like = frame.assign(rank=[1, 2, 3], score_total=[0.9, 0.8, 0.7], EXPLANATION=["a", "b", "c"])
    add("gpkg_output_names", _bytes_of(lambda p: scored_like.to_file(p, driver="GPKG"), ".gpkg"),
        "a GeoPackage with rank, score_total and EXPLANATION columns", suffix=".gpkg")
    lines = gpd.GeoDataFrame({"site_id": ["l0", "l1"]}, geometry=[shapely.LineString([(-80, 36), (-79.5, 36)]),
                                                                  shapely.Point(-79.9, 35.9)], crs=4326)
    add("gpkg_lines", _bytes_of(lambda p: lines.to_file(p, driver="GPKG"), ".gpkg"), "a line and a point", rows=2,
        suffix=".gpkg")
    attr = pd.DataFrame({"site_id": ["t0"], "lat": [35.9], "lon": [-79.9]})

    def attr_table(p):
        import pyogrio

        pyogrio.write_dataframe(gpd.GeoDataFrame(attr, geometry=[None], crs=4326), p, driver="GPKG", layer="t")

    add("gpkg_no_geometry", _bytes_of(attr_table, ".gpkg"), "a GeoPackage of null geometries with lat/lon columns",
        rows=1, suffix=".gpkg")
    add("fgb", _bytes_of(lambda p: frame.to_file(p, driver="FlatGeobuf"), ".fgb"), "FlatGeobuf", suffix=".fgb")
    add("xlsx", _bytes_of(lambda p: plain.to_excel(p, index=False), ".xlsx"), "an Excel workbook", suffix=".xlsx")
    add("xls_legacy", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, "a legacy .xls", rows=None, expect=2,
        suffix=".xls")

    def shp_zip(p):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            frame.to_file(Path(tmp) / "sites.shp")
            with zipfile.ZipFile(p, "w") as zf:
                for f in Path(tmp).iterdir():
                    zf.write(f, f.name)

    add("zipped_shapefile", _bytes_of(shp_zip, ".zip"), "a zipped shapefile", suffix=".zip")
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w") as zf:
        zf.writestr("sites.csv", base)
    add("zipped_csv", zbuf.getvalue(), "a zipped CSV", suffix=".zip")
    add("zip_truncated", zbuf.getvalue()[:30], "a zip cut short", rows=None, expect=2, suffix=".zip")
    empty_zip = io.BytesIO()
    zipfile.ZipFile(empty_zip, "w").close()
    add("zip_empty", empty_zip.getvalue(), "an empty zip", rows=None, expect=2, suffix=".zip")
    add("gzip_csv", gzip.compress(base.encode(), mtime=0), "a gzipped CSV", suffix=".csv.gz")
    add("gzip_truncated", gzip.compress(base.encode(), mtime=0)[:20], "a gzip cut short", rows=None, expect=2,
        suffix=".csv.gz")
    add("gzip_geojson", gzip.compress(fc([feature(pt(*s)) for s in SITES]).encode(), mtime=0), "a gzipped GeoJSON",
        suffix=".geojson.gz")
    rng = __import__("random").Random(13)
    add("random_bytes", bytes(rng.getrandbits(8) for _ in range(4096)), "random bytes", rows=None, expect=2)
    add("png", b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(200)), "a PNG image", rows=None,
        expect=2, suffix=".png")
    add("pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "a PDF", rows=None, expect=2, suffix=".pdf")
    add("elf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "an executable", rows=None, expect=2, suffix=".csv")
    add("html_page", "<!doctype html><html><body>Not found</body></html>\n", "an HTML error page saved as CSV",
        rows=None, expect=2)

    # GeoJSON
    add("geojson_points", fc([feature(pt(*s), {"site_id": f"j{i}"}) for i, s in enumerate(SITES)]), "GeoJSON points",
        suffix=".geojson", map=True)
    add("geojson_bom", codecs.BOM_UTF8 + fc([feature(pt(*s)) for s in SITES]).encode(), "GeoJSON with a BOM",
        suffix=".geojson")
    add("geojson_utf16", fc([feature(pt(*s)) for s in SITES]).encode("utf-16"), "GeoJSON in UTF-16 with BOM",
        suffix=".geojson")
    add("geojson_polygons", fc([feature(square(*s), {"site_id": f"p{i}"}) for i, s in enumerate(SITES)]),
        "parcels (polygons)", suffix=".geojson", map=True)
    multi = {"type": "MultiPolygon", "coordinates": [square(35.9, -79.9)["coordinates"],
                                                     square(35.95, -79.85)["coordinates"]]}
    bowtie = {"type": "Polygon", "coordinates": [[[-79.9, 35.9], [-79.8, 36.0], [-79.8, 35.9], [-79.9, 36.0],
                                                  [-79.9, 35.9]]]}
    holed = {"type": "Polygon", "coordinates": [square(36.1, -80.1, 0.1)["coordinates"][0],
                                                [[-80.09, 36.11], [-80.01, 36.11], [-80.01, 36.19], [-80.09, 36.19],
                                                 [-80.09, 36.11]]]}
    line = {"type": "LineString", "coordinates": [[-80.0, 36.0], [-79.5, 36.2]]}
    mline = {"type": "MultiLineString", "coordinates": [[[-80.0, 36.0], [-79.5, 36.2]]]}
    coll = {"type": "GeometryCollection", "geometries": [pt(35.9, -79.9), line]}
    mp1 = {"type": "MultiPoint", "coordinates": [[-79.9, 35.9]]}
    mp3 = {"type": "MultiPoint", "coordinates": [[-79.9, 35.9], [-80.0, 36.0], [-79.5, 36.3]]}
    empty_pt = {"type": "Point", "coordinates": []}
    empty_poly = {"type": "Polygon", "coordinates": []}
    mixed = [feature(pt(35.9, -79.9), {"site_id": "pt"}), feature(square(36.1, -80.1), {"site_id": "poly"}),
             feature(multi, {"site_id": "multi"}), feature(bowtie, {"site_id": "bowtie"}),
             feature(holed, {"site_id": "holed"}), feature(line, {"site_id": "line"}),
             feature(mline, {"site_id": "mline"}), feature(coll, {"site_id": "coll"}),
             feature(mp1, {"site_id": "mp1"}), feature(mp3, {"site_id": "mp3"}),
             feature(None, {"site_id": "null"}), feature(empty_pt, {"site_id": "empty_pt"}),
             feature(empty_poly, {"site_id": "empty_poly"})]
    add("geojson_every_geometry", fc(mixed), "every geometry type, null and empty", rows=len(mixed),
        suffix=".geojson", map=True)
    add("geojson_lines_only", fc([feature(line), feature(mline)]), "only lines", rows=2, suffix=".geojson")
    add("geojson_projected_no_crs", fc([feature({"type": "Point", "coordinates": list(PROJECTED_XY)})] * 2),
        "EPSG:5070 metres without a crs member (read as lon/lat: a hint per row)", rows=2, suffix=".geojson")
    add("geojson_crs_member", fc([feature({"type": "Point", "coordinates": list(PROJECTED_XY)})],
                                 crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5070"}}),
        "an old-style crs member (EPSG:5070)", rows=1, suffix=".geojson")
    add("geojson_3d", fc([feature({"type": "Point", "coordinates": [s[1], s[0], 250.0]}) for s in SITES]),
        "3D points", suffix=".geojson")
    add("geojson_truncated", fc([feature(pt(*s)) for s in SITES])[:70], "a GeoJSON cut short", rows=None, expect=2,
        suffix=".geojson")
    add("geojson_empty_fc", fc([]), "no features", rows=0, expect=2, suffix=".geojson")
    add("geojson_features_null", '{"type":"FeatureCollection","features":null}', "features: null", rows=None,
        expect=2, suffix=".geojson")
    add("geojson_single_feature", json.dumps(feature(pt(35.9, -79.9), {"site_id": "one"})), "one Feature, no "
        "collection", rows=1, suffix=".geojson")
    add("geojson_bare_geometry", json.dumps(pt(35.9, -79.9)), "a bare geometry", rows=1, suffix=".geojson")
    add("geojson_props_null", fc([feature(pt(*s), None) | {"properties": None} for s in SITES]), "properties: null",
        suffix=".geojson")
    add("geojson_output_props", fc([feature(pt(*s), {"rank": 9, "error": "x", "explanation": "y", "score_total": "z"})
                                    for s in SITES]), "output-named properties", suffix=".geojson")
    add("geojson_huge_coords", fc([feature({"type": "Point", "coordinates": [1e300, -1e300]}), feature(pt(35.9, -79.9))]),
        "coordinates of 1e300", rows=2, suffix=".geojson")
    add("geojson_nested_bomb", "[" * 100_000 + "]" * 100_000, "JSON nested 100,000 deep", rows=None, expect=2,
        suffix=".geojson")
    add("json_records", json.dumps([{"site_id": f"r{i}", "lat": la, "lon": lo} for i, (la, lo) in enumerate(SITES)]),
        "plain JSON records with lat/lon", suffix=".json")
    add("json_object_of_records", json.dumps({"sites": [{"lat": la, "lon": lo} for la, lo in SITES]}),
        "an object holding a list of records", suffix=".json")
    add("json_scalar", '"hello"', "a JSON string", rows=None, expect=2, suffix=".json")
    add("json_not_json", base, "CSV text named .geojson", suffix=".geojson")


# --------------------------------------------------------------------------- special paths


def special_paths(c: Corpus) -> None:
    root = c.root
    base = csv_text("site_id,name,lat,lon", good_rows())
    (root / "sites" / "a_folder").mkdir(parents=True, exist_ok=True)
    c.cases.append(Case("folder", "sites", "sites/a_folder", "a folder instead of a file", None, 2))
    c.cases.append(Case("missing", "sites", "sites/does_not_exist.csv", "a path that does not exist", None, 2))
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "sites" / "fifo.csv")
        c.cases.append(Case("fifo", "sites", "sites/fifo.csv", "a named pipe (reading it would block)", None, 2))
    os.symlink(root / "sites" / "nowhere.csv", root / "sites" / "broken_link.csv")
    c.cases.append(Case("broken_symlink", "sites", "sites/broken_link.csv", "a dangling symlink", None, 2))
    os.symlink("loop_b.csv", root / "sites" / "loop_a.csv")
    os.symlink("loop_a.csv", root / "sites" / "loop_b.csv")
    c.cases.append(Case("symlink_loop", "sites", "sites/loop_a.csv", "a symlink loop", None, 2))
    c.add("symlink_target", "sites", base, "the target of a good symlink", rows=3, expect=0, suffix=".csv")
    os.symlink("symlink_target.csv", root / "sites" / "good_link.csv")
    c.cases.append(Case("good_symlink", "sites", "sites/good_link.csv", "a symlink to a good table", 3, 0))
    c.add("name with spaces é", "sites", base, "spaces and accents in the file name", rows=3, expect=0, suffix=".csv")
    c.add("x" * 200, "sites", base, "a 204-character file name", rows=3, expect=0, suffix=".csv")
    c.add("-dash", "sites", base, "a name starting with a dash (given as ./-dash.csv)", rows=3, expect=0,
          suffix=".csv")
    c.cases.append(Case("dash_argument", "argv", "-dash.csv", "a file name that looks like an option, unquoted: "
                                                                "argparse refuses it", None, 2))


# --------------------------------------------------------------------------- TOML inputs


def _variants(c: Corpus, kind: str, good: str, why: str) -> None:
    """Encoding and file-level variants of a valid TOML document of one kind."""
    c.add("valid", kind, good, f"a valid {why}", expect=0, suffix=".toml")
    c.add("bom", kind, codecs.BOM_UTF8 + good.encode(), "UTF-8 with a BOM", expect=0, suffix=".toml")
    c.add("utf16", kind, good.encode("utf-16"), "UTF-16 with a BOM", expect=0, suffix=".toml")
    c.add("crlf", kind, good.replace("\n", "\r\n"), "Windows line endings", expect=0, suffix=".toml")
    c.add("utf16_no_bom", kind, good.encode("utf-16-le"), "UTF-16 without a BOM", expect=2, suffix=".toml")
    c.add("latin1", kind, ("# caf\xe9\n" + good).encode("latin-1"), "Latin-1 comment", expect=2, suffix=".toml")
    c.add("binary", kind, bytes(range(256)) * 8, "binary", expect=2, suffix=".toml")
    c.add("syntax", kind, good + "\nthis is = = not toml [\n", "a syntax error", expect=2, suffix=".toml")
    c.add("duplicate_key", kind, "dup_key = 1\ndup_key = 2\n" + good, "a key given twice", expect=2, suffix=".toml")
    c.add("nested_bomb", kind, "x = " + "[" * 50_000 + "]" * 50_000 + "\n", "arrays nested 50,000 deep", expect=2,
          suffix=".toml")
    c.add("csv_given", kind, csv_text("lat,lon", ["35.9,-79.9"]), "a CSV given as TOML", expect=2, suffix=".toml")
    c.add("too_big", kind, "# " + "x" * 17_000_000 + "\n", "a 17 MB file", expect=2, suffix=".toml")
    c.add("nul", kind, good.encode() + b"\x00", "a NUL byte", expect=2, suffix=".toml")
    (c.root / kind / "folder.toml").mkdir(parents=True, exist_ok=True)
    c.cases.append(Case("folder", kind, f"{kind}/folder.toml", "a folder", None, 2))
    c.cases.append(Case("missing", kind, f"{kind}/missing.toml", "a path that does not exist", None, 2))


def scenario_files(c: Corpus) -> None:
    good = "it_load_mw = 150.0\npue = 1.3\n"
    _variants(c, "scenario", good, "scenario")
    for name, text, expect in (
        ("empty", "", 0), ("comment_only", "# nothing\n", 0), ("unknown_key", "it_load_kw = 5\n", 2),
        ("wrong_type", 'it_load_mw = "lots"\n', 2), ("load_1e12", "it_load_mw = 1e12\n", 2),
        ("load_inf", "it_load_mw = inf\n", 2), ("load_nan", "it_load_mw = nan\n", 2),
        ("load_negative", "it_load_mw = -5.0\n", 2), ("huge_int", f"it_load_mw = {10**18}\n", 2),
        ("bool_for_float", "it_load_mw = true\n", 2), ("int_for_float", "it_load_mw = 150\n", 0),
        ("array_for_float", "it_load_mw = [1.0, 2.0]\n", 2), ("table", "[it_load_mw]\nvalue = 1\n", 2),
        ("datetime", "it_load_mw = 1979-05-27T07:32:00Z\n", 2), ("unicode_key", "\u00efT_load = 1\n", 2),
        ("bad_choice", 'cooling = "liquid_nitrogen"\n', 2), ("long_comment", "# " + "y" * 1_000_000 + "\n", 0),
    ):
        c.add(name, "scenario", text, f"scenario: {name}", expect=expect, suffix=".toml")


def profile_files(c: Corpus) -> None:
    from importlib import resources

    from siting.profiles import SUBSCORES

    good = resources.files("siting").joinpath("profiles", "speed_to_power.toml").read_text(encoding="utf-8")
    _variants(c, "profile", good, "profile")
    for name, text, expect in (
        ("empty", "", 2), ("name_only", 'name = "x"\n', None), ("negative_weight", good.replace("grid = 0.10", "grid = -1.0"), 2),
        ("zero_weights", "\n".join(ln if not ln.split("=")[0].strip() in SUBSCORES
                                   else ln.split("=")[0] + "= 0.0" for ln in good.splitlines()) + "\n", 2),
        ("nan_weight", good.replace("grid = 0.10", "grid = nan"), 2),
        ("inf_scale", good.replace("substation_zero_km = 40.0", "substation_zero_km = inf"), 2),
        ("huge_weight", good.replace("grid = 0.10", "grid = 1e308"), None),
        ("unknown_section", good + "\n[bogus]\nx = 1\n", 2),
        ("string_weight", good.replace("grid = 0.10", 'grid = "high"'), 2),
    ):
        c.add(name, "profile", text, f"profile: {name}", expect=expect, suffix=".toml")


def deal_files(c: Corpus) -> None:
    from importlib import resources

    good = resources.files("siting").joinpath("examples", "deal_btm_gas_1gw_tolling.toml").read_text(encoding="utf-8")
    _variants(c, "deal", good, "deal")
    for name, old, new in (
        ("analysis_years_1e9", "analysis_years = 15 ", "analysis_years = 1000000000 "),
        ("term_huge", "term_yr = 15", "term_yr = 100000000"), ("capacity_1e308", "capacity_mw = 1000.0", "capacity_mw = 1e308"),
        ("price_nan", "henry_hub_usd_per_mmbtu = 4.01", "henry_hub_usd_per_mmbtu = nan"),
        ("tenor_negative", "tenor_yr = 15", "tenor_yr = -3"), ("draws_1e9", "draws = 2000", "draws = 1000000000"),
        ("unknown_key", "[tax]", "[tax]\nbogus = 1"), ("no_plant", "[plant]", "[plantx]"),
    ):
        c.add(name, "deal", good.replace(old, new), f"deal: {name}", expect=2, suffix=".toml")
    c.add("empty", "deal", "", "an empty deal", expect=2, suffix=".toml")


def layer_sets(c: Corpus) -> None:
    from importlib import resources

    sample = Path(str(resources.files("gis_data").joinpath("sample")))
    text = (sample / "layers.toml").read_text(encoding="utf-8")
    good = "\n".join(
        ln.replace('path = "', f'path = "{sample.as_posix()}/') if ln.startswith("path = ") else ln
        for ln in text.splitlines()
    ) + "\n"
    _variants(c, "layers", good, "layer set (the sample's, with absolute paths)")
    c.add("empty", "layers", "", "no layers", expect=2, suffix=".toml")
    c.add("unknown_role", "layers", good + '\n[layers.unicorns]\npath = "x"\nformat = "y"\n', "an unknown role",
          expect=2, suffix=".toml")
    c.add("unknown_format", "layers", good.replace('format = "hifld_substations"', 'format = "nope"'),
          "an unknown format", expect=2, suffix=".toml")
    c.add("options_not_table", "layers", good.replace('format = "hifld_substations"',
                                                      'format = "hifld_substations"\noptions = 5'),
          "options that are not a table", expect=2, suffix=".toml")
    # one role pointed at a hostile file
    hostile = {
        "missing.geojson": None,
        "not_a_zip.zip": b"this is not a zip archive\n",
        "truncated.geojson": (sample / "substations.geojson").read_bytes()[:500],
        "empty.geojson": b"",
        "binary.geojson": bytes(range(256)) * 16,
        "gz_not_gz.geojson.gz": b"plain text, not gzip\n",
        "utf16.geojson": (sample / "substations.geojson").read_text(encoding="utf-8").encode("utf-16"),
        "wrong_schema.geojson": fc([feature(pt(35.9, -79.9), {"foo": 1})]).encode(),
        "html_page.geojson": b"<html><body>502 Bad Gateway</body></html>",
        "empty_fc.geojson": fc([]).encode(),
        "text.gpkg": b"hello, I am not a GeoPackage\n",
    }
    for fname, data in hostile.items():
        target = c.root / "layers" / "files" / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        if data is not None:
            target.write_bytes(data)
        doc = good.replace(f'path = "{sample.as_posix()}/substations.geojson"', f'path = "{target.as_posix()}"')
        c.add(f"substations_{fname.replace('.', '_')}", "layers", doc, f"substations layer: {fname}", expect=None,
              suffix=".toml")
    folder = c.root / "layers" / "files" / "a_folder.geojson"
    folder.mkdir(parents=True, exist_ok=True)
    c.add("substations_folder", "layers", good.replace(f'path = "{sample.as_posix()}/substations.geojson"',
                                                       f'path = "{folder.as_posix()}"'),
          "substations layer: a folder", expect=None, suffix=".toml")
    c.add("layer_is_itself", "layers", good.replace(f'path = "{sample.as_posix()}/substations.geojson"',
                                                    'path = "layer_is_itself.toml"'),
          "a layer that is the layer-set file", expect=None, suffix=".toml")
    c.add("etc_passwd", "layers", good.replace(f'path = "{sample.as_posix()}/water_use.csv"', 'path = "/etc/passwd"'),
          "a system file as a table layer", expect=None, suffix=".toml")


def weather_files(c: Corpus) -> None:
    import pvlib

    tmy = Path(pvlib.__file__).parent / "data" / "723170TYA.CSV"
    text = tmy.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    add = lambda name, data, why, expect=2, suffix=".csv": c.add(name, "weather", data, why, expect=expect,  # noqa: E731
                                                                 suffix=suffix)
    add("tmy3_valid", text, "the Greensboro TMY3 file", expect=0)
    add("tmy3_half", "".join(lines[: len(lines) // 2]), "half the hours")
    add("tmy3_header_only", "".join(lines[:2]), "the two header lines")
    add("tmy3_utf16", text.encode("utf-16"), "TMY3 in UTF-16", expect=None)
    add("tmy3_gz_not_gz", text[:2000], "plain text named .gz", suffix=".csv.gz")
    add("tmy3_gz_truncated", gzip.compress(text.encode(), mtime=0)[:5000], "a gzip cut short", suffix=".csv.gz")
    add("tmy3_bad_numbers", "".join(lines[:2] + [ln.replace(",", ",x", 3) for ln in lines[2:50]]), "text in numbers")
    add("empty", b"", "0 bytes")
    add("binary", bytes(range(256)) * 64, "binary")
    add("latin1", ("caf\xe9," * 50 + "\n").encode("latin-1"), "Latin-1 text")
    add("csv_no_time", csv_text("temp_air_degc,pressure_pa", ["20,101325"]), "a CSV without a time column")
    add("csv_naive_time", csv_text("time,temp_air_degc,pressure_pa,relative_humidity_pct",
                                   ["2021-01-01 00:00,20,101325,50"]), "times without a UTC offset")
    add("csv_text_values", csv_text("time,temp_air_degc,pressure_pa,relative_humidity_pct",
                                    ["2021-01-01T00:00-05:00,warm,101325,50"]), "text where numbers belong")
    (c.root / "weather" / "folder").mkdir(parents=True, exist_ok=True)
    c.cases.append(Case("folder", "weather", "weather/folder", "a folder", None, 2))
    c.cases.append(Case("missing", "weather", "weather/missing.csv", "a path that does not exist", None, 2))


def make_corpus(root: str | Path) -> list[Case]:
    """Write every case under ``root`` (created) and ``root/manifest.json``; return the cases."""
    c = Corpus(Path(root))
    c.root.mkdir(parents=True, exist_ok=True)
    site_tables(c)
    special_paths(c)
    scenario_files(c)
    profile_files(c)
    deal_files(c)
    layer_sets(c)
    weather_files(c)
    c.write_manifest()
    return c.cases


if __name__ == "__main__":  # pragma: no cover - the test imports make_corpus
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    cases = make_corpus(sys.argv[1])
    print(f"{len(cases)} cases written to {sys.argv[1]}")
