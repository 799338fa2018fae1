"""Reading a PDF's embedded fonts back, enough to tell which characters got real glyphs.

WeasyPrint writes Type0 fonts (Identity-H, or an embedded CMap for codes it adds) with a
ToUnicode map, the font program subset with its own cmap, and most dictionaries inside
compressed object streams. This reads exactly that; it is no general PDF parser.
"""

from __future__ import annotations

import io
import re
import zlib

from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont


def pdf_objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Object number -> (dictionary, decoded stream or None), object streams unpacked."""
    objects: dict[int, tuple[bytes, bytes | None]] = {}
    stream_object = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)
    position = 0
    # Searching on from each stream's end, so bytes inside a font program are never read as
    # an object.
    while match := stream_object.search(pdf, position):
        head = match.group(2)
        length = int(re.search(rb"/Length (\d+)", head).group(1))
        data = pdf[match.end() : match.end() + length]
        position = match.end() + length
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        objects[int(match.group(1))] = (head, data)
    for head, data in list(objects.values()):
        if b"/Type /ObjStm" not in head:
            continue
        first = int(re.search(rb"/First (\d+)", head).group(1))
        numbers = [int(n) for n in data[:first].split()]
        pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
        for index, (number, offset) in enumerate(pairs):
            end = pairs[index + 1][1] if index + 1 < len(pairs) else len(data) - first
            objects[number] = (data[first + offset : first + end].strip(), None)
    return objects


def ref(head: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s*\[?\s*(\d+) 0 R", head)
    return int(match.group(1)) if match else None


def code_map(cmap: bytes, section: bytes) -> dict[int, bytes]:
    """`bfchar`/`cidchar` lines of a CMap: code -> target (hex text, or a decimal CID)."""
    found = {}
    for block in re.findall(rb"begin" + section + rb"\n(.*?)end" + section, cmap, re.S):
        for code, target in re.findall(rb"<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]*>|\d+)", block):
            found[int(code, 16)] = target
    return found


def embedded_fonts(pdf: bytes) -> list[dict]:
    """Each embedded font: its family, the characters drawn with a glyph that has an outline
    (`inked`), and those drawn with glyph 0, .notdef (`notdef`). Spaces have no outline and
    count as neither.

    The drawn glyph, not the font's cmap, is what is checked: shaping may replace a character's
    cmap glyph with a variant (Noto Sans CJK draws ʻ in Chinese text with a GSUB substitute).
    """
    objects = pdf_objects(pdf)
    fonts = []
    for head, _ in objects.values():
        if not (b"/Type /Font" in head and b"/Subtype /Type0" in head):
            continue
        descendant = objects[ref(head, b"DescendantFonts")][0]
        assert b"/CIDToGIDMap /Identity" in descendant, "glyph ids are not the CIDs"
        descriptor = objects[ref(descendant, b"FontDescriptor")][0]
        family = re.search(rb"/FontFamily \((.*?)\)", descriptor).group(1).decode()
        program_ref = ref(descriptor, b"FontFile2") or ref(descriptor, b"FontFile3")
        program = TTFont(io.BytesIO(objects[program_ref][1]))
        glyph_set = program.getGlyphSet()
        to_unicode = code_map(objects[ref(head, b"ToUnicode")][1], b"bfchar")
        # Identity-H draws code n with CID n; otherwise an embedded CMap says which CID.
        encoding = ref(head, b"Encoding")
        cids = code_map(objects[encoding][1], b"cidchar") if encoding else {}
        inked, notdef = set(), set()
        for code, target in to_unicode.items():
            text = set(bytes.fromhex(target[1:-1].decode()).decode("utf-16-be")) - {" "}
            gid = int(cids[code]) if code in cids else code
            if gid == 0:
                notdef |= text
            elif has_outline(glyph_set, program.getGlyphName(gid)):
                inked |= text
        fonts.append({"family": family, "inked": inked, "notdef": notdef})
    return fonts


def has_outline(glyph_set, name: str) -> bool:
    pen = BoundsPen(glyph_set)
    glyph_set[name].draw(pen)
    return pen.bounds is not None
