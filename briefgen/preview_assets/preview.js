// The preview's page: listens to the server's events and swaps each new render in.
// html: a new web page, loaded behind the one shown and swapped in at the same scroll
// position; pdf-start / pdf: the PDF being laid out, then ready with its findings;
// checks: the document's warnings; problem: a mistake in the content, shown over the last
// good page until the next save.
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
    html: null, htmlAt: null, heardAt: null, pdf: null, pdfAt: null, problem: null,
    connected: false,
  };
  let current = null;  // the iframe shown
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
    if (current && Number(current.dataset.version) === data.version) {
      say(`Up to date · ${time()}`);
      return;
    }
    const frame = document.createElement("iframe");
    frame.title = "The web page edition";
    frame.className = "incoming";
    frame.dataset.version = data.version;
    frame.addEventListener("load", () => {
      if (current && Number(current.dataset.version) > data.version) {
        frame.remove();  // a newer page came in first
        return;
      }
      const old = current;
      if (old && old.contentWindow) {
        frame.contentWindow.scrollTo(old.contentWindow.scrollX, old.contentWindow.scrollY);
      }
      frame.className = "shown";
      current = frame;
      if (old) old.remove();
      shown.html = data.version;
      shown.htmlAt = Date.now();
      say(`Up to date · ${time()}`);
    }, {once: true});
    frame.src = `page.html?v=${data.version}`;
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
    if (!wantsPage) say(`PDF up to date · ${time()}`);
  }

  function showProblem(data) {
    problemLines.replaceChildren(...data.lines.map(line));
    problemBox.hidden = false;
    shown.problem = data.lines.map((item) => item.text);
    say("The content has a mistake", "error");
  }

  const events = new EventSource("events" + (wantsPdf ? "?pdf=1" : ""));
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
