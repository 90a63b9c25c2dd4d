// NENKG browser: the query page (examples, running a query, results table, download).
// Every value is put on the page with textContent, never as HTML.
"use strict";

const BASE = "https://w3id.org/nenkg/";

function termCell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri" && /^https?:\/\//.test(term.value)) {
    // only web addresses become links (never a javascript: IRI from the data)
    const a = document.createElement("a");
    a.textContent = term.value;
    a.href = term.value.startsWith(BASE) ? "/" + term.value.slice(BASE.length) : term.value;
    td.appendChild(a);
  } else if (term.type === "uri") {
    td.textContent = term.value;
  } else {
    td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
    if (term["xml:lang"]) {
      const span = document.createElement("span");
      span.className = "lang";
      span.textContent = "@" + term["xml:lang"];
      td.appendChild(span);
    }
  }
  return td;
}

function showTable(data, target) {
  if (typeof data.boolean === "boolean") {
    const p = document.createElement("p");
    p.id = "ask-result";
    p.textContent = data.boolean ? "yes (true)" : "no (false)";
    target.appendChild(p);
    return 0;
  }
  const table = document.createElement("table");
  table.id = "results-table";
  const head = table.createTHead().insertRow();
  for (const v of data.head.vars) {
    const th = document.createElement("th");
    th.textContent = v;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of data.results.bindings) {
    const tr = body.insertRow();
    for (const v of data.head.vars) tr.appendChild(termCell(row[v]));
  }
  target.appendChild(table);
  return data.results.bindings.length;
}

async function runQuery(event) {
  event.preventDefault();
  const query = document.getElementById("query").value;
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  results.replaceChildren();
  status.textContent = "Running…";
  const started = performance.now();
  try {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: new URLSearchParams({query}),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok) {
      status.textContent = "Error " + response.status + ": " + (await response.text());
      status.className = "error";
      return;
    }
    status.className = "";
    let summary;
    if (type.startsWith("application/sparql-results+json")) {
      const n = showTable(await response.json(), results);
      summary = n + " row" + (n === 1 ? "" : "s");
    } else {
      const pre = document.createElement("pre");
      pre.id = "results-graph";
      pre.textContent = await response.text();
      results.appendChild(pre);
      summary = (response.headers.get("X-NENKG-Rows") || "?") + " triples";
    }
    if (response.headers.get("X-NENKG-Truncated")) summary += " (cut off at the row limit)";
    status.textContent = summary + " in " + seconds + " s";
  } catch (err) {
    status.textContent = "The request failed: " + err;
    status.className = "error";
  }
}

async function download() {
  const query = document.getElementById("query").value;
  const format = document.getElementById("download-format").value;
  const response = await fetch("/sparql", {
    method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded"},
    body: new URLSearchParams({query, format}),
  });
  const status = document.getElementById("status");
  if (!response.ok) {
    status.textContent = "Error " + response.status + ": " + (await response.text());
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = "results." + format;
  document.body.appendChild(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function choose() {
  const option = this.options[this.selectedIndex];
  document.getElementById("query").value = option.dataset.query;
  document.getElementById("question").textContent = option.dataset.question;
  document.getElementById("results").replaceChildren();
  document.getElementById("status").textContent = "";
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("query-form");
  if (!form) return;
  form.addEventListener("submit", runQuery);
  document.getElementById("example").addEventListener("change", choose);
  document.getElementById("download").addEventListener("click", download);
});
