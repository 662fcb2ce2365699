"""The one reader of text inputs (encodings, binary, folders) and content sniffing (issue 13)."""

from __future__ import annotations

import codecs
import gzip
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gis_data import io
from models.errors import ConfigError, DataError, MissingDataError, SitingError

TEXT = 'name = "café ☕"\nit_load_mw = 150.0\n'


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),  # BOM + native order
    codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    TEXT.encode("utf-32"),
], ids=["utf8", "utf8-bom", "utf16", "utf16-be", "utf32"])
def test_text_inputs_in_every_unicode_encoding_with_a_bom(tmp_path, data):
    p = tmp_path / "a.toml"
    p.write_bytes(data)
    assert io.read_text_file(p, what="scenario file") == TEXT
    assert io.read_toml(p, what="scenario file") == {"name": "café ☕", "it_load_mw": 150.0}


@pytest.mark.parametrize("data,needle", [
    ("name = 'caf\xe9'\n".encode("latin-1"), "not UTF-8 text: byte 11"),
    (TEXT.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
    (bytes(range(256)), "binary file"),
], ids=["latin1", "utf16-no-bom", "binary"])
def test_other_bytes_are_a_clear_error_naming_the_file(tmp_path, data, needle):
    p = tmp_path / "bad.toml"
    p.write_bytes(data)
    with pytest.raises(ConfigError, match=needle) as info:
        io.read_toml(p, what="deal file")
    assert "deal file" in str(info.value) and "bad.toml" in str(info.value)


def test_paths_that_are_not_files(tmp_path):
    with pytest.raises(ConfigError, match="is a folder"):
        io.read_toml(tmp_path, what="scenario file")
    with pytest.raises(ConfigError, match="does not exist"):
        io.read_toml(tmp_path / "nope.toml", what="scenario file")
    with pytest.raises(MissingDataError, match="does not exist"):
        io.read_text_file(tmp_path / "nope.toml")
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (io.MAX_TEXT_INPUT_BYTES + 1))
    with pytest.raises(DataError, match="small text file"):
        io.read_text_file(big)


def test_toml_nesting_bomb_is_an_error_not_a_crash(tmp_path):
    p = tmp_path / "bomb.toml"
    p.write_text("x = " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="TOML"):
        io.read_toml(p)


@pytest.mark.parametrize("data,kind", [
    (b"", "empty"), (b"PAR1....PAR1", "parquet"), (b"SQLite format 3\x00rest", "sqlite"),
    (b"PK\x03\x04rest", "zip"), (gzip.compress(b"a,b\n"), "gzip"), (b"fgb\x03rest", "flatgeobuf"),
    (b"\x00\x00\x27\x0a" + b"\x00" * 96, "shapefile"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"%PDF-1.4\n", "pdf"), (b"\x89PNG\r\n\x1a\n...", "image"), (b'  \n{"type": "FeatureCollection"}', "json"), (b"[1, 2]", "json"), (b"lat,lon\n1,2\n", "text"),
    (codecs.BOM_UTF8 + b"lat,lon\n", "text"), ("lat,lon\n".encode("utf-16"), "text"),
    ("caf\xe9,1\n".encode("latin-1"), "text"), (bytes(range(256)) * 4, "binary"),
])
def test_sniff_file_by_content(tmp_path, data, kind):
    p = tmp_path / "x.anything"
    p.write_bytes(data)
    assert io.sniff_file(p) == kind


def test_low_level_readers_turn_bad_files_into_data_errors(tmp_path):
    fake_zip = tmp_path / "layer.zip"
    fake_zip.write_text("not a zip", encoding="utf-8")
    with pytest.raises(DataError, match="not a readable one"):
        io.zip_member(fake_zip)
    with pytest.raises(DataError):
        io.read_vector(fake_zip)
    fake_gz = tmp_path / "layer.csv.gz"
    fake_gz.write_text("plain text", encoding="utf-8")
    with pytest.raises(DataError, match="cannot read"):
        io.read_table(fake_gz)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(DataError, match="cannot read"):
        io.read_table(empty)
    trunc = tmp_path / "t.geojson"
    trunc.write_text('{"type":"FeatureCollection","features":[{"type":"Fea', encoding="utf-8")
    with pytest.raises(DataError, match="vector layer"):
        io.read_vector(trunc)
    with pytest.raises(DataError, match="not valid JSON"):
        io.read_json(trunc)
    folder = tmp_path / "dir.geojson"
    folder.mkdir()
    with pytest.raises(DataError, match="is a folder"):
        io.read_vector(folder)
    utf16 = tmp_path / "u.csv"
    utf16.write_bytes("a,b\n1,2\n".encode("utf-16"))
    assert io.read_table(utf16).to_dict("list") == {"a": [1], "b": [2]}
    zcsv = tmp_path / "z.zip"
    with zipfile.ZipFile(zcsv, "w") as zf:
        zf.writestr("t.csv", "a,b\n1,2\n")
    assert io.peek_columns(zcsv) == ["a", "b"]
    assert io.peek_columns(fake_zip) == [] and io.peek_columns(folder) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200), codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_any_text_round_trips_through_the_reader(tmp_path, text, codec):
    # Property: whatever the text (no NUL), saved in any Unicode encoding with a mark, it reads back as itself.
    text = text.replace("\x00", "")
    p = tmp_path / "t.txt"
    p.write_bytes(text.encode(codec))
    assert io.read_text_file(p) == (text[1:] if codec == "utf-8" and text.startswith("\ufeff") else text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_any_bytes_give_text_or_a_siting_error(tmp_path, data):
    p = tmp_path / "b.toml"
    p.write_bytes(data)
    try:
        io.read_toml(p, what="scenario file")
    except SitingError:
        pass
    assert io.sniff_file(p) in io.CONTENT_KINDS
