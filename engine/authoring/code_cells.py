"""A notebook code cell as lesson blocks: nbval's markers, cell tags, IPython magics, outputs.

- nbval markers (a first-line comment; it wins over a tag, as in nbval) and tags:
  ``NBVAL_SKIP``/``nbval-skip``/``skip-execution`` make a ``run: false`` listing (shown, not
  run); ``NBVAL_IGNORE_OUTPUT``/``nbval-ignore-output`` keep the cell without ``expect``;
  ``NBVAL_RAISES_EXCEPTION``/``nbval-raises-exception``/``raises-exception`` expect the stored
  error (``raises:``); ``NBVAL_CHECK_OUTPUT`` keeps the output check. The marker line is removed.
- IPython magics: ``%matplotlib``, ``%load_ext``, ``%autoreload``, ``%config`` are dropped;
  ``%time``/``%timeit STATEMENT`` keep the statement; ``%%time``/``%%timeit``/``%%capture``
  lines are dropped; ``!cmd``, ``%pip``, ``%conda`` lines and ``%%bash`` cells become a shell
  listing; any other magic makes the cell a listing. Each is a note in the report.
- Stored outputs become ``expect``: standard output and the last value's ``text/plain`` form
  the output text (``stdout:``), standard error apart (``stderr:``) when present, a stored error
  ``raises:``, stored pictures ``figures:``; an output showing a memory address gets
  ``normalize: [addresses]`` and its addresses written ``0x...``. HTML-only, JavaScript, widget
  or other rich outputs cannot be expressed: they are left out, with a note.
"""

from __future__ import annotations

import re
from typing import Any

from engine.authoring.markdown_blocks import _listing
from engine.authoring.notes import Notes

Block = dict[str, Any]
ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,16}")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MARKERS = {
    "NBVAL_SKIP": "skip",
    "PYTEST_VALIDATE_SKIP": "skip",
    "NBVAL_IGNORE_OUTPUT": "ignore",
    "PYTEST_VALIDATE_IGNORE_OUTPUT": "ignore",
    "NBVAL_RAISES_EXCEPTION": "raises",
    "NBVAL_CHECK_OUTPUT": "check",
}
TAGS = {
    "nbval-skip": "skip",
    "skip-execution": "skip",
    "nbval-ignore-output": "ignore",
    "nbval-raises-exception": "raises",
    "raises-exception": "raises",
    "nbval-check-output": "check",
}
DROPPED_MAGICS = {"matplotlib", "load_ext", "autoreload", "config", "reload_ext", "aimport"}
SHELL_MAGICS = {"pip", "conda", "sx", "system"}
CELL_SHELL = {"bash": "bash", "sh": "bash", "script": "bash"}
CELL_LISTING = {
    "html": "html",
    "javascript": "javascript",
    "js": "javascript",
    "latex": "latex",
    "markdown": "markdown",
    "writefile": "python",
    "svg": "xml",
}
DROPPED_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
IMAGE_TYPES = ("image/png", "image/jpeg")
NETWORK = re.compile(
    r"download\s*=\s*True|urlopen|urlretrieve|requests\.(get|post)|torch\.hub\.|"
    r"load_state_dict_from_url|from_pretrained|hf_hub_download|load_dataset\(|wget|curl "
)
CUDA = re.compile(r"\.cuda\(|[\"']cuda(:\d+)?[\"']")
EXPRESSIBLE = {"text/plain", *IMAGE_TYPES}


def _marker(code: str, tags: list[str]) -> tuple[set[str], str]:
    """The nbval modes of a cell (its comments, else its tags, as nbval reads them) and its
    code without the marker lines."""
    modes: set[str] = set()
    kept: list[str] = []
    for line in code.splitlines(keepends=True):
        word = line.strip().lstrip("#").strip()
        if line.strip().startswith("#") and word in MARKERS:
            modes.add(MARKERS[word])
            continue
        kept.append(line)
    if not modes:
        modes = {TAGS[t] for t in tags if t in TAGS}
    return modes, "".join(kept)


def _magics(code: str, cell: int, notes: Notes) -> tuple[str, list[Block], bool]:
    """The code with magics resolved, shell listings to put before it, and whether the whole
    cell must be a listing."""
    lines = code.splitlines(keepends=True)
    listings: list[Block] = []
    first = next((ln for ln in lines if ln.strip()), "")
    if first.lstrip().startswith("%%"):
        name, _, args = first.strip()[2:].partition(" ")
        rest = "".join(lines[lines.index(first) + 1 :])
        if name in CELL_SHELL:
            notes.add(cell, f"the %%{name} cell is shown as a shell listing, not run")
            return "", [_listing(rest, "bash")], False
        if name in CELL_LISTING:
            notes.add(cell, f"the %%{name} cell is shown as a listing, not run")
            return "", [_listing(rest, CELL_LISTING[name])], False
        if name in DROPPED_CELL_MAGICS:
            notes.add(cell, f"the %%{name} line was dropped (IPython only); the code runs as is")
            lines = lines[lines.index(first) + 1 :]
        else:
            notes.add(
                cell,
                f"the IPython cell magic %%{name} has no lectio equivalent; the "
                "cell is a listing, not run",
            )
            return code, [], True
    kept: list[str] = []
    shell: list[str] = []
    whole_listing = False
    for line in lines:
        stripped = line.lstrip()
        indent = line[: len(line) - len(stripped)]
        if stripped.startswith("!"):
            shell.append(stripped[1:])
            continue
        if stripped.startswith("%") and not stripped.startswith("%%"):
            name, _, args = stripped[1:].rstrip("\n").partition(" ")
            if name in DROPPED_MAGICS:
                notes.add(cell, f"the line %{name} was dropped (not needed in lectio)")
                continue
            if name in SHELL_MAGICS:
                shell.append(f"{name if name != 'sx' else ''} {args}".strip() + "\n")
                continue
            if name in {"time", "timeit"} and args.strip():
                notes.add(cell, f"%{name} was dropped; its statement runs as is")
                kept.append(indent + args.lstrip().split(" -", 1)[0].strip() + "\n")
                continue
            notes.add(
                cell,
                f"the IPython magic %{name} has no lectio equivalent; the cell is "
                "a listing, not run",
            )
            whole_listing = True
        elif re.match(r"^\s*[\w.]+\s*=\s*!", line) or re.match(r"^\s*[\w.]+\?\??\s*$", line):
            notes.add(cell, "IPython syntax (x = !cmd, obj?) cannot run; the cell is a listing")
            whole_listing = True
        kept.append(line)
    if shell:
        notes.add(
            cell, "shell commands (!cmd, %pip) are shown as a listing before the cell, not run"
        )
        listings.append(_listing("".join(shell), "bash"))
    return "".join(kept), listings, whole_listing


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def outputs_expect(outputs: list[Any], cell: int, notes: Notes) -> tuple[Block | None, bool]:
    """The ``expect`` the stored outputs say, and whether an address needed normalizing."""
    stdout: list[str] = []
    stderr: list[str] = []
    figures = 0
    raises: str | None = None
    dropped: set[str] = set()
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            (stderr if out.get("name") == "stderr" else stdout).append(_text(out.get("text")))
        elif kind in ("execute_result", "display_data"):
            data = out.get("data", {})
            if kind == "execute_result" and "text/plain" in data:
                # the last value: lectio shows its plain text (a rich PNG of it, as sympy's,
                # depends on LaTeX being installed, so it is not counted as a figure)
                text = _text(data["text/plain"])
                stdout.append(text if text.endswith("\n") else text + "\n")
            elif any(t in data for t in IMAGE_TYPES):
                figures += 1
            else:
                dropped.update(t for t in data if t not in EXPRESSIBLE or kind == "display_data")
        elif kind == "error":
            raises = str(out.get("ename") or "Exception")
    if dropped:
        notes.add(
            cell,
            "outputs lectio cannot express were left out of expect: " + ", ".join(sorted(dropped)),
        )
    if raises is not None:
        if not re.match(r"^[A-Za-z_][\w.]*$", raises):
            notes.add(cell, f"the stored error {raises!r} is not a class name; expect left out")
            return None, False
        if stdout:
            notes.add(cell, "the output printed before the stored error is not checked")
        return {"raises": raises}, False
    expect: Block = {}
    normalized = False
    out_text = "".join(stdout)
    err_text = "".join(stderr)
    if _ANSI.search(out_text + err_text):
        out_text, err_text = _ANSI.sub("", out_text), _ANSI.sub("", err_text)
        notes.add(cell, "terminal colour codes were removed from the stored output")
    if "\r" in err_text:
        notes.add(cell, "standard error holds a progress bar (\\r); it is not checked")
        err_text = ""
    if "\r" in out_text.replace("\r\n", "\n"):
        notes.add(cell, "the output holds a progress bar (\\r); it is not checked")
        out_text = ""
    if ADDRESS.search(out_text + err_text):
        out_text, err_text = ADDRESS.sub("0x...", out_text), ADDRESS.sub("0x...", err_text)
        normalized = True
    if out_text.strip():
        expect["stdout"] = _clean(out_text)
    if err_text.strip():
        expect["stderr"] = _clean(err_text)
    if figures:
        expect["figures"] = figures
    return (expect or None), normalized


def _clean(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def code_blocks(
    code: str, tags: list[str], outputs: list[Any], cell: int, notes: Notes, hidden: bool = False
) -> list[Block]:
    """The blocks one code cell becomes (a shell listing may come before the code)."""
    if not code.strip():
        notes.add(cell, "empty code cell dropped")
        return []
    modes, code = _marker(code, tags)
    timed = re.search(r"^\s*%%?(time|timeit)\b", code, re.MULTILINE) is not None
    code, listings, whole_listing = _magics(code, cell, notes)
    code = code.lstrip("\n")  # a dropped %%time line leaves the cell starting blank
    blocks = list(listings)
    if not code.strip():
        return blocks
    if "skip" in modes or whole_listing:
        if "skip" in modes:
            notes.add(cell, "skipped by nbval (NBVAL_SKIP or a tag): a run: false listing")
        return [*blocks, _listing(code, "python")]
    try:
        compile(code, "<cell>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        notes.add(
            cell,
            f"Python syntax error on line {exc.lineno} ({exc.msg}); kept as a run: false listing",
        )
        return [*blocks, _listing(code, "python")]
    block: Block = {"code": code if code.endswith("\n") else code + "\n"}
    if hidden:
        block["hidden"] = True
    ignored = "ignore" in modes and "check" not in modes
    if timed:  # what %time printed ("CPU times: ...", "Wall time: ...") is not the code's
        outputs = _without_timings(outputs)
    expect, normalized = (None, False) if ignored else outputs_expect(outputs, cell, notes)
    if ignored and "raises" in modes:  # the output is not checked, the exception still is
        raised = [o.get("ename") for o in outputs if o.get("output_type") == "error"]
        expect = {"raises": str(raised[0])} if raised and raised[0] else None
    if "raises" in modes and (expect is None or "raises" not in expect):
        expect = {"raises": "Exception"}
        notes.add(
            cell,
            "marked to raise, but no stored error names the exception: expect raises Exception",
        )
    if expect is not None:
        block["expect"] = expect["stdout"] if list(expect) == ["stdout"] else expect
    if normalized:
        block["normalize"] = ["addresses"]
    requires = _capabilities(code)
    if requires:
        block["requires"] = requires
        notes.add(
            cell,
            f"the cell seems to need {' and '.join(requires)}: requires: [{', '.join(requires)}] "
            "(skipped where it is missing; check it)",
        )
    blocks.append(block)
    return blocks


_TIMING = re.compile(
    r"^(CPU times: .*|Wall time: .*|[\d.]+ [nµum]?s ± [\d.]+ [nµum]?s per loop .*)\n?",
    re.MULTILINE,
)


def _without_timings(outputs: list[Any]) -> list[Any]:
    kept = []
    for out in outputs:
        if out.get("output_type") == "stream":
            out = {**out, "text": _TIMING.sub("", _text(out.get("text")))}
        kept.append(out)
    return kept


def _capabilities(code: str) -> list[str]:
    """``network`` for a cell that downloads, ``cuda`` for one that uses CUDA without asking
    whether it is there (``torch.cuda.is_available()`` makes it fine on a CPU)."""
    found = []
    if NETWORK.search(code):
        found.append("network")
    if CUDA.search(code) and "is_available" not in code:
        found.append("cuda")
    return found
