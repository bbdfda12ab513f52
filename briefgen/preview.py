"""`briefgen preview`: each edition in the browser, new on every save.

A local web server (Starlette, served by uvicorn) shows an index of the documents and,
for each, its editions: the web page, the PDF, or both side by side, with a switcher for
the audience. The page listens to server-sent events (sse-starlette): when the content,
its images or a template folder is saved (watchfiles, as `build --watch` watches), the
open editions are made again (preview_session) and the page swaps the new one in where
the reader was; the PDF follows from a warm renderer in the background (preview_pdf). A
mistake shows over the last good page, each line as the command line prints it, linked
to its place for the editor.

What it serves: its own pages and scripts (preview_assets/), the renders it holds in
memory, and the bundled font faces fonts.css names, read through the template folders'
gate. No other file is read for a request, so no URL reaches outside the project's
documents and templates. It answers on loopback only unless `--host` says otherwise, and
then still refuses a Host header it does not know (a page on another site cannot reach it
through DNS rebinding). It writes nothing unless `--write` is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import signal
import socket
import sys
import webbrowser
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import BriefgenError, ContentError, UsageError
from .preview_session import Session, problem

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

    from .fontfaces import Face

__all__ = ["LOOPBACK", "make_app", "serve"]

ASSETS = Path(__file__).with_name("preview_assets")
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")  # as --host and as a Host header
# The views a page offers: the web page, the PDF, or both side by side.
VIEWS = {"html": "Web page", "pdf": "PDF", "both": "Side by side"}
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# No script runs in an edition's page: it is the HTML output, which has none.
_EDITION_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                   "font-src 'self' data:; frame-ancestors 'self'")


def font_url(face: Face, templates_dirs: tuple[Path, ...]) -> str:
    """Where the preview serves a bundled face: its file, versioned by its time of change,
    so that the browser keeps it between saves and fetches a font only when it changes."""
    for folder in templates_dirs:
        path = folder / face.file
        if path.is_file():
            return f"/_fonts/{face.file}?v={path.stat().st_mtime_ns}"
    return f"/_fonts/{face.file}"


def make_app(session: Session, hosts: tuple[str, ...] = LOOPBACK,
             watch: bool = True, on_start: list | None = None) -> Starlette:
    """The preview's web application over session. hosts: the Host names it answers to
    (() for any); watch: rebuild on changes; on_start: called once it serves."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    from sse_starlette.sse import EventSourceResponse
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Route

    pages = Environment(loader=FileSystemLoader(ASSETS), autoescape=select_autoescape())
    # The editions' pages load the bundled faces from this app's /_fonts/ route.
    session.fonts_at = lambda face: font_url(face, session.templates.dirs)

    def edition_of(request: Request) -> tuple[str, str]:
        name = request.path_params["name"]
        if name not in session.documents:
            raise HTTPException(404, f"no document {name!r} in this preview")
        audience = request.path_params.get("audience")
        if audience is not None and audience not in session.templates.audiences:
            raise HTTPException(404, f"no audience profile {audience!r}")
        return name, audience

    def fonts() -> Markup:
        # The bundled faces, so that a title in Urdu or Russian shows as in the editions.
        from .webfonts import linked_fonts_css

        return Markup(linked_fonts_css(session.templates, session.fonts_at))

    async def index(request: Request) -> Response:
        documents = [await asyncio.to_thread(_entry, name, doc.path)
                     for name, doc in session.documents.items()]
        return HTMLResponse(pages.get_template("index.html").render(
            documents=documents, paths=session.paths, fonts=fonts()))

    async def document(request: Request) -> Response:
        name, _ = edition_of(request)
        entry = await asyncio.to_thread(_entry, name, session.documents[name].path)
        first = entry["audiences"][0] if entry["audiences"] else "policymaker"
        return RedirectResponse(f"/d/{name}/{first}/", 307)

    async def shell(request: Request) -> Response:
        name, audience = edition_of(request)
        view = request.query_params.get("view", "html")
        view = view if view in VIEWS else "html"
        entry = await asyncio.to_thread(_entry, name, session.documents[name].path)
        return HTMLResponse(pages.get_template("document.html").render(
            doc=entry, audience=audience, view=view, views=VIEWS, fonts=fonts()))

    async def page(request: Request) -> Response:
        name, audience = edition_of(request)
        html = await session.page(name, audience)
        if html is None:
            raise HTTPException(404, "this edition has no page yet: see its mistake")
        return Response(html, media_type="text/html; charset=utf-8", headers={
            "Cache-Control": "no-store", "Content-Security-Policy": _EDITION_POLICY})

    async def pdf(request: Request) -> Response:
        name, audience = edition_of(request)
        data = session.pdf(name, audience)
        if data is None:
            raise HTTPException(404, "the PDF is being laid out")
        return Response(data, media_type="application/pdf", headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'inline; filename="{name}-{audience}.pdf"'})

    async def docx(request: Request) -> Response:
        name, audience = edition_of(request)
        try:
            data = await session.word(name, audience)
        except BriefgenError as exc:
            return HTMLResponse(pages.get_template("problem.html").render(
                problem=problem(exc), name=name), 409)
        if data is None:
            raise HTTPException(409, "the content has a mistake: see the preview")
        return Response(data, media_type=_DOCX, headers={
            "Content-Disposition": f'attachment; filename="{name}-{audience}.docx"'})

    async def events(request: Request) -> Response:
        name, audience = edition_of(request)
        shows = request.query_params
        listener = session.listen(name, audience, shows.get("pdf") == "1",
                                  shows.get("page") != "0")
        asyncio.get_running_loop().create_task(session.show(name, audience))

        async def stream() -> AsyncIterator[dict]:
            try:
                while True:
                    kind, data = await listener.events.get()
                    yield {"event": kind, "data": json.dumps(data, ensure_ascii=False)}
            finally:
                session.leave(listener)
        return EventSourceResponse(stream(), ping=15)

    async def asset(request: Request) -> Response:
        name = request.path_params["asset"]
        types = {"preview.js": "text/javascript", "preview.css": "text/css"}
        if name not in types:
            raise HTTPException(404)
        return Response((ASSETS / name).read_bytes(), media_type=f"{types[name]}; charset=utf-8")

    async def font(request: Request) -> Response:
        from .fontfaces import faces_of

        file = request.path_params["file"]
        templates = session.templates
        if file not in {face.file for face in faces_of(templates)}:
            raise HTTPException(404, "not a font face of fonts.css")
        data = await asyncio.to_thread(templates.read, file)
        kind = "font/otf" if file.lower().endswith(".otf") else "font/ttf"
        return Response(data, media_type=kind,
                        headers={"Cache-Control": "max-age=31536000, immutable"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.get_running_loop().create_task(_watch(session, stop)) if watch else None
        for call in on_start or []:
            call()
        try:
            yield
        finally:
            stop.set()
            if task:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    routes = [Route("/", index), Route("/d/{name}/", document),
              Route("/d/{name}/{audience}/", shell),
              Route("/d/{name}/{audience}/page.html", page),
              Route("/d/{name}/{audience}/edition.pdf", pdf),
              Route("/d/{name}/{audience}/edition.docx", docx),
              Route("/d/{name}/{audience}/events", events),
              Route("/_preview/{asset}", asset), Route("/_fonts/{file:path}", font)]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))] if hosts else []
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def _entry(name: str, path: Path) -> dict:
    """A document's name, file, title, kind, language and audiences, as written (not
    validated: a file with a mistake is listed too, by what can be read of it)."""
    from .loader import load_yaml

    try:
        data, _ = load_yaml(path)
    except ContentError:
        data = {}
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    audiences = data.get("audiences")
    language = str(meta.get("language") or "en")
    return {
        "name": name, "file": str(path), "title": str(meta.get("title") or name),
        "kind": str(data.get("kind") or "").replace("-", " ").replace("_", " "),
        "language": language, "language_name": _language_name(language),
        "audiences": [str(a) for a in audiences] if isinstance(audiences, list)
        else ["policymaker", "academic", "public"]}


def _language_name(tag: str) -> str:
    """'ur' -> 'Urdu', as the index names a document's language (the tag if Babel cannot)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag.replace("-", "_")).get_display_name("en") or tag
    except (ValueError, UnknownLocaleError):
        return tag


async def _watch(session: Session, stop: asyncio.Event) -> None:
    """Tell the session of every change a build reads, as `build --watch` sees them."""
    from watchfiles import awatch

    from .watch import DEBOUNCE_MS, relevant, watched_folders

    documents = [doc.path for doc in session.documents.values()]
    templates = [*session.explicit, *session.template_folders()]
    folders = watched_folders(session.paths, documents, templates)
    # A save is seen 25 ms after the last write of its burst (an editor's temporary file
    # and rename take a few), not watchfiles' default 50: a twelfth of the page's budget.
    frozen = False
    async for changes in awatch(*folders, debounce=DEBOUNCE_MS, step=25, stop_event=stop,
                                watch_filter=relevant(None, templates)):
        if not frozen:
            # What lives by the first save (modules, compiled templates, parsed fields)
            # lives as long as the preview: the collector need not walk it again after
            # every save, which took a tenth of a long report's page.
            gc.freeze()
            frozen = True
        try:
            await session.changed([Path(path) for _, path in changes])
        except BriefgenError as exc:  # a folder named on the command line is gone
            print(f"briefgen: error: {exc}; fix it and save to preview again",
                  file=sys.stderr, flush=True)


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on host and port (0: a free one), or a UsageError saying why not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def serve(paths: list[str], templates: list[Path], host: str = "127.0.0.1", port: int = 0,
          browser: bool = True, write: str | None = None) -> int:
    """Run the preview until Ctrl-C; return the exit code (130, as for any interrupted
    command). write: also write the files into this folder after every change."""
    import uvicorn

    from .preview_pdf import PdfRenderer

    session = Session(paths, templates)  # finds the documents: a mistake ends here
    if not session.documents:
        raise UsageError(f"no content files found in {', '.join(paths)}")
    sock = _bind(host, port)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{sock.getsockname()[1]}/"
    session.renderer = PdfRenderer(session.templates)
    session.write_to = write
    if write:  # at the start too, as build --watch does
        session.renderer.build(session.paths, write, session.explicit)
    started = [lambda: print(f"briefgen: previewing {len(session.documents)} document"
                             f"{'s' if len(session.documents) != 1 else ''} at {url} "
                             "(Ctrl-C stops)", file=sys.stderr, flush=True)]
    if browser:
        started.append(lambda: asyncio.get_running_loop().run_in_executor(
            None, webbrowser.open, url))
    hosts = LOOPBACK if host in LOOPBACK else ()
    if host not in LOOPBACK:
        print(f"briefgen: warning: serving on {host}: anyone who can reach this machine "
              "can read these documents", file=sys.stderr)
    app = make_app(session, hosts, on_start=started)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                           timeout_graceful_shutdown=1))
    code = 0
    try:
        server.run(sockets=[sock])  # until Ctrl-C or SIGTERM, which it then raises again
    except KeyboardInterrupt as exc:
        signal.alarm(0)  # the command line's fallback for a stuck build: not needed
        # SIGTERM comes back as cli._Terminated (not imported: cli imports this module).
        code = 128 + (signal.SIGTERM if type(exc).__name__ == "_Terminated" else signal.SIGINT)
    finally:
        session.renderer.close()
        sock.close()
    print("briefgen: preview stopped", file=sys.stderr)
    return code
