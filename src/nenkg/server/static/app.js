// NENKG browser: the query page (examples, parameters, running a query, results table, download).
// Every value is put on the page with textContent, never as HTML.
"use strict";

const BASE = "https://w3id.org/nenkg/";
const XSD = "http://www.w3.org/2001/XMLSchema#";

// IRIs are shown by their label (from /labels), the IRI in the title; a term the server has
// a page for links there, other web addresses link out. Literals show their text only: the
// language tag of English text and the common XSD datatypes are left out (kept in the title).
function termCell(term, labels) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri") {
    const known = labels[term.value];
    const local = known && known.href ? known.href
      : term.value.startsWith(BASE) ? "/" + term.value.slice(BASE.length) : "";
    if (local || /^https?:\/\//.test(term.value)) {
      // only web addresses and local pages become links (never a javascript: IRI from the data)
      const a = document.createElement("a");
      a.textContent = known ? known.label : term.value;
      a.href = local || term.value;
      a.title = known && known.curie ? known.curie + " " + term.value : term.value;
      if (!local) a.className = "external";
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
  } else {
    td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
    const lang = term["xml:lang"];
    const datatype = term.datatype || "";
    if (lang && !/^en(-|$)/i.test(lang)) {
      const span = document.createElement("span");
      span.className = "lang";
      span.textContent = lang;
      td.appendChild(span);
    }
    if (lang) td.title = "@" + lang;
    else if (datatype) td.title = datatype.startsWith(XSD) ? "xsd:" + datatype.slice(XSD.length) : datatype;
  }
  return td;
}

// Labels of the IRIs in a result, asked of the server in one request (failure: no labels).
async function fetchLabels(data) {
  const iris = new Set();
  for (const row of data.results.bindings) {
    for (const v of data.head.vars) if (row[v] && row[v].type === "uri") iris.add(row[v].value);
  }
  if (!iris.size) return {};
  try {
    const response = await fetch("/labels", {method: "POST", headers: {"Content-Type": "application/json"},
                                             body: JSON.stringify([...iris].slice(0, 5000))});
    return response.ok ? await response.json() : {};
  } catch (err) {
    return {};
  }
}

function showTable(data, target, labels) {
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
    for (const v of data.head.vars) tr.appendChild(termCell(row[v], labels));
  }
  target.appendChild(table);
  return data.results.bindings.length;
}

// The parameter fields of the chosen library query (the visible fieldset), or null.
function currentParams() {
  const name = document.getElementById("example").value;
  const set = document.querySelector("fieldset.params[data-query-name='" + CSS.escape(name) + "']");
  return set && !set.hidden ? set : null;
}

function paramValues(set) {
  const values = {name: set.dataset.queryName};
  for (const input of set.querySelectorAll("input[data-param]")) values[input.dataset.param] = input.value;
  return values;
}

// The text the server bound for the current parameter values: while the query box still holds
// it, Run sends the values (the library binds them); once edited, the box itself is run.
let boundText = null;

async function rebind() {
  const set = currentParams();
  if (!set) return;
  const status = document.getElementById("status");
  const response = await fetch("/queries/bind?" + new URLSearchParams(paramValues(set)));
  const text = await response.text();
  if (!response.ok) {
    status.textContent = "Error " + response.status + ": " + text;
    status.className = "error";
    boundText = null;
    return;
  }
  status.textContent = "";
  status.className = "";
  document.getElementById("query").value = text;
  boundText = text;
}

async function runQuery(event) {
  event.preventDefault();
  const query = document.getElementById("query").value;
  const set = currentParams();
  const viaLibrary = set && boundText !== null && query === boundText;
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  results.replaceChildren();
  status.textContent = "Running…";
  const started = performance.now();
  try {
    const response = await fetch(viaLibrary ? "/queries/run" : "/sparql", {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, text/turtle;q=0.9"},
      body: new URLSearchParams(viaLibrary ? paramValues(set) : {query}),
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
      const data = await response.json();
      const labels = data.results ? await fetchLabels(data) : {};
      const n = showTable(data, results, labels);
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
  for (const set of document.querySelectorAll("fieldset.params")) set.hidden = set.dataset.queryName !== option.value;
  boundText = currentParams() ? option.dataset.query : null;
}

// Suggestions for an IRI parameter from the search (label, synonym or code); picking one puts
// its CURIE in the field.
let suggestTimer = null;
function suggest(input) {
  clearTimeout(suggestTimer);
  suggestTimer = setTimeout(async () => {
    const q = input.value.trim();
    const list = document.getElementById("term-suggestions");
    if (q.length < 2 || /^[A-Za-z]+:\S+$/.test(q) || q.startsWith("<")) return;
    const response = await fetch("/search?format=json&q=" + encodeURIComponent(q));
    if (!response.ok) return;
    const data = await response.json();
    list.replaceChildren();
    for (const hit of data.results) {
      const option = document.createElement("option");
      option.value = hit.curie;
      option.label = hit.label;
      option.textContent = hit.label;
      list.appendChild(option);
    }
  }, 150);
}

function questionFits() {
  // the example's question is only shown while the query box holds that example (or its bound form)
  const query = document.getElementById("query").value;
  const option = document.getElementById("example").selectedOptions[0];
  const fits = option && (query === option.dataset.query || query === boundText);
  document.getElementById("question").hidden = !fits;
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("query-form");
  if (!form) return;
  form.addEventListener("submit", runQuery);
  document.getElementById("example").addEventListener("change", choose);
  document.getElementById("download").addEventListener("click", download);
  document.getElementById("query").addEventListener("input", questionFits);
  for (const input of document.querySelectorAll("input[data-param]")) {
    input.addEventListener("change", rebind);
    if (input.dataset.type === "iri") input.addEventListener("input", () => suggest(input));
  }
  boundText = currentParams() ? document.getElementById("query").value : null;
});
