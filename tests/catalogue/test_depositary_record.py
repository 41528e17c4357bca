"""Reading a depositary record (MTDSG XML) as the UN Treaty Collection publishes it: the
Protocol's record of January 2018 read whole, its mangled characters mapped back, footnote
markers taken out of names, statements with the articles they name; a file that cannot be read
is refused with its line, never half-read."""

import datetime
from pathlib import Path
from xml.parsers import expat

import pytest
from django.conf import settings

from catalogue.mtdsg import RecordError, article_references, read_record

PROTOCOL_RECORD = Path(settings.BASE_DIR) / "fixtures" / "depositary" / "XVIII-12-a.en.xml"


def mtdsg(rows, declarations="", header=None, encoding="iso-8859-1"):
    """A small record in the depositary's format: ``rows`` as (name, signature, consent)."""
    header = header or (
        "<Chapter><Header>CHAPTER XVIII</Header></Chapter><ExternalData><Numsect>12</Numsect>"
        "<Subnumsect>a</Subnumsect><Subtitlesect>Protocol</Subtitlesect>"
        "<EIF><Labeltext>25 December 2003, in accordance with article 17</Labeltext></EIF>"
        "<Status><Signatories>2</Signatories><Parties>2</Parties></Status></ExternalData>"
    )
    body = "\n".join(
        f"<Row><Entry>{name}</Entry><Entry>{signature}</Entry><Entry>{consent}</Entry></Row>"
        for name, signature, consent in rows
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<Document><Treaty>\n<Header>{header}'
        '</Header>\n<Participants><Table><TGroup cols="3"><Thead><Row><Entry>Participant'
        "</Entry><Entry>Signature</Entry><Entry>Ratification, Acceptance(A), Approval(AA), "
        f"Accession(a), Succession(d)</Entry></Row></Thead><Tbody><Rows>\n{body}\n</Rows></Tbody>"
        f"</TGroup></Table></Participants>\n<Declarations>{declarations}</Declarations>\n"
        "</Treaty></Document>\n"
    )
    return text.encode(encoding)


@pytest.fixture(scope="module")
def protocol():
    return read_record(PROTOCOL_RECORD.read_bytes())


def test_the_protocols_record_is_read_whole(protocol):
    assert len(protocol.participants) == 175
    assert (protocol.signatories, protocol.parties) == (117, 173)
    assert (protocol.signature_count, protocol.consent_count) == (117, 173)
    kinds = [p.consent_kind for p in protocol.participants if p.consent_kind]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "ratification": 112,
        "accession": 56,
        "acceptance": 3,
        "approval": 1,
        "succession": 1,
    }
    assert protocol.reference == "XVIII-12-a"
    assert protocol.page_url == (
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-12-a"
        "&chapter=18&lang=en"
    )
    assert protocol.entry_into_force_on == datetime.date(2003, 12, 25)
    assert protocol.latest_action_on == datetime.date(2017, 12, 29)


def test_markers_give_the_kind_of_consent(protocol):
    rows = {p.name: p for p in protocol.participants}
    assert (rows["Afghanistan"].consent_on, rows["Afghanistan"].consent_kind) == (
        datetime.date(2014, 8, 15),
        "accession",
    )
    assert rows["Albania"].signature_on == datetime.date(2000, 12, 12)
    assert rows["Albania"].consent_kind == "ratification"
    assert rows["Montenegro"].consent_kind == "succession"
    assert rows["European Union"].consent_kind == "approval"
    signed_only = [p.name for p in protocol.participants if p.signature_on and not p.consent_kind]
    assert signed_only == ["Congo", "Uganda"]


def test_footnote_markers_are_taken_out_of_names(protocol):
    rows = {p.name: p for p in protocol.participants}
    assert rows["China"].notes == ["1"] and rows["Ukraine"].notes == ["6"]
    assert not any("superscript" in p.name or "<" in p.name for p in protocol.participants)
    assert (
        protocol.notes["2"]
        == "With a territorial exclusion in respect of the Faroe Islands and Greenland."
    )


def test_the_control_characters_a_strict_parser_refuses_are_mapped_back(protocol):
    raw = PROTOCOL_RECORD.read_bytes()
    assert b"\x19" in raw and b"\x1c" in raw and b"\x1d" in raw
    with pytest.raises(expat.ExpatError):  # what a strict XML parser makes of the file
        expat.ParserCreate().Parse(raw, True)
    china = next(s for s in protocol.statements if s.participant == "China")
    assert "People\u2019s Republic of China" in china.text
    qatar = next(s for s in protocol.statements if s.participant == "Qatar")
    assert "\u201cEmployment, educational and training opportunities\u201d" in qatar.text
    sri_lanka = next(s for s in protocol.statements if s.participant == "Sri Lanka")
    assert sri_lanka.text.startswith("\u201c\u2026 [T]he Government")  # a bare '&': the ellipsis
    assert not any(ch in s.text for s in protocol.statements for ch in "\x19\x1c\x1d")


def test_a_small_record_with_control_characters_and_an_ellipsis_is_read():
    data = mtdsg(
        [("Utopia", "12 Dec 2000", "1 Mar 2004")],
        '<Declaration><Participant>Utopia</Participant><text type="title">Reservation:'
        '</text><text type="para">\x1c& Utopia\x19s Government does not consider itself bound'
        " by paragraph 2 of article 15.\x1d</text></Declaration>",
    )
    record = read_record(data)
    (statement,) = record.statements
    assert (
        statement.text
        == "\u201c\u2026 Utopia\u2019s Government does not consider itself bound by paragraph 2 "
        "of article 15.\u201d"
    )
    assert (statement.kind, statement.article_reference) == ("reservation", "15(2)")
    assert record.characters_mapped == 4


@pytest.mark.parametrize(
    ("participant", "heading", "kind", "occasion", "articles"),
    [
        ("Algeria", "Declarations", "declaration", "", ""),
        (
            "Australia",
            "Declaration made upon signature and confirmed upon ratification",
            "declaration",
            "signature",
            "",
        ),
        ("Azerbaijan", "Reservation", "reservation", "", "15(2)"),
        ("Indonesia", "Declaration", "declaration", "", "5(2)(c)"),
        ("Qatar", "Reservations", "reservation", "", "6(3)(d);7(1);15(2)"),
        ("Thailand", "Reservation", "reservation", "", "15(2)"),
        ("Lao People's Democratic Republic", "Reservation", "reservation", "", "15(2)"),
        ("Myanmar", "Reservation", "reservation", "", "15"),
        ("Greece", "Reservation", "reservation", "", "13"),
        (
            "Israel",
            "With regard to the declaration made by Algeria upon ratification",
            "objection",
            "",
            "",
        ),
    ],
)
def test_statements_by_participant_with_the_articles_they_name(
    protocol, participant, heading, kind, occasion, articles
):
    statement = next(
        s for s in protocol.statements if s.participant == participant and s.heading == heading
    )
    assert (statement.kind, statement.occasion, statement.article_reference) == (
        kind,
        occasion,
        articles,
    )


def test_a_heading_inside_the_paragraphs_starts_its_own_statement(protocol):
    saudi = [s for s in protocol.statements if s.participant == "Saudi Arabia"]
    assert [(s.heading, s.occasion) for s in saudi] == [
        ("Declaration and reservation", "signature"),
        ("Reservation upon ratification", "consent"),
    ]
    assert saudi[0].article_reference == "3(a);15(2);6(3)(d);7(1)"


def test_text_the_depositary_lost_to_question_marks_is_marked_damaged(protocol):
    damaged = sorted({s.participant for s in protocol.statements if s.damaged})
    assert damaged == [
        "Algeria",
        "European Union",
        "Lithuania",
        "South Africa",
        "United States of America",
    ]


def test_another_instruments_articles_are_not_the_treatys():
    text = (
        "The United States understands the obligation in light of Article 6, paragraph 2 (b) "
        "of the United Nations Convention, and Article 138 of the Basic Law thereof."
    )
    assert article_references(text, "Protocol") == []
    assert article_references("bound by article 15, paragraph 2, of this Protocol") == ["15(2)"]
    assert article_references(
        "paragraph 3d of Article Six and paragraph 1 of Article 7 of the said protocol"
    ) == ["6(3)(d)", "7(1)"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "line 1: the file is empty"),
        (b"<Document><Treaty><Participants>\n<Table>\n</Document>", "line 3: not readable as XML"),
        (b"<html><body>Not found</body></html>", "line 1: not a depositary record"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY a "aaaa">]>\n<Document/>',
            "line 2: the file declares a DOCTYPE",
        ),
        (b"<Document><Treaty><Header/></Treaty></Document>", "no participants table"),
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n<Document>\n\xe9</Document>',
            "line 3: the file is not valid utf-8 text",
        ),
    ],
)
def test_a_file_that_is_not_a_readable_record_is_refused_with_its_line(data, message):
    with pytest.raises(RecordError, match=message):
        read_record(data)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("31 Feb 2004", "line 6: Utopia: consent '31 Feb 2004' is not a date like '14 Dec 2000'"),
        ("2004-03-01", "line 6: Utopia: consent '2004-03-01' is not a date"),
        ("1 Mar 2004 x", "line 6: Utopia: consent '1 Mar 2004 x': unknown marker 'x'"),
    ],
)
def test_a_row_that_cannot_be_read_refuses_the_whole_record(cell, message):
    data = mtdsg([("Arcadia", "12 Dec 2000", "1 Mar 2004"), ("Utopia", "", cell)])
    with pytest.raises(RecordError, match=message):
        read_record(data)
