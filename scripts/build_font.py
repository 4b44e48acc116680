"""Build the two web fonts the app serves itself: static/fonts/LabSans-{Regular,Bold}.woff2.

Why: the dashboard is shown on meeting-room PCs that may have no CJK font at all, in which case
the browser draws Chinese as empty boxes. Streamlit can serve files from `static/` and declare
them with `[[theme.fontFaces]]`, so we ship a subset of Noto Sans CJK SC with the app.

Why a subset: the full SC face is ~16 MB per weight. Keeping only the GB2312 hanzi (which cover
everyday simplified Chinese), the punctuation a Chinese UI uses, and every character that
actually appears in our sources brings each weight to a couple of MB of WOFF2.

Re-run after adding UI text with rare characters (those outside GB2312):

    .venv/bin/python scripts/build_font.py

Needs Debian's `fonts-noto-cjk` (the .ttc collections) and fontTools with brotli (for WOFF2).
The output is deterministic, so an unchanged character set gives byte-identical files.

No radical code points: Noto maps the Kangxi radicals (U+2F00-U+2FDF) and the CJK radicals
supplement (U+2E80-U+2EFF) to the very glyphs of the ideographs 工, 人, 見 …, and Chromium's PDF
printer names a glyph in the text layer by the lowest code point mapped to it, so a PDF drawn
with them says ⼯ (U+2F2F) where it shows 工 and cannot be searched (labstudio/deck.py). Instead
the ideographs that share a glyph with a radical are all kept (traditional 見, 車, 門 … too), so a
name written with one of them is drawn in this font, not in a fallback that has the radicals.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "static" / "fonts"
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
FAMILY = "LabSans"
# The .ttc holds JP/KR/SC/TC/HK (and Mono) faces that share glyphs; we want the simplified one,
# found by name rather than by index so a repacked collection does not silently give us JP.
SC_FAMILY_NAME = "Noto Sans CJK SC"

# (source .ttc, output file, style name for the name table)
WEIGHTS: list[tuple[str, str, str]] = [
    ("NotoSansCJK-Regular.ttc", f"{FAMILY}-Regular.woff2", "Regular"),
    ("NotoSansCJK-Bold.ttc", f"{FAMILY}-Bold.woff2", "Bold"),
]

# The notice the demo data is taken from; its wording shows up in the UI. Looked for beside the
# repository first (CI clones main with shared/ next to it), then at the workplace's path.
SEED_NOTICE = Path("shared") / "seed" / "notice-qingwei-2022-40.txt"
SEED_CANDIDATES = [REPO_ROOT.parent / SEED_NOTICE, Path("/work") / SEED_NOTICE]

SOURCE_SUFFIXES = {".py", ".toml", ".md"}
# Never scan third-party code or generated output: only our own text decides the subset.
SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    ".ruff_cache",
    ".pytest_cache",
    "node_modules",
    "static",
}

# Browsers apply only a few OpenType features to horizontal UI text. Everything else (vertical
# forms, width variants, `aalt`, locale forms for JP/KR/TC) would pull extra glyphs into the
# subset through GSUB closure and make the files bigger for nothing.
LAYOUT_FEATURES = ["kern", "liga", "ccmp"]
# Vertical metrics and the baseline table only matter for vertical writing, which we never use.
DROP_TABLES = ["vhea", "vmtx", "VORG", "BASE"]
# Keep copyright, names, version, trademark and the licence fields (OFL requires the notice).
KEEP_NAME_IDS = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]


def char_range(first: int, last: int) -> set[int]:
    return set(range(first, last + 1))


def gb2312_hanzi() -> set[int]:
    """All 6763 GB2312 hanzi: level 1 is rows 0xB0-0xD7, level 2 rows 0xD8-0xF7.

    Generated from the codec instead of a pasted table so there is nothing to get wrong; the few
    unassigned cells (end of row 0xD7) raise and are skipped.
    """
    found: set[int] = set()
    for row in range(0xB0, 0xF8):
        for col in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes([row, col]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def fixed_ranges() -> set[int]:
    cps: set[int] = set()
    cps |= char_range(0x20, 0x7E)  # ASCII
    # Latin-1 supplement: its punctuation, the yen sign, the multiplication sign, and accented
    # letters in names; the whole block is under 100 glyphs.
    cps |= char_range(0xA0, 0xFF)
    cps |= char_range(0x2000, 0x206F)  # General punctuation: curly quotes, em dash, ellipsis
    cps |= char_range(0x3000, 0x303F)  # CJK symbols and punctuation: ideographic comma, 《》
    cps |= char_range(0xFF00, 0xFFEF)  # Full-width forms: the comma, colon, brackets of a UI
    cps |= char_range(0x2460, 0x2473)  # Circled numbers 1-20, used for items in notices
    cps |= {
        ord("\N{MULTIPLICATION SIGN}"),
        ord("\N{YEN SIGN}"),
        ord("\N{FULLWIDTH YEN SIGN}"),
    }
    return cps


# Never in the subset, whatever a source file quotes (see the module's docstring).
RADICALS: set[int] = char_range(0x2E80, 0x2EFF) | char_range(0x2F00, 0x2FDF)
# The compatibility ideographs have code points above their unified twins', which win anyway.
COMPATIBILITY: set[int] = char_range(0xF900, 0xFAFF) | char_range(0x2F800, 0x2FA1F)


def radical_twins(font: TTFont) -> set[int]:
    """The ideographs drawn with the same glyph as a radical code point."""
    cmap = font.getBestCmap()
    radical_glyphs = {glyph for cp, glyph in cmap.items() if cp in RADICALS}
    return {
        cp
        for cp, glyph in cmap.items()
        if glyph in radical_glyphs and cp not in RADICALS and cp not in COMPATIBILITY
    }


def source_files() -> Iterator[Path]:
    """Our own Python/TOML/Markdown files, honouring .gitignore when git is available.

    Ignored files (local users.toml, caches) must not change the font: the result should be
    the same on every machine that has the same checkout.
    """
    try:
        listed = (
            subprocess.run(
                ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                cwd=REPO_ROOT,
                check=True,
                capture_output=True,
            )
            .stdout.decode("utf-8")
            .split("\0")
        )
        candidates: Iterable[Path] = (REPO_ROOT / name for name in listed if name)
    except (OSError, subprocess.CalledProcessError):
        candidates = REPO_ROOT.rglob("*")
    for path in sorted(set(candidates)):
        rel_parts = path.relative_to(REPO_ROOT).parts
        if path.suffix in SOURCE_SUFFIXES and path.is_file() and not SKIP_DIRS & set(rel_parts):
            yield path


def text_chars(paths: Iterable[Path]) -> set[int]:
    cps: set[int] = set()
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        cps |= {ord(ch) for ch in text if ch.isprintable() or ch == "\u3000"}
    return cps


def wanted_codepoints() -> tuple[set[int], set[int], list[Path]]:
    """Return (all wanted code points, those taken from text files, the files read)."""
    sources = list(source_files())
    seed = next((p for p in SEED_CANDIDATES if p.is_file()), None)
    if seed is not None:
        sources.append(seed)
    else:
        print(f"warning: {SEED_NOTICE} not found; its characters are not added", file=sys.stderr)
    from_text = text_chars(sources)
    return fixed_ranges() | gb2312_hanzi() | from_text, from_text, sources


def load_sc_face(ttc_path: Path) -> TTFont:
    collection = TTCollection(str(ttc_path))
    for font in collection.fonts:
        if font["name"].getDebugName(1) == SC_FAMILY_NAME:
            return font
    sys.exit(f"error: no '{SC_FAMILY_NAME}' face in {ttc_path}")


def rename(font: TTFont, style: str) -> None:
    """Give the subset its own family name.

    It is a Modified Version under the OFL, so it should not present itself as the original;
    the copyright (ID 0) and licence (IDs 13, 14) records are kept as they are.
    """
    name = font["name"]
    full = f"{FAMILY} {style}" if style != "Regular" else FAMILY
    ps = f"{FAMILY}-{style}"
    # Legacy family/style pair that browsers and OSes read (Bold is a standard style).
    records = {1: FAMILY, 2: style, 3: f"{ps};subset", 4: full, 6: ps}
    for name_id, value in records.items():
        name.setName(value, name_id, 3, 1, 0x409)
        name.setName(value, name_id, 1, 0, 0)
    name.removeNames(nameID=16)
    name.removeNames(nameID=17)
    # The CFF table carries its own copy of the names.
    cff = font["CFF "].cff
    cff.fontNames = [ps]
    top = cff.topDictIndex[0]
    top.FullName = full
    top.FamilyName = FAMILY


def build(ttc_path: Path, out_path: Path, style: str, codepoints: set[int]) -> list[int]:
    """Write one weight; return the wanted code points the font has no glyph for."""
    font = load_sc_face(ttc_path)
    available = set(font.getBestCmap())
    codepoints = (codepoints | radical_twins(font)) - RADICALS

    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False  # CFF hints do little at screen sizes in today's browsers
    options.desubroutinize = True  # plain charstrings compress better under Brotli
    options.layout_features = LAYOUT_FEATURES
    options.drop_tables = list(subset.Options().drop_tables) + DROP_TABLES
    options.name_IDs = KEEP_NAME_IDS
    options.name_languages = [0x409]
    options.name_legacy = True
    options.notdef_outline = True  # a visible box if a glyph is ever missing, not blank space
    options.glyph_names = False

    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(codepoints & available))
    subsetter.subset(font)
    rename(font, style)

    # Keep the original timestamp so a re-run with the same characters is byte-identical
    # and does not show up as a changed binary in git.
    font.recalcTimestamp = False
    out_path.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out_path), options)
    return sorted(codepoints - available)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--noto-dir",
        type=Path,
        default=NOTO_DIR,
        help=f"folder with NotoSansCJK-*.ttc (default {NOTO_DIR})",
    )
    args = parser.parse_args()

    codepoints, from_text, sources = wanted_codepoints()
    print(f"characters wanted: {len(codepoints)} (from ranges, GB2312 and {len(sources)} files)")

    for ttc_name, out_name, style in WEIGHTS:
        ttc_path = args.noto_dir / ttc_name
        if not ttc_path.is_file():
            sys.exit(f"error: {ttc_path} missing; install Debian's fonts-noto-cjk")
        out_path = OUT_DIR / out_name
        missing = build(ttc_path, out_path, style, codepoints)
        size = out_path.stat().st_size
        kept = len(TTFont(out_path).getBestCmap())
        rel = out_path.relative_to(REPO_ROOT)
        print(f"wrote {rel}: {kept} characters, {size:,} bytes ({size / 1024 / 1024:.2f} MiB)")
        # Gaps inside the Unicode blocks above are expected (unassigned or invisible code
        # points); only text that our own files use is worth a warning. Typically emoji,
        # which the browser then takes from a fallback font.
        text_missing = [cp for cp in missing if cp in from_text]
        if text_missing:
            shown = " ".join(f"{chr(cp)} (U+{cp:04X})" for cp in text_missing[:40])
            more = " ..." if len(text_missing) > 40 else ""
            print(
                f"  used in sources but not in {SC_FAMILY_NAME}, left to fallback fonts: "
                f"{shown}{more}"
            )


if __name__ == "__main__":
    main()
