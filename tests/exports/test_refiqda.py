"""REFI-QDA exchange: our .qdpx and .qdc are valid QDA-XML and come back unchanged; projects from other
tools come in with what can be used, the rest listed; hostile or broken files are refused in words."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from exports import refiqda
from exports.refiqda import (
    QdaCode,
    QdaCoding,
    QdaProject,
    QdaSelection,
    QdaTextSource,
    QdaUser,
    RefiQdaError,
    new_guid,
    read_qdc,
    read_qde,
    read_qdpx,
    stable_guid,
    write_qdc,
    write_qdpx,
)
from tests.services import require_shared_data

FIXTURES = Path(__file__).parent / "fixtures" / "refiqda"
NS = {"q": refiqda.PROJECT_NAMESPACE}

ENGLISH = ("Facilitator: What made the difference for you?\r\n"
           "Participant A: The mentor believed in me, so I kept going to the sessions.\r\n"
           "Participant B: I found a job after six months.\r\n"
           "Participant A: The bus stopped running in winter, which made it hard.\r\n")
# Emoji are one code point each but two UTF-16 units: positions after them tell the two counts apart.
FRENCH = ("Atelier à Lyon 😊 — Participante C : l'accompagnement m'a redonné confiance en moi.\n"
          "Grâce à la crèche du quartier, j'ai pu suivre la formation 🎉.\n"
          "Résultat : un CDI signé en mars, après dix-huit mois de chômage.\n")


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def cmo_project() -> QdaProject:
    """Two facilitators coding two workshop transcripts with the five CMO codes."""
    anna, bruno = QdaUser(new_guid(), "Anna Kowalska"), QdaUser(new_guid(), "Bruno Ferreira")
    long_term = QdaCode(new_guid(), "Long-term unemployment", "Out of work for a year or more.", "#996600")
    context = QdaCode(new_guid(), "Context", "Who takes part, where and when.", "#FFAA00", [long_term], codable=False)
    mechanism = QdaCode(new_guid(), "Mechanism", "What the programme triggers in people.", "#3366CC")
    outcome = QdaCode(new_guid(), "Outcome", "What changes for the participant.", "#339933")
    enabling = QdaCode(new_guid(), "Enabling condition", "What helps the mechanism work.", "#6C6")
    hindering = QdaCode(new_guid(), "Hindering condition", "What gets in its way.", "#CC3333")
    monday = datetime(2024, 3, 4, 9, 30, 15, 250000, tzinfo=UTC)
    paris = timezone(timedelta(hours=2))

    def selection(text: str, phrase: str, user: QdaUser, *codings: tuple[QdaCode, QdaUser], memo: str = "",
                  created: datetime | None = None) -> QdaSelection:
        start, end = span(text, phrase)
        return QdaSelection(new_guid(), start, end, name=phrase[:40], user_guid=user.guid, created=created, memo=memo,
                            codings=[QdaCoding(new_guid(), code.guid, coder.guid, created) for code, coder in codings])

    english = QdaTextSource(new_guid(), "Workshop Kraków, transcript", ENGLISH, user_guid=anna.guid, created=monday,
                            description="Second session, recorded with consent.")
    english.selections = [
        selection(ENGLISH, "The mentor believed in me", anna, (mechanism, anna), (mechanism, bruno),
                  memo="Trust in the mentor\nkeeps people coming — see also session 1.", created=monday),
        selection(ENGLISH, "I found a job after six months", bruno, (outcome, bruno), created=monday),
        selection(ENGLISH, "The bus stopped running in winter", anna, (hindering, anna), (hindering, bruno)),
        selection(ENGLISH, "Participant B", bruno, (long_term, bruno)),
    ]
    french = QdaTextSource(new_guid(), "Atelier Lyon, transcription", FRENCH, user_guid=bruno.guid,
                           created=datetime(2024, 3, 5, 14, 0, tzinfo=paris))
    french.selections = [
        selection(FRENCH, "l'accompagnement m'a redonné confiance", bruno, (mechanism, bruno),
                  created=datetime(2024, 3, 5, 15, 12, 1, tzinfo=paris)),
        selection(FRENCH, "Grâce à la crèche du quartier", anna, (enabling, anna), (enabling, bruno),
                  memo="La crèche : condition favorable ✔"),
        selection(FRENCH, "un CDI signé en mars, après dix-huit mois de chômage", anna, (outcome, anna),
                  (long_term, bruno)),
        selection(FRENCH, "formation 🎉", bruno, (outcome, bruno)),
    ]
    return QdaProject(name="EU-ALMPO workshops 2024", users=[anna, bruno],
                      codes=[context, mechanism, outcome, enabling, hindering], sources=[english, french],
                      created=monday, creating_user_guid=anna.guid, description="Coding of the spring workshops.")


def make_zip(files: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def zip_folder(folder: Path) -> bytes:
    return make_zip({path.relative_to(folder).as_posix(): path.read_bytes()
                     for path in sorted(folder.rglob("*")) if path.is_file()})


def project_qde(archive: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return opened.read("project.qde")


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(require_shared_data(f"refi-qda/{name}"))))


# -- writing and reading back --------------------------------------------------------------------


def test_a_project_comes_back_unchanged_with_every_coding_and_position():
    project = cmo_project()
    again = read_qdpx(write_qdpx(project))
    assert again == project
    assert again.skipped == []
    assert sum(len(s.codings) for source in again.sources for s in source.selections) == 12
    french = again.sources[1]
    assert [french.text[s.start:s.end] for s in french.selections][-1] == "formation 🎉"
    assert again.sources[0].text.count("\r\n") == 4  # line endings are part of the positions, never normalised


def test_positions_are_counted_in_code_points_as_python_indexes():
    project = cmo_project()
    root = etree.fromstring(project_qde(write_qdpx(project)))
    french = project.sources[1]
    last = french.selections[-1]
    element = root.find(f".//q:PlainTextSelection[@guid='{last.guid}']", NS)
    start = int(element.get("startPosition"))
    assert start == FRENCH.index("formation 🎉")
    # Counting UTF-16 units would have put it one further for the emoji before it.
    assert len(FRENCH[:start].encode("utf-16-le")) // 2 == start + 1


def test_the_archive_holds_project_qde_and_each_text_as_utf8():
    project = cmo_project()
    with zipfile.ZipFile(io.BytesIO(write_qdpx(project))) as archive:
        expected = ["project.qde"] + [f"sources/{source.guid}.txt" for source in project.sources]
        assert sorted(archive.namelist()) == sorted(expected)
        for source in project.sources:
            assert archive.read(f"sources/{source.guid}.txt") == source.text.encode("utf-8")
        root = etree.fromstring(archive.read("project.qde"))
    paths = [element.get("plainTextPath") for element in root.iterfind(".//q:TextSource", NS)]
    assert paths == [f"internal://{source.guid}.txt" for source in project.sources]
    assert root.get("origin") == "EU-ALMPO"
    assert root.get("creationDateTime") == "2024-03-04T09:30:15.250000Z"


def test_the_written_project_is_valid_qda_xml():
    project_schema = schema("Project.xsd")
    document = etree.fromstring(project_qde(write_qdpx(cmo_project())))
    assert project_schema.validate(document), project_schema.error_log
    smallest = QdaProject(name="Empty", users=[], codes=[], sources=[], origin="")
    document = etree.fromstring(project_qde(write_qdpx(smallest)))
    assert project_schema.validate(document), project_schema.error_log


def test_the_written_codebook_is_valid_and_reads_back():
    codes = cmo_project().codes
    written = write_qdc(codes)
    codebook_schema = schema("Codebook.xsd")
    assert codebook_schema.validate(etree.fromstring(written)), codebook_schema.error_log
    assert read_qdc(written) == codes
    assert etree.fromstring(written).get("origin") == "EU-ALMPO"


def test_guids_have_the_form_the_schema_wants():
    pattern = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}")
    assert pattern.fullmatch(new_guid())
    assert new_guid() != new_guid()
    assert stable_guid("code", 17) == stable_guid("code", 17) != stable_guid("code", 18)
    assert re.fullmatch(r"[0-9A-F-]{36}", stable_guid("code", 17))


def unknown_code(project: QdaProject) -> None:
    project.sources[0].selections[0].codings[0].code_guid = new_guid()


def beyond_the_text(project: QdaProject) -> None:
    project.sources[1].selections[0].end = len(FRENCH) + 1


def before_the_text(project: QdaProject) -> None:
    project.sources[0].selections[0].start = -1


def not_a_guid(project: QdaProject) -> None:
    project.users[0].guid = "anna"


def one_guid_twice(project: QdaProject) -> None:
    project.sources[1].guid = project.sources[0].guid


def unknown_user(project: QdaProject) -> None:
    project.sources[0].selections[1].user_guid = new_guid()


def colour_name(project: QdaProject) -> None:
    project.codes[1].color = "blue"


def lone_surrogate(project: QdaProject) -> None:
    project.sources[0].text = "\ud800" + ENGLISH


@pytest.mark.parametrize("break_it, message", [
    (unknown_code, "not in the codebook"),
    (beyond_the_text, f"the text has {len(FRENCH)} characters"),
    (before_the_text, f"the text has {len(ENGLISH)} characters"),
    (not_a_guid, "'anna' is not of the form"),
    (one_guid_twice, "already used by source 'Workshop Kraków, transcript'"),
    (unknown_user, "not among the project's users"),
    (colour_name, "'blue' is not #RRGGBB"),
    (lone_surrogate, "cannot be written as UTF-8"),
])
def test_a_project_that_other_tools_could_not_read_is_not_written(break_it, message):
    project = cmo_project()
    break_it(project)
    with pytest.raises(RefiQdaError, match=message):
        write_qdpx(project)


def test_an_empty_codebook_is_not_written():
    with pytest.raises(RefiQdaError, match="at least one code"):
        write_qdc([])


def test_characters_xml_cannot_carry_are_left_out_of_names_and_memos():
    project = cmo_project()
    project.sources[0].selections[0].memo = "bell\x07 and \x00null"
    again = read_qdpx(write_qdpx(project))
    assert again.sources[0].selections[0].memo == "bell and null"


# -- projects from other tools -------------------------------------------------------------------


def test_a_project_from_a_windows_tool_is_valid_qda_xml():
    # The fixture stands for a real export, so it must keep to the schema as such exports do.
    project_schema = schema("Project.xsd")
    assert project_schema.validate(etree.parse(str(FIXTURES / "nvivo_style" / "project.qde")))


def test_a_project_with_rich_text_notes_and_a_pdf_comes_in():
    project = read_qdpx(zip_folder(FIXTURES / "nvivo_style"))
    assert project.name == "ALMP case study Lisboa"
    assert project.origin == "NVivo 14.23.0"
    assert project.created == datetime(2023, 11, 20, 14, 3, 11, 523000, tzinfo=UTC)
    assert [user.name for user in project.users] == ["Eleni Papadopoulou", "João Silva"]
    assert [(code.name, [child.name for child in code.children]) for code in project.codes] == [
        ("Outcomes", ["Employment entry"]), ("Hindering conditions", ["Transport"])]
    employment = project.codes[0].children[0].guid
    focus, report = project.sources
    # The byte-order mark of the text file is not part of the text the positions count in.
    assert focus.text.startswith("Grupo focal")
    assert [focus.text[s.start:s.end] for s in focus.selections] == [
        "então aceitei o estágio", "Sem transporte público não consigo chegar ao centro de formação"]
    first = focus.selections[0]
    # The note on the selection and the note on one of its codings both become its memo.
    assert first.memo == ("She mentioned the internship twice.\n\n"
                          "Coded as employment entry although it is a traineeship.")
    assert [(c.code_guid, c.user_guid) for c in first.codings] == [
        (employment, project.users[0].guid), (employment, project.users[1].guid)]
    assert report.guid == "3993CCE9-FD1E-4A4F-9D13-B85D21DC2E5A"
    assert report.name == "Annual report 2022"
    assert [report.text[s.start:s.end] for s in report.selections] == ["Placement rates rose to 41 %"]
    assert project.description == ("Case study of the Lisbon traineeship programme.\n\n"
                                   "Fieldwork in Lisboa, autumn 2023.")
    assert project.skipped == [
        "1 coding of the whole of text source 'Focus group Lisboa' not imported; only codings of selections were.",
        "Text source 'Interview guide' was not imported: it has only a rich-text file and no plain text.",
        "1 area selection on PDF 'Annual report 2022' not imported; only its text representation and the "
        "selections on it were.",
        "Audio source 'Interview audio' was not imported: only texts can be imported.",
        "Note 'Loose memo' was not imported: it belongs to nothing that was imported.",
    ]


def test_a_looser_project_with_linked_texts_and_extensions_comes_in():
    project = read_qdpx(zip_folder(FIXTURES / "qualcoder_style"))
    assert project.origin == "QualCoder 3.5"
    assert [user.name for user in project.users] == ["maria", "tomas"]
    mechanisms, barriers, incentives = project.codes
    assert (mechanisms.codable, mechanisms.color, mechanisms.description) == (
        False, "#3366CC", "How the programme works on the participant.")
    assert [child.name for child in mechanisms.children] == ["Trust in the caseworker", "Peer support"]
    assert barriers.color == "#F00" and barriers.children[0].color == ""  # "red" is no colour of the schema
    assert incentives.codable
    # GUIDs come in upper case whatever case the file used.
    trust = mechanisms.children[0]
    assert trust.guid == "D93B012A-81CE-4DA3-8BC7-C17BDF00AD77"
    assert [source.name for source in project.sources] == ["anna.txt", "Notas de campo Sevilla", "Employer call"]
    anna, notes, call = project.sources
    assert anna.description == "Interview with Anna, May 2024."
    assert [anna.text[s.start:s.end] for s in anna.selections] == [
        "I trusted her, so I went to the training.", "Without childcare I could not have taken the job."]
    trusted = anna.selections[0]
    assert trusted.memo == "Trust comes before taking up the offer."
    assert [(c.code_guid, c.user_guid, c.created) for c in trusted.codings] == [
        (trust.guid, project.users[0].guid, datetime(2024, 5, 3, 10, 0, tzinfo=UTC)),
        (trust.guid, project.users[1].guid, datetime(2024, 5, 6, 13, 30, 12, tzinfo=UTC)),
    ]
    # The emoji early in the field notes must not shift the selections after it.
    assert [notes.text[s.start:s.end] for s in notes.selections] == [
        "los participantes confían en ella", "El grupo de apoyo entre pares funcionó mejor"]
    assert call.text == "Employer, by phone: the wage subsidy made the hire possible."
    assert [call.text[s.start:s.end] for s in call.selections] == ["the wage subsidy made the hire possible"]
    assert call.selections[0].codings[0].code_guid == incentives.guid
    assert call.selections[0].codings[0].user_guid is None
    assert project.skipped == [
        "Text source 'Shared diary' was not imported: its text path (relative://../shared/diary.txt) points "
        "outside the project.",
        "Text source 'Private notes' was not imported: its text is linked outside the .qdpx "
        "(relative://private/notes.txt) and not included in it.",
        "PDF 'Evaluation report.pdf' was not imported: it has no plain-text representation.",
        "Picture 'Poster.png' was not imported: only texts can be imported.",
    ]


def test_an_imported_project_can_be_exported_again():
    project = read_qdpx(zip_folder(FIXTURES / "nvivo_style"))
    again = read_qdpx(write_qdpx(project))
    assert again == dataclasses.replace(project, skipped=[])


def test_a_project_qde_reads_with_texts_given_by_path():
    xml = (FIXTURES / "nvivo_style" / "project.qde").read_bytes()
    text = (FIXTURES / "nvivo_style" / "sources" / "EC644776-2E60-4937-96F0-671CBB4D63EE.txt").read_text("utf-8")
    project = read_qde(xml, {"internal://EC644776-2E60-4937-96F0-671CBB4D63EE.txt": text})
    assert [source.name for source in project.sources] == ["Annual report 2022"]
    assert project.skipped[0] == ("Text source 'Focus group Lisboa' was not imported: its text "
                                  "(internal://1A4F0EC3-1517-47F4-A6B4-3FDAE9970F55.txt) was not supplied.")


def test_a_user_named_but_not_listed_is_added_without_a_name():
    unknown = new_guid()
    project = read_qde(small_qde(selection=f'startPosition="0" endPosition="5" creatingUser="{unknown}"'), {})
    assert project.users == [QdaUser(unknown, "")]
    assert project.sources[0].selections[0].user_guid == unknown


# -- refusing what cannot or must not be read ----------------------------------------------------

CODE = "0E7B1F7C-3C2A-4F7E-9B8E-2D4A5C6B7A81"
TEXT = "Hello world"


def small_qde(selection: str = 'startPosition="0" endPosition="5"', code_ref: str = CODE, prolog: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>{prolog}
<Project xmlns="urn:QDA-XML:project:1.0" name="Small">
  <CodeBook><Codes><Code guid="{CODE}" name="Mechanism" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="1B0C8E0A-9F4B-4C59-8F0E-7B6A5D4C3B2A" name="Greeting">
      <PlainTextContent>{TEXT}</PlainTextContent>
      <PlainTextSelection guid="2C1D9F1B-0A5C-4D6A-9A1F-8C7B6E5D4C3B" {selection}>
        <Coding guid="3D2EA02C-1B6D-4E7B-8B20-9D8C7F6E5D4C"><CodeRef targetGUID="{code_ref}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>""".encode()


def test_the_small_project_reads():
    project = read_qdpx(make_zip({"project.qde": small_qde()}))
    assert project.sources[0].text[:5] == "Hello"


BILLION_LAUGHS = ('<!DOCTYPE Project [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1 if n > 1 else "") + ";") * 10}">'
                            for n in range(1, 10))
                  + "]>")


@pytest.mark.parametrize("data, message", [
    (b"", "not a readable zip"),
    (b"not a zip at all", "not a readable zip"),
    (small_qde(), "not a readable zip"),
    (make_zip({"sources/a.txt": "text"}), "no project.qde"),
    (make_zip({"project.qde": b"<Project name='x'><Users>"}), "not well-formed XML"),
    (make_zip({"project.qde": "<Workbook name='x'/>".encode("utf-16")}), "not a REFI-QDA project"),
    (make_zip({"project.qde": small_qde(prolog=BILLION_LAUGHS).replace(b'name="Small"', b'name="&lol9;"')}),
     "DOCTYPE"),
    (make_zip({"project.qde": small_qde(prolog='<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
               .replace(b'name="Small"', b'name="&x;"')}), "DOCTYPE"),
    (make_zip({"project.qde": small_qde(prolog="<!-- made by hand --><?tool x?>\n<!DOCTYPE Project>")}), "DOCTYPE"),
    (make_zip({"project.qde": small_qde(prolog="<!DOCTYPE Project>").decode().replace('"utf-8"', '"utf-16"')
               .encode("utf-16")}), "DOCTYPE"),
    (make_zip({"project.qde": write_qdc([QdaCode(CODE, "Mechanism")])}), "codebook"),
    (make_zip({"project.qde": small_qde('startPosition="3" endPosition="12"')}),
     "does not fit its text \\(11 characters\\)"),
    (make_zip({"project.qde": small_qde('startPosition="-1" endPosition="4"')}), "does not fit its text"),
    (make_zip({"project.qde": small_qde('startPosition="5" endPosition="2"')}), "does not fit its text"),
    (make_zip({"project.qde": small_qde('startPosition="one" endPosition="4"')}), "not a whole number"),
    (make_zip({"project.qde": small_qde(code_ref="9F9F9F9F-0000-4000-8000-000000000000")}),
     "refers to code 9F9F9F9F-0000-4000-8000-000000000000, which is not in the codebook"),
    (make_zip({"project.qde": small_qde(code_ref="").replace(b'<CodeRef targetGUID=""/>', b"")}), "names no code"),
    (make_zip({"project.qde": small_qde().replace(b"2C1D9F1B-0A5C-4D6A-9A1F-8C7B6E5D4C3B", CODE.encode())}),
     "GUID .* for two things"),
])
def test_a_file_that_cannot_be_read_is_refused_in_words(data, message):
    with pytest.raises(RefiQdaError, match=message):
        read_qdpx(data)


def test_entity_expansion_is_refused_before_parsing_also_without_a_zip():
    with pytest.raises(RefiQdaError, match="DOCTYPE"):
        read_qde(small_qde(prolog=BILLION_LAUGHS).replace(b'name="Small"', b'name="&lol9;"'), {})
    with pytest.raises(RefiQdaError, match="DOCTYPE"):
        read_qdc(b'<!DOCTYPE CodeBook [<!ENTITY e "e">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/cron.d/evil", "sources/../../evil.txt", "C:/evil.txt",
                                  "sources\\..\\evil.txt"])
def test_an_archive_with_an_unsafe_name_is_refused(name):
    with pytest.raises(RefiQdaError, match="unsafe name"):
        read_qdpx(make_zip({"project.qde": small_qde(), name: "x"}))


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = make_zip({"project.qde": small_qde(), "sources/bomb.txt": bytes(5 * 1024 * 1024)})
    assert len(bomb) < 50_000
    with pytest.raises(RefiQdaError, match="zip bomb"):
        read_qdpx(bomb)


def test_an_archive_that_unpacks_to_more_than_allowed_is_refused():
    archive = make_zip({"project.qde": small_qde(), "sources/a.txt": "x" * 5000})
    unpacked = len(small_qde()) + 5000
    assert len(archive) < unpacked - 1000
    read_qdpx(archive, max_bytes=unpacked)
    with pytest.raises(RefiQdaError, match=f"would unpack to {unpacked} bytes, more than the {unpacked - 1} bytes"):
        read_qdpx(archive, max_bytes=unpacked - 1)
    with pytest.raises(RefiQdaError, match="larger than"):
        read_qdpx(archive, max_bytes=len(archive) - 1)


def test_an_archive_with_too_many_files_is_refused(monkeypatch):
    monkeypatch.setattr(refiqda, "MAX_ENTRIES", 3)
    archive = make_zip({"project.qde": small_qde(), **{f"sources/{n}.txt": "x" for n in range(3)}})
    with pytest.raises(RefiQdaError, match="holds 4 files"):
        read_qdpx(archive)


def test_an_archive_with_two_files_of_one_name_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("project.qde", small_qde())
        archive.writestr("project.qde", small_qde(code_ref="9F9F9F9F-0000-4000-8000-000000000000"))
    with pytest.raises(RefiQdaError, match="two files named"):
        read_qdpx(out.getvalue())


def test_an_encrypted_archive_is_refused():
    archive = bytearray(make_zip({"project.qde": small_qde()}))
    # Set the "encrypted" flag in the local and the central header, as a password-protected zip has it.
    local, central = archive.find(b"PK\x03\x04"), archive.find(b"PK\x01\x02")
    archive[local + 6] |= 1
    archive[central + 8] |= 1
    with pytest.raises(RefiQdaError, match="encrypted"):
        read_qdpx(bytes(archive))


def test_a_text_file_that_is_not_utf8_skips_its_source():
    qde = small_qde().replace(b"<PlainTextContent>Hello world</PlainTextContent>", b"").replace(
        b'name="Greeting"', b'name="Greeting" plainTextPath="internal://greeting.txt"')
    project = read_qdpx(make_zip({"project.qde": qde, "sources/greeting.txt": "Grüß Gott".encode("latin-1")}))
    assert project.sources == []
    assert project.skipped == ["Text source 'Greeting' was not imported: its text file 'sources/greeting.txt' is "
                               "not UTF-8."]


def test_damaged_archives_give_only_refusals_in_words():
    archive = write_qdpx(cmo_project())
    damaged = [archive[:cut] for cut in range(0, len(archive), max(1, len(archive) // 40))]
    for position in range(30, len(archive), max(1, len(archive) // 60)):
        flipped = bytearray(archive)
        flipped[position] ^= 0xFF
        damaged.append(bytes(flipped))
    for data in damaged:
        # Either it still reads or it is refused with a RefiQdaError; anything else fails the test.
        with contextlib.suppress(RefiQdaError):
            read_qdpx(data)
