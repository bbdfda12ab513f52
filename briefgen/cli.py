"""The `briefgen` command: a thin layer over the library.

Exit codes: 0 success, 1 content errors (and edits review cannot bring back), 2 usage
errors, 130 interrupted.
Heavy modules (WeasyPrint, python-docx, rich) are imported only by the commands that
use them, so `briefgen --help` and `briefgen validate` start quickly.
"""

from __future__ import annotations

import argparse
import atexit
import logging
import os
import signal
import sys
from pathlib import Path

from . import cli_review
from .errors import BriefgenError, ContentError, Diagnostic, UsageError
from .executors import EXECUTORS
from .version import __version__

__all__ = ["main", "run"]

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # noqa: ANN201 - argparse's signature
        raise UsageError(message)


def _split(values: list[str] | None) -> list[str] | None:
    """Accept both `--format pdf --format html` and `--format pdf,html`."""
    if not values:
        return None
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _jobs(value: str) -> int | None:
    """--jobs: a number of processes of at least 1, or 'auto' for one per core."""
    if value == "auto":
        return None
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1 or 'auto', "
                                         f"not {value!r}")
    return int(value)


def _port(value: str) -> int:
    """--port: 0 (a free one) to 65535."""
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, not {value!r}")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="briefgen", description="Turn structured YAML content into "
                     "policy briefs as PDF, Word and HTML, one variant per audience.")
    parser.add_argument("--version", action="version", version=f"briefgen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    build = commands.add_parser("build", help="validate and render documents")
    build.add_argument("paths", nargs="*", metavar="FILE|DIR",
                       help="content files or folders (default: content/)")
    build.add_argument("--audience", "-a", action="append", metavar="NAME",
                       help="build only these audiences (repeat, or separate with commas)")
    build.add_argument("--format", "-f", action="append", metavar="FMT",
                       help="pdf, docx, html (default: all three)")
    build.add_argument("--out", "-o", default="build", metavar="DIR",
                       help="output folder (default: build/)")
    build.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                       help="render in N processes (default: one per core; 1 renders "
                            "everything in this process)")
    build.add_argument("--force", action="store_true",
                       help="render every output, even those that are up to date")
    build.add_argument("--executor", choices=EXECUTORS, default="local",
                       help="where renders run: local processes (default), or a Dask "
                            "cluster given by --scheduler")
    build.add_argument("--scheduler", metavar="ADDRESS",
                       help="the Dask scheduler, e.g. tcp://10.0.0.5:8786")
    build.add_argument("--templates", "-t", action="append", default=[], metavar="DIR",
                       help="your own templates folder, searched before the built-ins")
    build.add_argument("--strict", action="store_true",
                       help="treat warnings and preflight findings as errors: write "
                            "nothing if there is one")
    build.add_argument("--preflight", choices=("text", "json"), default="text", help="report "
                       "each PDF's preflight as lines after the table (default), or as JSON "
                       "on stdout, the table then going to stderr")
    build.add_argument("--quiet", "-q", action="store_true", help="print only errors "
                       "and warnings")
    build.add_argument("--watch", "-w", action="store_true", help="build, then build again "
                       "on every save of the content, its images or the templates (Ctrl-C stops)")

    preview = commands.add_parser("preview", help="show the editions in the browser, "
                                  "updated on every save (Ctrl-C stops)")
    preview.add_argument("paths", nargs="*", metavar="FILE|DIR",
                         help="content files or folders (default: content/)")
    preview.add_argument("--templates", "-t", action="append", default=[], metavar="DIR")
    preview.add_argument("--host", default="127.0.0.1", help="the address to answer on "
                         "(default: 127.0.0.1, this machine only)")
    preview.add_argument("--port", "-p", type=_port, default=0, help="the port "
                         "(default: a free one)")
    preview.add_argument("--no-browser", dest="browser", action="store_false",
                         help="do not open the browser")
    preview.add_argument("--write", nargs="?", const="build", metavar="DIR", help="also "
                         "write the files, as build does, into DIR (default: build/)")

    validate = commands.add_parser("validate", help="check content without rendering")
    validate.add_argument("paths", nargs="*", metavar="FILE|DIR",
                          help="content files or folders (default: content/)")
    validate.add_argument("--templates", "-t", action="append", default=[], metavar="DIR")
    validate.add_argument("--strict", action="store_true", help="treat warnings as errors")

    kinds = ", ".join(_starter_kinds())
    new = commands.add_parser("new", help="write a commented starter file")
    new.add_argument("kind", metavar="KIND", help=f"document kind: {kinds}")
    new.add_argument("path", metavar="PATH", help="the YAML file to create (or a folder, "
                     "for PATH/brief.yaml)")

    schema = commands.add_parser("schema", help="print the JSON Schema of the content format")
    schema.add_argument("kind", nargs="?", metavar="KIND", help=f"one kind ({kinds}); "
                        "default: every kind, chosen by the file's `kind`")

    audiences = commands.add_parser("audiences", help="list audience profiles")
    audiences.add_argument("--templates", "-t", action="append", default=[], metavar="DIR")
    cli_review.add_parser(commands)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: stop rendering, keep finished files, say so."""


# A build's files go in together after every render (output.WriteSet): an interrupted
# build leaves the previous files, or, if it was writing, the whole new set.
_INTERRUPTED = ("briefgen: interrupted; the output folder holds the previous files or all "
                "the new ones, nothing half-written")
_GRACE_SECONDS = 3


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM: raise, to stop rendering; should the exception land in a
    finalizer (a __del__ in WeasyPrint), which drops it, SIGALRM ends the build soon
    after. Writes hold SIGALRM back (output.WriteSet.commit), so none is cut short."""
    def stop_now(*_: object) -> None:
        print(_INTERRUPTED, file=sys.stderr, flush=True)
        os._exit(128 + signum)

    signal.signal(signal.SIGALRM, stop_now)
    signal.alarm(_GRACE_SECONDS)
    raise _Terminated if signum == signal.SIGTERM else KeyboardInterrupt


def run() -> None:
    """The `briefgen` program: run main() and exit with its code, skipping the teardown.

    Freeing a laid-out PDF's objects and every module at exit takes 0.2 s, 7% of a
    brief's build, and achieves nothing: outputs are written and closed, workers have
    stopped. The exit handlers registered after this one (the logging and process-pool
    ones among them) still run first; then the process ends without the final garbage
    collection (as Instagram does; see https://instagram-engineering.com/
    dismissing-python-garbage-collection-at-instagram-4dca40b29172).
    """
    status = [1]

    def leave() -> None:
        logging.shutdown()  # registered before this handler, so it would not run
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status[0])

    atexit.register(leave)  # the first registered runs last
    try:
        status[0] = main()
    except SystemExit as exc:  # --help and --version exit from inside argparse
        status[0] = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        raise
    sys.exit(status[0])


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        previous = {signum: signal.signal(signum, _interrupt)
                    for signum in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: leave signals to the host program
        previous = {}
    try:
        return _main(argv)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        if not args.command:
            parser.print_help()
            return 0
        logging.basicConfig(level=logging.WARNING, format="briefgen: %(message)s")
        return {"build": _build, "preview": _preview, "validate": _validate, "new": _new,
                "schema": _schema, "audiences": _audiences,
                "review": cli_review.run}[args.command](args)
    except ContentError as exc:
        for diagnostic in exc.diagnostics:
            print(diagnostic, file=sys.stderr)
        count = len(exc.diagnostics)
        print(f"briefgen: {count} error{'s' if count != 1 else ''}; nothing was written",
              file=sys.stderr)
        return exc.exit_code
    except BriefgenError as exc:
        print(f"briefgen: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        signal.alarm(0)  # stopped in time: no need for the fallback
        print(_INTERRUPTED, file=sys.stderr)
        return 143 if isinstance(exc, _Terminated) else 130  # 128 + the signal's number
    except Exception as exc:  # a bug in briefgen, not a user mistake
        if os.environ.get("BRIEFGEN_DEBUG"):
            raise
        print(f"briefgen: internal error: {type(exc).__name__}: {exc}\n"
              "Please report this; run with BRIEFGEN_DEBUG=1 for the traceback.",
              file=sys.stderr)
        return 3


def _paths(args: argparse.Namespace) -> list[str]:
    return args.paths or ["content"]


def _templates(args: argparse.Namespace) -> list[Path]:
    return [Path(t) for t in args.templates]


def _warn(warning: Diagnostic) -> None:
    """Print a warning as every command does: one located line on stderr."""
    print(warning, file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    from .api import validate
    from .discover import find_documents

    files = find_documents(_paths(args))
    warnings = validate(files, _templates(args), strict=args.strict)
    for warning in warnings:
        _warn(warning)
    print(f"{len(files)} document{'s' if len(files) != 1 else ''} valid"
          + (f", {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""))
    return 0


def _build(args: argparse.Namespace) -> int:
    from . import preflight
    from .api import build
    from .results import build_with_table
    reports: list = []  # the preflight of each PDF, rendered or up to date
    options = dict(out=args.out, audiences=_split(args.audience),
                   formats=_split(args.format) or ["pdf", "docx", "html"],
                   templates=_templates(args), jobs=args.jobs, force=args.force,
                   strict=args.strict, executor=args.executor, scheduler=args.scheduler,
                   on_warning=_warn, on_preflight=reports.append)
    text = args.preflight == "text"  # else JSON, alone on stdout

    def once() -> None:
        reports.clear()
        try:
            if args.quiet:
                build(_paths(args), **options)
            else:
                build_with_table(build, _paths(args), args.out, options,
                                 sys.stdout if text else sys.stderr)
        finally:  # for CI, the JSON report comes even when the build fails
            if not text:
                print(preflight.json_text(reports))
        for line in preflight.text_lines(reports, not args.quiet) if text else ():
            print(line, flush=True)

    if args.watch:
        from .discover import find_documents
        from .templates import project_templates
        from .watch import watch, watched_folders

        documents = find_documents(_paths(args))
        templates = [*map(Path, args.templates),
                     *filter(None, map(project_templates, documents))]
        return watch(once, watched_folders(_paths(args), documents, templates), Path(args.out),
                     templates)
    once()
    return 0


def _preview(args: argparse.Namespace) -> int:
    from .preview import serve

    return serve(_paths(args), _templates(args), args.host, args.port, args.browser,
                 args.write)


def _starter_kinds() -> list[str]:
    """The kinds `briefgen new` has a starter file for (every kind of models.KINDS)."""
    from .templates import builtin_dir

    try:
        return sorted(p.stem for p in (builtin_dir() / "starters").glob("*.yaml"))
    except UsageError:  # the built-in templates are missing: `new` says so when run
        return []


def _new(args: argparse.Namespace) -> int:
    from .api import new

    target, schema_path = new(args.kind, args.path)
    print(f"wrote {target} and {schema_path.name}; check it with: briefgen validate {target}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    import json

    from .api import schema

    print(json.dumps(schema(args.kind), indent=2, ensure_ascii=False))
    return 0


def _audiences(args: argparse.Namespace) -> int:
    from .templates import builtin_dir, for_documents

    # The profiles a build of this folder would see: --templates, then the project's own.
    templates = for_documents([Path.cwd() / "content" / "_"], tuple(_templates(args)))
    builtin = builtin_dir()
    for name, (profile, path) in sorted(templates.audiences.items()):
        origin = "built-in" if path.is_relative_to(builtin) else "project"
        print(f"{name:<14} {profile.label:<18} {profile.page_size:<7} {origin:<9} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
