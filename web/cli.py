"""The `concord` command: parse, build, add, remove, search, serve and lineage."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

DEFAULT_CORPUS = "corpus"
DEFAULT_INDEX = "var/index"


def cmd_parse(args: argparse.Namespace) -> int:
    """Print the units and paragraphs of one file."""
    from index.build import load_manifest, parse_file
    from index.read import ReadError

    path = Path(args.file)
    try:
        doc = parse_file(path, load_manifest(path.parent).get(path.name))
    except ReadError as exc:
        print(f"concord: {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(doc.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"{doc.name}: {doc.symbol or '(no symbol)'} · {doc.status} · {doc.session or ''} · {len(doc.units)} unit(s)")
    for unit in doc.units:
        pp = sum(p.kind == "pp" for p in unit.paragraphs)
        op = sum(p.kind == "op" and not p.sub for p in unit.paragraphs)
        print(f"\n{unit.id}  {unit.label}  {unit.title}\n  {unit.acting_body} · {unit.status} · {pp} preambular, {op} operative")
        for p in unit.paragraphs:
            verb = p.verb.key if p.verb else "-"
            print(f"  {p.kind}{p.number}{p.sub or '':<3} {verb:<24} {p.text[:60]}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Parse the corpus and publish the index; exit 1 when a file was skipped (see the README)."""
    from index.build import build

    return _publishing(lambda phases: build(
        args.corpus, args.index, phases=phases, allow_empty=getattr(args, "allow_empty", False),
        wait=not getattr(args, "no_wait", False), processes=getattr(args, "processes", None),
        use_cache=not getattr(args, "no_cache", False)))


def cmd_add(args: argparse.Namespace) -> int:
    """Copy one document into the corpus and publish the index with it (see the README)."""
    from index.incremental import add

    return _publishing(lambda phases: add(args.file, args.corpus, args.index, phases=phases,
                                          wait=not args.no_wait, processes=args.processes))


def cmd_remove(args: argparse.Namespace) -> int:
    """Take one document out of the corpus and publish the index without it."""
    from index.incremental import remove

    def run(phases):
        report, kept = remove(args.document, args.corpus, args.index, phases=phases,
                              wait=not args.no_wait, processes=args.processes,
                              allow_empty=args.allow_empty)
        if kept is not None:
            print(f"concord: moved {kept.name} to {kept.parent}; the index no longer holds it",
                  file=sys.stderr)
        return report

    return _publishing(run)


def _publishing(run) -> int:
    """Run a build-like ``run(phases)`` and report it; the exit status of the README's table."""
    from index.build import CorpusError, Refused
    from index.progress import Phases
    from index.publish import IndexBusy
    from index.write import EmptyBuild

    phases = Phases.for_stream(sys.stderr)  # bars on a terminal
    try:
        report = run(phases)
    except IndexBusy as exc:
        print(f"concord: {exc}", file=sys.stderr)
        return 3
    except (CorpusError, EmptyBuild, Refused) as exc:
        for problem in getattr(exc, "problems", []):
            print(f"concord: skipped {problem.message}", file=sys.stderr)
        print(f"concord: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    for notice in report.notices:
        print(f"concord: note: {notice}", file=sys.stderr)
    if not phases.bars:  # no bars were shown: say where the time went, in one line
        print(phases.summary(), file=sys.stderr)
    for problem in report.problems:
        print(f"concord: skipped {problem.message}", file=sys.stderr)
    return 1 if report.problems else 0


def cmd_search(args: argparse.Namespace) -> int:
    """Search the index from a terminal."""
    from search.engine import Engine, IndexMismatch, IndexMissing, QueryError

    filters = {name: values for name in ("theme", "verb", "body", "session", "kind", "lang", "change", "unit")
               if (values := getattr(args, name))}
    engine = Engine(args.index)
    try:
        page = engine.search(args.query, filters, page=args.page, size=args.size, sort=args.sort)
    except (QueryError, IndexMissing, IndexMismatch) as exc:
        print(f"concord: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.close()
    if args.json:
        json.dump(page, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    reading = page.get("reading", {}).get("en") or ""
    print(f"{page['total']} results ({page['took_ms']} ms) {reading}")
    for hit in page["results"]:
        verb = hit["verb"]["en"] if hit.get("verb") else ""
        print(f"\n{hit['id']}  {hit.get('symbol') or ''}  {verb}\n  {hit['text'][:160]}")
    if page.get("suggestion"):
        print(f"\nDid you mean: {page['suggestion']}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app (waitress; gunicorn with --workers > 1), building the index when needed."""
    from index.publish import tidy
    from web import server
    from web.app import close_engine, create_app

    if args.workers < 1 or args.threads < 1:
        print("concord: --workers and --threads must be at least 1", file=sys.stderr)
        return 2
    server.bound_arenas()  # before any thread of the server allocates
    tidy(args.index)  # old generations and what killed builds left behind
    app = create_app({"INDEX_DIR": str(args.index)})
    code = _ready_index(app, args)
    if code:
        return code
    try:
        if args.workers == 1:
            serving = server.make_server(app, args.host, args.port, args.threads,
                                         connection_limit=args.connection_limit,
                                         channel_timeout=args.channel_timeout)
            print(f"Serving Concord on {' '.join(server.listening(serving))}", file=sys.stderr, flush=True)
            serving.run()
        else:
            server.serve_gunicorn(app, args.host, args.port, args.workers, args.threads,
                                  connection_limit=args.connection_limit,
                                  channel_timeout=args.channel_timeout)
    finally:
        close_engine(app)
    return 0


def _ready_index(app, args: argparse.Namespace) -> int:
    """Make sure the index opens (building it when missing or stale); 0 when it does."""
    from search.engine import IndexMismatch, IndexMissing

    try:
        _open_index(app, args.workers)
    except (IndexMissing, IndexMismatch) as exc:
        print(f"concord: {exc} — building it now from {args.corpus}", file=sys.stderr)
        code = cmd_build(args)
        if code > 1:  # refused, busy or unusable corpus: nothing to serve
            return code
        _open_index(app, args.workers)  # the engine opens the index it failed to open before
    return 0


def _open_index(app, workers: int) -> None:
    """One process: open the engine now. Several: check the stamp; each worker opens its own."""
    from search.analysis import warm_up
    from search.store.generation import current
    from search.store.stamp import check_stamp
    from web.app import get_engine

    if workers == 1:
        with app.app_context():  # load the segmenter and open the index before the first request
            get_engine().warm_up()
        return
    warm_up()  # the dictionary, loaded before the fork, is shared by the workers
    check_stamp(current(app.config["INDEX_DIR"]))


def _writer_options(p: argparse.ArgumentParser) -> None:
    """The options every command that publishes a generation takes, besides build's own."""
    p.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"corpus directory (default {DEFAULT_CORPUS})")
    p.add_argument("--index", default=DEFAULT_INDEX, help=f"index directory (default {DEFAULT_INDEX})")
    p.add_argument("--no-wait", action="store_true",
                   help="exit with 'index busy' (status 3) instead of waiting for another build")
    p.add_argument("--processes", type=int, default=None, metavar="N",
                   help="worker processes for parsing and for segmenting and writing each batch "
                        "(default: every core)")


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of `concord` and its subcommands."""
    parser = argparse.ArgumentParser(prog="concord", description="Search UN crime-prevention resolutions paragraph by paragraph.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="show the units and paragraphs of one corpus file")
    p.add_argument("file", help="a corpus .txt file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("build", help="parse the corpus and write the search index")
    _writer_options(p)
    p.add_argument("--allow-empty", action="store_true",
                   help="publish even an index with no paragraphs (refused otherwise)")
    p.add_argument("--no-cache", action="store_true",
                   help="parse and segment every file again, ignoring the build cache")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("add", help="add one document to the corpus and publish the index with it")
    p.add_argument("file", help="the .txt file to add (copied into the corpus folder)")
    _writer_options(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help="take one document out of the corpus and the index")
    p.add_argument("document", help="its file name (001.txt), stem, document symbol or a unit id")
    _writer_options(p)
    p.add_argument("--allow-empty", action="store_true",
                   help="publish even when the last document goes (refused otherwise)")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("search", help="search the index from the terminal")
    p.add_argument("query", nargs="?", default="", help="query text (Chinese or English)")
    for name in ("theme", "verb", "body", "session", "kind", "lang", "change", "unit"):
        p.add_argument(f"--{name}", action="append", default=[], help=f"filter by {name} key (repeatable)")
    p.add_argument("--page", type=int, default=1, help="result page, from 1")
    p.add_argument("--size", type=int, default=10, help="results per page (at most 100)")
    p.add_argument("--sort", default="relevance", choices=["relevance", "date", "order"], help="result order")
    p.add_argument("--index", default=DEFAULT_INDEX, help=f"index directory (default {DEFAULT_INDEX})")
    p.add_argument("--json", action="store_true", help="print the /api/search JSON")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("serve", help="serve the web app (builds the index when missing)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes: 1 serves with waitress, more with gunicorn (default 1)")
    p.add_argument("--threads", type=int, default=4, metavar="M",
                   help="threads per worker process (default 4)")
    # Bounds on connections (web/server.py): waitress's own defaults let idle clients block it.
    p.add_argument("--connection-limit", type=int, default=500,
                   help="most connections open at once (default 500)")
    p.add_argument("--channel-timeout", type=int, default=30,
                   help="seconds an idle connection is kept open (default 30)")
    p.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"corpus directory (default {DEFAULT_CORPUS})")
    p.add_argument("--index", default=DEFAULT_INDEX, help=f"index directory (default {DEFAULT_INDEX})")
    p.set_defaults(func=cmd_serve)

    from web import lineage_cli  # `concord lineage ID` (issue 9)

    lineage_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `concord` console script."""
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `concord parse … | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
