"""The wheel: built from the tree, installed in a fresh venv outside it, it builds and searches.

Offline on purpose: the wheel is built without build isolation (the venv's setuptools),
and the fresh venv gets its dependencies from this venv's site-packages through a .pth
path entry — a plain path, so this venv's editable install of Concord is not processed
and every Concord module must come from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("index", "search", "web")


def _run(args, cwd, env, timeout=240) -> subprocess.CompletedProcess:
    """Run a command; fail the test with its output when it fails."""
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _copy_source(target: Path) -> Path:
    """What the wheel is built from: pyproject, README and the packages, without caches."""
    for name in ("pyproject.toml", "README.md"):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, target / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python of a fresh venv holding the wheel, wheel path, environment, work dir)."""
    base = tmp_path_factory.mktemp("packaging")
    env = {k: v for k, v in os.environ.items()
           if k not in ("CONCORD_CACHE_DIR", "CONCORD_INDEX_DIR", "PYTHONPATH")}
    env.update(HOME=str(base / "home"), XDG_CACHE_HOME=str(base / "xdg-cache"))
    source = _copy_source(base / "src")  # setuptools writes build/ and egg-info into it
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "-q", "-w", str(base / "dist"), str(source)], cwd=base, env=env)
    (wheel,) = (base / "dist").glob("concord-*.whl")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base, env=env)
    python = venv / "bin" / "python"
    target = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                       cwd=base, env=env).stdout.strip())
    (target / "deps-from-dev-venv.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "-q", str(wheel)], cwd=base, env=env)
    work = base / "elsewhere"
    work.mkdir()
    return python, wheel, env, work, target


def test_the_wheel_holds_every_package_and_data_file(installed):
    _, wheel, *_ = installed
    names = zipfile.ZipFile(wheel).namelist()
    sources = {str(p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    assert sources <= set(names), sorted(sources - set(names))
    for data in ("search/lexicon/glossary.tsv", "search/lexicon/userdict.txt",
                 "search/lexicon/verbs.toml", "web/templates/base.html"):
        assert data in names


def test_every_module_imports_from_the_installed_copy(installed):
    python, wheel, env, work, target = installed
    modules = sorted(name[:-3].replace("/", ".").removesuffix(".__init__")
                     for name in zipfile.ZipFile(wheel).namelist()
                     if name.endswith(".py") and name.split("/")[0] in PACKAGES)
    script = ("import importlib, json, sys\n"
              f"mods = {modules!r}\n"
              "print(json.dumps({m: importlib.import_module(m).__file__ for m in mods}))\n")
    files = json.loads(_run([str(python), "-c", script], cwd=work, env=env).stdout)
    assert len(files) == len(modules) > 40
    outside = {m: f for m, f in files.items() if not f.startswith(str(target))}
    assert outside == {}


def test_concord_builds_and_searches_from_outside_the_tree(installed, real_index):
    python, _, env, work, target = installed
    concord = str(python.parent / "concord")
    built = _run([concord, "build", "--corpus", str(ROOT / "corpus")], cwd=work, env=env)
    assert "indexed 802 paragraphs" in built.stdout
    assert (work / "var" / "index").is_dir()
    found = _run([concord, "search", "洗钱", "--json"], cwd=work, env=env)
    page = json.loads(found.stdout)
    from search.engine import Engine

    engine = Engine(real_index)  # the same corpus built by the tree's own code
    try:
        assert page["total"] == engine.search("洗钱")["total"] > 0
    finally:
        engine.close()
    # The dictionary cache went to the user's cache directory, never into site-packages.
    assert list((Path(env["XDG_CACHE_HOME"]) / "concord").glob("zh-prefix-*.bin"))
    assert not list(target.rglob("zh-prefix-*.bin")) and not (target / "var").exists()


def test_the_installed_app_renders_a_page(installed):
    python, _, env, work, _ = installed
    script = ("from web.app import create_app\n"
              "client = create_app({'INDEX_DIR': 'var/index'}).test_client()\n"
              "page = client.get('/?q=洗钱')\n"
              "print(page.status_code, '洗钱' in page.get_data(as_text=True))\n")
    # Runs after the build test (file order): var/index exists in the work directory.
    assert _run([str(python), "-c", script], cwd=work, env=env).stdout.split() == ["200", "True"]
