"""The README documents every command and option, and the two commands stay true."""

from __future__ import annotations

import re
from pathlib import Path

from web.cli import make_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands():
    parser = make_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


def test_every_subcommand_is_documented():
    for name in subcommands():
        assert f"concord {name}" in README, name


def test_every_option_is_documented():
    for name, sub in subcommands().items():
        for action in sub._actions:
            for flag in action.option_strings:
                if flag in ("-h", "--help"):
                    continue
                assert flag in README, f"{name} {flag}"


def test_the_two_commands_exist_in_the_makefile_and_ci():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_environment_settings_are_documented():
    settings = set()
    for package in ("web", "search", "index"):
        for path in (ROOT / package).rglob("*.py"):
            settings |= set(re.findall(r"CONCORD_[A-Z_]+", path.read_text(encoding="utf-8")))
    assert {"CONCORD_INDEX_DIR", "CONCORD_CACHE_DIR"} <= settings
    for setting in settings:
        assert f"`{setting}`" in README, setting
