"""Uploaded transcripts and documents read into text with speaker turns (nlp.sources)."""

from __future__ import annotations

import io
import random
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from nlp.sources import DEFAULT_MAX_BYTES, FORMATS, SourceFileError, SourceText, read_pasted, read_source

FIXTURES = Path(__file__).parent / "fixtures" / "sources"
MiB = 1024 * 1024


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def said(source: SourceText) -> list[tuple[str, str]]:
    return [(turn.speaker, source.text[turn.start:turn.end]) for turn in source.turns]


def error_of(filename: str, data: bytes, **options) -> str:
    with pytest.raises(SourceFileError) as caught:
        read_source(filename, data, **options)
    return str(caught.value)


def assert_well_formed(source: SourceText) -> None:
    text = source.text
    assert unicodedata.is_normalized("NFC", text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    previous_end = 0
    for turn in source.turns:
        assert previous_end <= turn.start < turn.end <= len(text)
        piece = text[turn.start:turn.end]
        assert piece == piece.strip() != ""
        previous_end = turn.end


@pytest.fixture(scope="module")
def teams() -> SourceText:
    return read_source("teams_cop_session_en.vtt", fixture("teams_cop_session_en.vtt"))


@pytest.fixture(scope="module")
def zoom() -> SourceText:
    return read_source("zoom_praxisgemeinschaft_de.vtt", fixture("zoom_praxisgemeinschaft_de.vtt"))


@pytest.fixture(scope="module")
def subrip() -> SourceText:
    return read_source("communaute_de_pratique_fr.srt", fixture("communaute_de_pratique_fr.srt"))


@pytest.fixture(scope="module")
def spanish() -> SourceText:
    return read_source("sesion_politicas_activas_es.txt", fixture("sesion_politicas_activas_es.txt"))


@pytest.fixture(scope="module")
def italian() -> SourceText:
    return read_source("sessione_tirocini_it.docx", fixture("sessione_tirocini_it.docx"))


@pytest.fixture(scope="module")
def brief() -> SourceText:
    return read_source("policy_brief_wage_subsidies_en.pdf", fixture("policy_brief_wage_subsidies_en.pdf"))


ALL = ["teams", "zoom", "subrip", "spanish", "italian", "brief"]


# -- what every reader promises ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt", "language"), [
    ("teams", "vtt", "en"), ("zoom", "vtt", "de"), ("subrip", "srt", "fr"), ("spanish", "txt", "es"),
    ("italian", "docx", "it"), ("brief", "pdf", "en"),
])
def test_each_fixture_is_read_in_its_format_and_language(request, name, fmt, language):
    source = request.getfixturevalue(name)
    assert (source.format, source.language) == (fmt, language)
    assert_well_formed(source)


def test_the_api_lists_the_accepted_formats():
    assert list(FORMATS) == ["txt", "docx", "vtt", "srt", "pdf"]


# -- WebVTT ----------------------------------------------------------------------------------------


def test_teams_voice_spans_give_speakers_and_consecutive_cues_merge(teams):
    assert [turn.speaker for turn in teams.turns] == [
        "Helen Murphy", "Tomasz Nowak", "Ingrid Larsen", "Helen Murphy", "Ingrid Larsen", "Tomasz Nowak",
        "Helen Murphy"]
    # Three cues by Ingrid Larsen, the first over two lines, make one turn from the first start to the last end.
    ingrid = teams.turns[4]
    assert (ingrid.start_ms, ingrid.end_ms) == (40_230, 58_120)
    assert teams.text[ingrid.start:ingrid.end] == (
        "Of course. Twelve months after the programme, employment among participants was about eight "
        "percentage points higher than in the comparison group. The effect was larger for women over fifty "
        "& for people with low qualifications. For young people the difference faded after two years, which "
        "is something we still need to understand.")
    assert [(turn.start_ms, turn.end_ms) for turn in teams.turns[:2]] == [(3_512, 13_880), (14_950, 27_046)]
    assert teams.warnings == ()


def test_teams_text_reads_as_a_transcript_without_tags_or_cue_identifiers(teams):
    assert teams.text.startswith("Helen Murphy: Good morning everyone, and welcome to the third session")
    assert "<v" not in teams.text and "</v>" not in teams.text and "0f3c9a52" not in teams.text
    assert teams.text.count("\n") == len(teams.turns) - 1


def test_zoom_names_in_the_cue_text_are_speakers_and_a_cue_without_one_is_reported(zoom):
    assert said(zoom)[:3] == [
        ("Anna Schmidt", "Guten Morgen zusammen und herzlich willkommen zu unserer Praxisgemeinschaft. "
                         "Heute geht es um die Weiterbildung von Langzeitarbeitslosen in den Jobcentern."),
        ("Jürgen Weber", "Bei uns in Dortmund bekommen alle Kundinnen und Kunden nach sechs Monaten ein Coaching. "
                         "Viele nehmen danach an einer zertifizierten Umschulung teil, zum Beispiel in der "
                         "Altenpflege oder in der Logistik."),
        ("", "Entschuldigung, ich war kurz stummgeschaltet."),
    ]
    assert [turn.speaker for turn in zoom.turns[3:]] == ["Lena Hoffmann", "Anna Schmidt", "Lena Hoffmann"]
    assert (zoom.turns[2].start_ms, zoom.turns[2].end_ms) == (28_010, 30_400)
    assert zoom.warnings == ("1 cue without a speaker.",)


def test_plain_webvtt_keeps_every_cue_with_its_times_and_strips_markup():
    data = (b"WEBVTT - plain captions\n\nNOTE exported by a player\n\n"
            b"00:01.000 --> 00:04.000 align:start\n<c.yellow>Training</c> vouchers &lt;for&gt; <b>adults</b>\n\n"
            b"00:04.000 --> 00:06.500\nare popular.\n\n"
            b"00:06.500 --> 00:07.000\n<i> </i>\n")
    source = read_source("captions.vtt", data)
    assert said(source) == [("", "Training vouchers <for> adults"), ("", "are popular.")]
    assert [(turn.start_ms, turn.end_ms) for turn in source.turns] == [(1_000, 4_000), (4_000, 6_500)]
    assert source.warnings == ("No speakers are named in these captions; each cue is a turn without a speaker.",
                               "1 empty cue left out.", "The text is too short to tell its language.")
    assert source.language is None


def test_two_voices_in_one_cue_are_two_turns_with_the_cue_times():
    data = (b"WEBVTT\n\n00:00:10.000 --> 00:00:12.000\n<v Ana>Is the subsidy paid monthly?</v>\n"
            b"<v Ben>Yes, every month.</v>\n")
    source = read_source("cue.vtt", data)
    assert said(source) == [("Ana", "Is the subsidy paid monthly?"), ("Ben", "Yes, every month.")]
    assert {(turn.start_ms, turn.end_ms) for turn in source.turns} == {(10_000, 12_000)}


def test_malformed_webvtt_names_the_line_and_the_problem():
    assert error_of("malformed_timing.vtt", fixture("malformed_timing.vtt")) == (
        "This WebVTT file has a malformed cue on line 8: “00:00:04.000 --> 00:00:4,500” "
        "(the timings should look like 00:00:01.000 --> 00:00:04.000).")
    out_of_range = b"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nFine.\n\n00:00:03.000 --> 00:61:00.000\nNot fine.\n"
    assert error_of("bad.vtt", out_of_range) == (
        "This WebVTT file has a malformed cue on line 6: “00:00:03.000 --> 00:61:00.000” "
        "(invalid timestamp '00:61:00.000').")


@pytest.mark.parametrize(("data", "message"), [
    (b"WEBVTT\n\nNOTE nothing was said\n", "This WebVTT file has no cues (no timing lines such as "
                                            "00:00:01.000 --> 00:00:04.000)."),
    (b"Helen: hello\nTomasz: hi\n", "This is not a WebVTT file: it does not start with the “WEBVTT” header."),
    (b"1\n00:00:01,000 --> 00:00:02,000\nBonjour\n", "This is not a WebVTT file: it does not start with the "
                                                     "“WEBVTT” header. It looks like SubRip: upload it as .srt."),
])
def test_webvtt_without_header_or_cues_is_refused(data, message):
    assert error_of("session.vtt", data) == message


# -- SubRip ----------------------------------------------------------------------------------------


def test_subrip_name_prefixes_are_speakers_even_two_in_one_cue(subrip):
    assert said(subrip) == [
        ("Sophie Martin", "Bonjour à toutes et à tous, et bienvenue dans notre communauté de pratique. "
                          "Aujourd'hui, nous parlons de l'accompagnement intensif des demandeurs d'emploi."),
        ("Marc Lefèvre", "À l'agence de Lyon, chaque conseiller suit environ soixante-dix personnes "
                         "en accompagnement renforcé."),
        ("Claire Fontaine", "Notre évaluation montre un effet positif sur le retour à l'emploi durable."),
        ("Marc Lefèvre", "Et pour les jeunes ?"),
        ("Claire Fontaine", "L'effet est plus faible, mais il reste significatif."),
    ]
    assert [(turn.start_ms, turn.end_ms) for turn in subrip.turns] == [
        (1_000, 10_450), (11_000, 17_800), (18_100, 24_300), (24_900, 28_000), (24_900, 28_000)]


def test_subrip_with_a_broken_timing_line_or_webvtt_content_is_refused():
    broken = b"1\n00:00:01,000 --> 00:00:03,000\nBonjour.\n\n2\n00:00:03,000 --> 00:00:0x,000\nMerci.\n"
    assert error_of("s.srt", broken) == (
        "This SubRip file has a malformed cue on line 6: “00:00:03,000 --> 00:00:0x,000” "
        "(the timings should look like 00:00:01,000 --> 00:00:04,000).")
    assert error_of("s.srt", fixture("teams_cop_session_en.vtt")) == (
        "This is not a SubRip file: it is WebVTT. Upload it as .vtt.")
    assert error_of("s.srt", b"Bonjour\n").startswith("This is not a SubRip file: it does not start with")


# -- plain text and pasted text --------------------------------------------------------------------


def test_txt_speaker_lines_with_timestamps(spanish):
    assert [(turn.speaker, turn.start_ms) for turn in spanish.turns] == [
        ("", None), ("Lucía Fernández", 12_000), ("Javier Ruiz", 65_000), ("Marta Gómez", 150_000),
        ("Lucía Fernández", 190_000), ("Marta Gómez", 222_000)]
    assert said(spanish)[0] == ("", "Sesión de la comunidad de práctica sobre políticas activas de empleo\n"
                                    "Madrid, 14 de marzo de 2024")
    assert said(spanish)[2] == ("Javier Ruiz", "En nuestra oficina de empleo de Sevilla combinamos la orientación "
                                               "individual con cursos de formación profesional.\nCada persona "
                                               "tiene un itinerario personalizado y una tutora de referencia.")
    assert all(turn.end_ms is None for turn in spanish.turns)


@pytest.mark.parametrize("encode", [
    pytest.param(lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(), id="utf-8 BOM, CRLF"),
    pytest.param(lambda text: text.encode("utf-16"), id="utf-16 BOM"),
])
def test_txt_encodings_and_line_ends_give_the_same_text(spanish, encode):
    source = read_source("sesion.TXT", encode(spanish.text))
    assert (source.text, source.turns, source.warnings) == (spanish.text, spanish.turns, ())


def test_txt_in_windows_1252_is_read_with_a_warning(spanish):
    source = read_source("sesion.txt", spanish.text.encode("cp1252"))
    assert source.text == spanish.text
    assert source.warnings == ("The file is not UTF-8; it was read as Windows-1252 (Western European). "
                               "Check that accented letters look right.",)


def test_txt_without_speaker_lines_is_one_turn_and_control_characters_are_dropped():
    text = ("Nota: the regional employment office extended the training voucher scheme\x07 to people "
            "over fifty-five,\x0cand the first results will be published in the spring.\r\n")
    source = read_source("notes.txt", text.encode())
    assert source.text == ("Nota: the regional employment office extended the training voucher scheme to people "
                           "over fifty-five,\nand the first results will be published in the spring.\n")
    assert said(source) == [("", source.text.strip())]
    assert source.language == "en"


def test_pasted_text_has_speaker_turns():
    source = read_pasted("Moderator: What did the evaluation of the youth guarantee show?\r\n"
                         "00:12 Researcher: Employment rose for those who started an apprenticeship.\r\n")
    assert source.format == "paste"
    assert said(source) == [("Moderator", "What did the evaluation of the youth guarantee show?"),
                            ("Researcher", "Employment rose for those who started an apprenticeship.")]
    assert [turn.start_ms for turn in source.turns] == [None, 12_000]
    assert source.language == "en"


def test_pasted_text_that_is_empty_or_too_long_is_refused():
    with pytest.raises(SourceFileError, match=r"^The pasted text is empty\.$"):
        read_pasted(" \n\t\n")
    with pytest.raises(SourceFileError, match=r"^The pasted text is too long: 101 characters, over the limit of 100"):
        read_pasted("x" * 101, max_chars=100)


def test_a_language_outside_the_supported_ones_is_not_returned():
    source = read_pasted("De gemeente biedt werkzoekenden een persoonlijke coach en een opleiding in de zorg aan, "
                         "zodat zij sneller een vaste baan vinden.")
    assert source.language is None
    assert source.warnings == ("The text seems to be in a language other than those supported "
                               "(en, de, fr, es, it): “nl”.",)


# -- Word ------------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_document_order(italian):
    assert [turn.speaker for turn in italian.turns] == [
        "", "Giulia Romano", "Marco Bianchi", "Francesca Greco", "Giulia Romano", "Marco Bianchi"]
    assert said(italian)[0] == ("", "Comunità di pratica – Politiche attive del lavoro\n"
                                    "Trascrizione della sessione del 21 maggio 2024\n"
                                    "Partecipante\tRuolo\nGiulia Romano\tfacilitatrice\n"
                                    "Marco Bianchi\toperatore del centro per l'impiego\n"
                                    "Francesca Greco\tricercatrice")
    assert said(italian)[3] == ("Francesca Greco", "La nostra valutazione mostra che il tirocinio aumenta "
                                                   "l'occupazione a un anno di circa dieci punti percentuali.")
    assert all(turn.start_ms is None for turn in italian.turns)


def test_docx_that_is_not_a_word_package_is_refused():
    assert error_of("verbale.docx", b"Giulia Romano: buongiorno") == (
        "This is not a DOCX file (it is not a Word document package).")
    assert error_of("verbale.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)).startswith(
        "This is not a DOCX file: it is an old Word .doc file")
    assert error_of("verbale.docx", make_zip({"notes.txt": b"not a document"})) == (
        "This DOCX file cannot be opened: it is damaged or not a Word document.")
    assert error_of("verbale.docx", b"PK\x03\x04" + bytes(100)) == (
        "This DOCX file is damaged (its zip package cannot be opened).")


def make_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zeros_zip(size: int) -> bytes:
    """A package whose document part is `size` zero bytes, compressed a thousandfold, built in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = bytes(MiB)
            for _ in range(size // MiB):
                part.write(chunk)
    return buffer.getvalue()


@pytest.fixture
def docx_opened(monkeypatch) -> list:
    """Records whether python-docx was asked to open the package."""
    import docx

    calls: list = []
    monkeypatch.setattr(docx, "Document", lambda *args: calls.append(args))
    return calls


@pytest.mark.parametrize(("build", "message"), [
    pytest.param(lambda: zeros_zip(200 * MiB), "This DOCX file would expand to 200 MB, over the 64 MB allowed; "
                                               "it was not opened.", id="200 MB of zeros"),
    pytest.param(lambda: zeros_zip(20 * MiB), "This DOCX file contains a part that expands over 100 times its "
                                              "size (a zip bomb); it was not opened.", id="ratio"),
    pytest.param(lambda: make_zip({f"word/media/image{n}.png": b"" for n in range(2_001)}),
                 "This DOCX file holds 2,001 parts, more than a document has; it was not opened.", id="entries"),
    pytest.param(lambda: make_zip({"[Content_Types].xml": b"<Types/>", "../../home/user/.bashrc": b"echo"}),
                 "This DOCX file contains a part with a suspicious name ('../../home/user/.bashrc'); it was not "
                 "opened.", id="path traversal"),
    pytest.param(lambda: make_zip({"word/" + "a/" * 20 + "document.xml": b"<w/>"}),
                 "This DOCX file contains a part with a suspicious name", id="nested"),
])
def test_a_hostile_docx_is_refused_before_python_docx_opens_it(docx_opened, build, message):
    assert error_of("bomb.docx", build()).startswith(message)
    assert docx_opened == []


def test_a_docx_without_text_is_refused():
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    assert error_of("leer.docx", buffer.getvalue()) == "This Word document has no text."


# -- PDF -------------------------------------------------------------------------------------------


def test_pdf_pages_are_separated_by_a_blank_line_and_have_no_speakers(brief):
    assert said(brief) == [
        ("", "Policy brief: wage subsidies for the long-term unemployed\n"
             "Wage subsidies pay part of the wage of a jobseeker hired by a private employer for a\n"
             "limited period. Public employment services in most Member States use them to bring people\n"
             "who have been out of work for more than a year back into regular employment."),
        ("", "Evaluations find the largest effects when the subsidy is combined with counselling and\n"
             "on-the-job training, and when employers are selected for their capacity to keep the worker\n"
             "once the subsidy ends."),
    ]
    assert brief.text[brief.turns[0].end:brief.turns[1].start] == "\n\n"
    assert brief.warnings == ()


def pdf_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_without_text_layer_or_with_a_password_is_refused():
    blank = PdfWriter()
    blank.add_blank_page(595, 842)
    assert error_of("scan.pdf", pdf_bytes(blank)).startswith("This PDF has no text layer; ")
    locked = PdfWriter(clone_from=FIXTURES / "policy_brief_wage_subsidies_en.pdf")
    locked.encrypt(user_password="geheim", owner_password="owner", algorithm="RC4-128")
    assert error_of("locked.pdf", pdf_bytes(locked)) == (
        "This PDF is password-protected. Upload a copy without a password.")


def test_pdf_that_only_restricts_printing_is_read(brief):
    restricted = PdfWriter(clone_from=FIXTURES / "policy_brief_wage_subsidies_en.pdf")
    restricted.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    assert read_source("brief.pdf", pdf_bytes(restricted)).text == brief.text


def test_pdf_over_the_page_limit_is_refused(monkeypatch):
    monkeypatch.setattr("nlp.sources.pdf.MAX_PDF_PAGES", 1)
    assert error_of("brief.pdf", fixture("policy_brief_wage_subsidies_en.pdf")) == (
        "This PDF has 2 pages; at most 1 can be read.")


def damaged_pdfs() -> list[bytes]:
    data = fixture("policy_brief_wage_subsidies_en.pdf")
    rng = random.Random(20240521)
    variants = [data[:size] for size in range(8, len(data), len(data) // 12)]
    for _ in range(16):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            damaged[rng.randrange(16, len(damaged))] = rng.randrange(256)
        variants.append(bytes(damaged))
    return [*variants, b"%PDF-1.7\n", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF",
            b"%PDF-" + bytes(range(256)) * 4]


def test_a_damaged_pdf_raises_nothing_but_source_file_error():
    outcomes = set()
    for data in damaged_pdfs():
        try:
            read_source("damaged.pdf", data)
            outcomes.add("read")
        except SourceFileError:
            outcomes.add("refused")
    assert "refused" in outcomes


def test_a_file_that_is_not_a_pdf_is_refused():
    assert error_of("brief.pdf", fixture("sesion_politicas_activas_es.txt")) == (
        "This is not a PDF file (it does not start with the %PDF- header).")


# -- file type, size and content -------------------------------------------------------------------


@pytest.mark.parametrize(("filename", "message"), [
    ("setup.exe", "Unsupported file type .exe: upload .txt, .docx, .vtt, .srt or .pdf."),
    ("README", "Unsupported file type (the file name has no extension): upload .txt, .docx, .vtt, .srt or .pdf."),
])
def test_unsupported_file_types_are_refused(filename, message):
    assert error_of(filename, b"MZ\x90\x00") == message


def test_the_extension_is_case_insensitive_and_may_come_with_a_path(teams):
    assert read_source(r"C:\Users\helen\Downloads\SESSION.VTT", fixture("teams_cop_session_en.vtt")) == teams


def test_a_file_over_the_size_limit_is_refused_with_the_limit_in_megabytes():
    assert error_of("big.txt", b"a" * (2 * MiB), max_bytes=MiB) == (
        "This file is 2 MB; files over 1 MB cannot be uploaded.")
    assert error_of("big.txt", b"a" * (DEFAULT_MAX_BYTES + 1)) == (
        "This file is 10.1 MB; files over 10 MB cannot be uploaded.")


@pytest.mark.parametrize("filename", ["empty.txt", "empty.vtt", "empty.srt", "empty.docx", "empty.pdf"])
def test_an_empty_file_is_refused(filename):
    assert error_of(filename, b"") == "This file is empty."
    assert error_of(filename, b" \r\n\t\n") == "This file contains only blank space."


def test_text_over_the_character_limit_is_refused():
    assert error_of("long.txt", b"ab " * 700_000) == (
        "The text of this file is too long: 2,100,000 characters, over the limit of 2,000,000. "
        "Split it into smaller parts.")


@pytest.mark.parametrize(("data", "message"), [
    (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)), "This is not a text file: it contains binary data. "
                                                      "Save it as plain text (UTF-8)."),
    (bytes(range(1, 32)) * 20, "This is not a text file: it contains binary data. Save it as plain text (UTF-8)."),
    (fixture("policy_brief_wage_subsidies_en.pdf"), "This is not a text file: it is a PDF. "
                                                    "Upload it with its own extension."),
])
def test_binary_content_in_a_text_file_is_refused(data, message):
    assert error_of("notes.txt", data) == message
