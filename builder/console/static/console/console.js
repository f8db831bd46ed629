// The demo console's little script: copy buttons, the drop and logins dialogs, a filter, local
// times, and the poll that keeps the table, the jobs and the activity fresh (often while something
// is running, rarely otherwise). Everything works without it but copying and live updates.
(function () {
  "use strict";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  function toast(text) {
    const t = $("#toast");
    if (!t) return;
    t.textContent = text;
    t.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.remove("show"), 2200);
  }

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      return false;
    }
  }

  function localTimes(root) {
    $$("time[datetime]", root).forEach((el) => {
      const when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) el.title = when.toLocaleString([], {dateStyle: "medium", timeStyle: "short"});
    });
  }

  function applyFilter() {
    const box = $("#filter");
    const words = box ? box.value.trim().toLowerCase() : "";
    $$("#rows tr[data-demo]").forEach((tr) => {
      tr.classList.toggle("hidden", !!words && !tr.textContent.toLowerCase().includes(words));
    });
  }

  document.addEventListener("click", async (ev) => {
    const button = ev.target.closest("button");
    if (!button) {
      // a click outside an open menu closes it
      $$("details.menu[open]").forEach((d) => { if (!d.contains(ev.target)) d.open = false; });
      return;
    }
    if (button.classList.contains("copy-url")) {
      if (button.closest("details")) button.closest("details").open = false;
      const name = button.dataset.name;
      const answer = await fetch(`/demos/${name}/url`, {credentials: "same-origin"});
      const data = await answer.json();
      if (!answer.ok) { toast(data.error || "The URL could not be read."); return; }
      if (await copy(data.url)) {
        toast(`Database address of ${name} copied`);
      } else {
        const dialog = $("#url");
        $(".url-name", dialog).textContent = name;
        $(".url-text", dialog).value = data.url;
        dialog.showModal();
        $(".url-text", dialog).select();
      }
    } else if (button.classList.contains("copy-text")) {
      if (await copy(button.dataset.text)) toast("Copied");
    } else if (button.classList.contains("show-logins")) {
      button.closest("details").open = false;
      $("#logins").showModal();
    } else if (button.classList.contains("ask-drop")) {
      button.closest("details").open = false;
      const dialog = $("#drop");
      const name = button.dataset.name;
      $("#drop-form").action = `/demos/${name}/drop`;
      $("#drop-form input[name=confirm]").value = name;
      $$(".drop-name", dialog).forEach((el) => { el.textContent = name; });
      dialog.showModal();
    } else if (button.classList.contains("cancel")) {
      button.closest("dialog").close();
    }
  });

  // One click, one action: a submitted form's button is disabled until the page comes back. A
  // reset of a demo someone is connected to asks first: their session will be ended.
  document.addEventListener("submit", (ev) => {
    const form = ev.target;
    if (form.method === "dialog") return;
    const reset = $("button[name=reset]", form);
    const conns = reset ? Number(reset.dataset.conns || 0) : 0;
    if (conns > 0 && !confirm(`${conns} client(s) are connected to this demo: a reset ends their sessions. Reset it?`)) {
      ev.preventDefault();
      return;
    }
    setTimeout(() => $$("button", form).forEach((b) => { b.disabled = true; }), 0);
  });

  const box = $("#filter");
  if (box) box.addEventListener("input", applyFilter);

  // The poll: the server renders the parts that change; they are swapped in unless the user is in
  // the middle of something there (a menu open, a dialog open).
  const rows = $("#rows");
  let busy = rows && rows.dataset.busy === "1";
  async function refresh() {
    if (!rows) return;
    const interacting = $("details.menu[open]") || $("dialog[open]");
    if (!interacting && !document.hidden) {
      try {
        const answer = await fetch("/fresh", {credentials: "same-origin", headers: {"Accept": "application/json"}});
        if (answer.redirected || answer.status === 401 || answer.status === 403) { location.reload(); return; }
        if (answer.ok) {
          const data = await answer.json();
          rows.innerHTML = data.table;
          $("#jobs").innerHTML = data.jobs;
          $("#log").innerHTML = data.log;
          $("#summary").innerHTML = data.summary;
          if ($("#versions")) $("#versions").innerHTML = data.versions;
          busy = data.busy;
          localTimes(document);
          applyFilter();
        } else if (answer.status === 503) {
          toast("The demo server is unreachable: the page retries by itself.");
        }
      } catch (e) { /* the console restarting: the next poll tries again */ }
    }
    setTimeout(refresh, busy ? 1000 : 15000);
  }
  localTimes(document);
  if (rows) setTimeout(refresh, busy ? 700 : 15000);
})();
