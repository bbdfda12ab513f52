// The preview's page: listens to the server's events and swaps each new render in.
// html: a new web page, put in place of the one shown at the same scroll position;
// pdf-start / pdf: the PDF being laid out, then ready with its findings; checks: the
// document's warnings; problem: a mistake in the content, shown over the last good page
// until the next save.
// window.briefgenPreview records what is shown and when (tests and benchmarks read it).
(() => {
  "use strict";
  const view = document.body.dataset.view;
  const wantsPage = view !== "pdf";
  const wantsPdf = view !== "html";
  const frames = document.getElementById("frames");
  const pdfFrame = document.getElementById("pdf");
  const pdfNote = document.getElementById("pdf-note");
  const status = document.getElementById("status");
  const problemBox = document.getElementById("problem");
  const problemLines = document.getElementById("problem-lines");
  const checksSummary = document.getElementById("checks-summary");
  const checksList = document.getElementById("checks-list");
  const shown = window.briefgenPreview = {
    html: null, htmlAt: null, heardAt: null, pdf: null, pdfAt: null, pdfSeconds: null,
    problem: null,
    connected: false,
  };
  let current = null;  // the iframe shown
  let latest = null;  // the newest page the server has announced
  let warnings = [];
  let findings = [];
  let pdfSummary = "";

  const time = () => new Date().toLocaleTimeString([], {hour12: false});
  function say(text, kind) {
    status.textContent = text;
    status.dataset.kind = kind || "";
  }

  function line(item) {
    // One line as the command line prints it; its place links to the editor.
    const li = document.createElement("li");
    if (item.file && item.place && item.text.startsWith(item.place)) {
      const link = document.createElement("a");
      const at = [item.line, item.column].filter((n) => n !== null && n !== undefined);
      link.href = "vscode://file" + encodeURI(item.file) + (at.length ? ":" + at.join(":") : "");
      link.title = "Open in Visual Studio Code";
      link.textContent = item.place;
      li.append(link, item.text.slice(item.place.length));
    } else {
      li.textContent = item.text;
    }
    if (item.severity) li.dataset.severity = item.severity;
    return li;
  }

  function showChecks() {
    checksList.replaceChildren(...warnings.map(line), ...findings.map(line));
    const parts = [];
    if (wantsPdf && pdfSummary) parts.push(pdfSummary);
    parts.push(warnings.length === 1 ? "1 warning" : `${warnings.length || "no"} warnings`);
    checksSummary.textContent = "Checks: " + parts.join(" · ");
  }

  function showPage(data) {
    problemBox.hidden = true;
    shown.problem = null;
    if (!wantsPage) {
      shown.html = data.version;
      say(`Up to date · ${time()}`);
      return;
    }
    if (current && Number(current.dataset.version) >= data.version) {
      say(`Up to date · ${time()}`);
      return;
    }
    latest = data.version;
    updateInPlace(data.version)
      .then((done) => done || loadBehind(data.version))
      .catch(() => loadBehind(data.version));
  }

  function shownNow(version) {
    current.dataset.version = version;
    shown.html = version;
    shown.htmlAt = Date.now();
    say(`Up to date · ${time()}`);
  }

  // A page whose head (styles, fonts, title) is as before is updated in place: its body is
  // swapped for the new one, which the browser lays out without reading the styles and
  // fonts again, and the window keeps its place.
  async function updateInPlace(version) {
    const live = current && current.contentDocument;
    if (!live || !live.body) return false;
    const response = await fetch(`page.html?v=${version}`, {cache: "no-store"});
    if (!response.ok) return false;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    if (version !== latest) return true;  // a newer page is on its way
    if (page.head.innerHTML !== live.head.innerHTML) return false;
    const win = current.contentWindow;
    const [x, y] = [win.scrollX, win.scrollY];
    for (const name of ["lang", "dir"]) {
      live.documentElement.setAttribute(name, page.documentElement.getAttribute(name) || "");
    }
    live.body.replaceWith(live.adoptNode(page.body));
    win.scrollTo(x, y);
    shownNow(version);
    return true;
  }

  // Otherwise the new page loads in a second frame behind the one shown, takes its scroll
  // position once loaded, and the two are swapped: no flash, no jump.
  function loadBehind(version) {
    const frame = document.createElement("iframe");
    frame.title = "The web page edition";
    frame.className = "incoming";
    frame.addEventListener("load", () => {
      if (version !== latest) {
        frame.remove();  // a newer page came in meanwhile
        return;
      }
      const old = current;
      if (old && old.contentWindow) {
        frame.contentWindow.scrollTo(old.contentWindow.scrollX, old.contentWindow.scrollY);
      }
      frame.className = "shown";
      current = frame;
      if (old) old.remove();
      shownNow(version);
    }, {once: true});
    frame.src = `page.html?v=${version}`;
    frames.append(frame);
  }

  function showPdf(data) {
    if (data.error) {
      pdfNote.textContent = "The PDF could not be laid out: " + data.error;
      pdfNote.hidden = false;
      return;
    }
    findings = (data.findings || []).map((f) => ({text: f.text, severity: f.severity}));
    const pages = data.pages === 1 ? "1 page" : `${data.pages} pages`;
    pdfSummary = `PDF ${pages}, ${data.summary}`;
    showChecks();
    if (!wantsPdf) return;
    pdfFrame.src = `edition.pdf?v=${data.version}`;
    pdfFrame.hidden = false;
    pdfNote.hidden = true;
    shown.pdf = data.version;
    shown.pdfAt = Date.now();
    shown.pdfSeconds = data.seconds;
    if (!wantsPage) say(`PDF up to date · ${time()}`);
  }

  function showProblem(data) {
    problemLines.replaceChildren(...data.lines.map(line));
    problemBox.hidden = false;
    shown.problem = data.lines.map((item) => item.text);
    say("The content has a mistake", "error");
  }

  const events = new EventSource(`events?pdf=${wantsPdf ? 1 : 0}&page=${wantsPage ? 1 : 0}`);
  events.addEventListener("open", () => { shown.connected = true; });
  events.addEventListener("error", () => {
    shown.connected = false;
    say("Not connected: is briefgen preview still running?", "error");
  });
  events.addEventListener("stale", () => say("Building…"));
  events.addEventListener("html", (event) => {
    shown.heardAt = Date.now();
    showPage(JSON.parse(event.data));
  });
  events.addEventListener("pdf-start", () => {
    if (wantsPdf) {
      if (pdfFrame.hidden) pdfNote.hidden = false;
      say("Laying out the PDF…");
    }
  });
  events.addEventListener("pdf", (event) => showPdf(JSON.parse(event.data)));
  events.addEventListener("checks", (event) => {
    warnings = JSON.parse(event.data).warnings;
    showChecks();
  });
  events.addEventListener("problem", (event) => showProblem(JSON.parse(event.data)));
})();
