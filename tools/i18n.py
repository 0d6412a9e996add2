"""Extract, update and compile the interface catalogs: ``python -m tools.i18n``.

Babel is a development dependency (the ``dev`` extra): it runs here, at extraction and build time,
never in lectio itself, which reads the compiled ``.mo`` files with the standard library (see
:mod:`engine.i18n`). docs/translating.md is the guide; in short:

    python -m tools.i18n            extract the messages of engine/, update every .po, compile .mo
    python -m tools.i18n --check    exit 1 if that would change a file (the catalogs are stale)
    python -m tools.i18n init es    start the catalog of a new language

The ``.po`` files are written sorted by message, with file names but no line numbers, so that two
people adding strings at the same time rarely touch the same lines.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import sys
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "engine"
LOCALES = SOURCE / "locale"
DOMAIN = "lectio"

MESSAGE_ARGS: dict[str, tuple[str, ...]] = {
    "t": ("msgid",),  # t(msgid, lang, **fmt)
    "nt": ("msgid", "plural"),  # nt(singular, plural, n, lang, **fmt)
    "ct": ("context", "msgid"),  # ct(context, msgid, lang, **fmt)
    "N_": ("msgid",),  # N_(msgid): marked now, translated later with tr()
    "NC_": ("context", "msgid"),  # NC_(context, msgid)
}
"""The functions of engine.i18n and what their leading (literal) arguments are."""


@dataclass(frozen=True)
class Found:
    """One message in the source: where, and what (or why it cannot be extracted)."""

    path: str
    line: int
    msgid: str
    plural: str | None = None
    context: str | None = None
    comments: tuple[str, ...] = ()
    problem: str | None = None


def _comments(source: str) -> dict[int, str]:
    """Comment text by line number."""
    out = {}
    with contextlib.suppress(tokenize.TokenError, SyntaxError):
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                out[tok.start[0]] = tok.string.lstrip("#").strip()
    return out


def _translator_comments(comments: dict[int, str], line: int) -> tuple[str, ...]:
    """The ``# Translators:`` comment block right above ``line``, if any."""
    block: list[str] = []
    above = line - 1
    while above in comments:
        block.insert(0, comments[above])
        above -= 1
    for i, text in enumerate(block):
        if text.startswith("Translators:"):
            first = text.removeprefix("Translators:").strip()
            return tuple(x for x in (first, *block[i + 1 :]) if x)
    return ()


def scan(path: Path, source: str | None = None) -> list[Found]:
    """Every call of a message function in one file (f-string expressions included)."""
    source = path.read_text(encoding="utf-8") if source is None else source
    if "engine.i18n" not in source and path.name != "i18n.py":
        return []
    name = path.relative_to(ROOT).as_posix() if path.is_absolute() else path.as_posix()
    comments = _comments(source)
    found: list[Found] = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.id if isinstance(func, ast.Name) else None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            called = func.attr if func.value.id == "i18n" else None
        if called not in MESSAGE_ARGS:
            continue
        roles = MESSAGE_ARGS[called]
        args = node.args[: len(roles)]
        values = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if len(values) != len(roles):
            if name != "engine/i18n.py":  # the functions themselves pass their arguments on
                problem = f"{called}() needs string literals as {', '.join(roles)}"
                found.append(Found(name, node.lineno, "", problem=problem))
            continue
        fields = dict(zip(roles, values, strict=True))
        found.append(
            Found(
                name,
                node.lineno,
                fields["msgid"],
                plural=fields.get("plural"),
                context=fields.get("context"),
                comments=_translator_comments(comments, node.lineno),
            )
        )
    return found


def scan_tree() -> list[Found]:
    """Every message call under engine/."""
    return [f for path in sorted(SOURCE.rglob("*.py")) for f in scan(path)]


PLURAL_FORMS = {"pt": "nplurals=2; plural=(n > 1);"}
"""Plural rules chosen by hand where Babel's CLDR default is not the usual gettext one."""


def po_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def extract() -> Catalog:
    """Every message of engine/, as a template catalog (no translations).

    Raises SystemExit on a call whose message is not a string literal: extraction could not see
    it, so it would never be translated."""
    template = Catalog(project="lectio", domain=DOMAIN, fuzzy=False)
    found = scan_tree()
    problems = [f"{f.path}:{f.line}: {f.problem}" for f in found if f.problem]
    if problems:
        raise SystemExit("\n".join(problems))
    for f in found:
        msgid: str | tuple[str, str] = f.msgid if f.plural is None else (f.msgid, f.plural)
        old = template.get(f.msgid, f.context)
        if old is not None:  # the same message in another place: one entry, every location
            old.locations.append((f.path, f.line))
            old.auto_comments.extend(c for c in f.comments if c not in old.auto_comments)
            continue
        template.add(
            msgid, None, [(f.path, f.line)], auto_comments=list(f.comments), context=f.context
        )
    return template


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def updated(lang: str, template: Catalog) -> tuple[bytes, bytes]:
    """The new ``.po`` and ``.mo`` of ``lang`` for ``template``."""
    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    catalog.update(template, update_creation_date=False)
    po = _po_bytes(catalog)
    return po, mo_bytes(read_po(io.BytesIO(po), locale=lang, domain=DOMAIN))


def _write(path: Path, data: bytes, check: bool) -> bool:
    """Write ``data`` unless the file has it already; True if it differed."""
    if path.exists() and path.read_bytes() == data:
        return False
    if not check:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return True


def update(check: bool = False) -> list[Path]:
    """Update and compile every catalog; the files that changed (or would, with ``check``)."""
    template = extract()
    changed = []
    for lang in catalog_languages():
        po, mo = updated(lang, template)
        for path, data in ((po_path(lang), po), (po_path(lang).with_suffix(".mo"), mo)):
            if _write(path, data, check):
                changed.append(path)
    return changed


def init(lang: str) -> Path:
    """A new catalog for ``lang`` with every message untranslated."""
    path = po_path(lang)
    if path.exists():
        raise SystemExit(f"{path} exists already: run python -m tools.i18n to update it")
    catalog = Catalog(locale=lang, project="lectio", domain=DOMAIN, fuzzy=False)
    if lang in PLURAL_FORMS:
        catalog.mime_headers = [*_headers(catalog, {"Plural-Forms": PLURAL_FORMS[lang]})]
    catalog.update(extract())
    _write(path, _po_bytes(catalog), check=False)
    return path


def _headers(catalog: Catalog, replace: dict[str, str]) -> Iterable[tuple[str, str]]:
    for name, value in catalog.mime_headers:
        yield name, replace.get(name, value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.i18n", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    sub = parser.add_subparsers(dest="command")
    new = sub.add_parser("init", help="start the catalog of a new language")
    new.add_argument("lang", help="a primary language subtag: es, fr, de ...")
    args = parser.parse_args(argv)
    if args.command == "init":
        created = init(args.lang).relative_to(ROOT)
        print(f"created {created}: translate it, then run python -m tools.i18n")
        return 0
    changed = update(check=args.check)
    for path in changed:
        print(f"{'stale' if args.check else 'updated'}: {path.relative_to(ROOT)}")
    if args.check and changed:
        print("run python -m tools.i18n and commit the result", file=sys.stderr)
        return 1
    untranslated = missing()
    for lang, msgid in untranslated:
        print(f"{po_path(lang).relative_to(ROOT)}: untranslated or fuzzy: {msgid!r}")
    return 0


def missing() -> list[tuple[str, str]]:
    """(language, message) pairs still untranslated or fuzzy in the ``.po`` files."""
    out = []
    for lang in catalog_languages():
        with po_path(lang).open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                shown = message.id[0] if isinstance(message.id, tuple) else message.id
                out.append((lang, str(shown)))
    return out


if __name__ == "__main__":
    sys.exit(main())
