// The emulated Slack window: polls /ui/state for the person acted as, draws channels, threads, DMs, what only
// they see and the modal in front of them; the message box, buttons and forms POST to /ui/*.
"use strict";

const App = (() => {
  const { el } = Blocks;
  const $ = (id) => document.getElementById(id);
  const view = { user: localStorage.getItem("user") || "U0ALICE", channel: null, thread: null, version: null,
    modalHash: null, state: null };

  async function post(path, body) {
    const response = await fetch(`/ui/${path}`, { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    await refresh(true);
    return data;
  }

  async function refresh(force) {
    let state;
    try {
      const response = await fetch(`/ui/state?user=${encodeURIComponent(view.user)}`, { cache: "no-store" });
      state = await response.json();
    } catch (error) {
      showStatus("The playground is not answering; is it still running?");
      return;
    }
    if (!force && state.version === view.version) return;
    view.version = state.version;
    view.state = state;
    draw(state);
  }

  function names(state) {
    const channels = {};
    for (const c of state.channels) channels[c.id] = c.name;
    return { users: state.names, channels };
  }

  function draw(state) {
    drawPeople(state);
    drawLinks(state);
    drawFaults(state);
    $("banner").hidden = !state.banner;
    $("banner").textContent = state.banner || "";
    const visible = state.channels;
    if (!view.channel || !visible.some((c) => c.id === view.channel)) {
      const general = visible.find((c) => c.name === "general") || visible[0];
      view.channel = general ? general.id : null;
    }
    drawSidebar(state);
    drawChannel(state);
    drawThread(state);
    drawModal(state);
  }

  function drawPeople(state) {
    const select = $("act-as");
    if (select.options.length === state.people.length) return;
    select.replaceChildren(...state.people.map((p) => el("option", { value: p.id, selected: p.id === view.user },
      `${p.name} (${p.real_name})`)));
  }

  function drawLinks(state) {
    $("links").replaceChildren(...Object.entries(state.links || {}).map(([label, href]) =>
      el("a", { href, target: "_blank", rel: "noopener" }, label)));
  }

  function drawFaults(state) {
    const box = $("fault-status");
    box.hidden = state.faults.length === 0;
    box.textContent = state.faults.join(" · ");
  }

  function showStatus(text) {
    const box = $("fault-status");
    box.hidden = false;
    box.textContent = text;
  }

  function channelLabel(c, state) {
    return c.is_im ? `${state.names.U0BOT || "incidentbot"} (app)` : `# ${c.name}`;
  }

  function drawSidebar(state) {
    const item = (c) => el("li", {}, el("button", { type: "button", class: c.id === view.channel ? "current" : "",
      "aria-current": c.id === view.channel ? "page" : null, "data-channel": c.is_im ? "dm" : c.name,
      onclick: () => { view.channel = c.id; view.thread = null; draw(view.state); } },
      channelLabel(c, state), c.messages.length ? el("span", { class: "count" }, ` ${c.messages.length}`) : null));
    $("channel-list").replaceChildren(...state.channels.filter((c) => !c.is_im).map(item));
    $("dm-list").replaceChildren(...state.channels.filter((c) => c.is_im).map(item));
  }

  function author(state, id) {
    return id === "U0BOT" ? "incidentbot" : (state.names[id] || id);
  }

  function messageNode(state, channel, m, inThread) {
    const ctx = { names: names(state), onClick: (element) => click(channel.id, element, { message_ts: m.ts }) };
    const body = m.blocks.length ? Blocks.render(m.blocks, ctx) : Blocks.textNode({ type: "mrkdwn", text: m.text },
      ctx.names);
    const node = el("article", { class: "message", "data-ts": m.ts },
      el("div", { class: "meta" }, el("span", { class: `author${m.user === "U0BOT" ? " app" : ""}` },
        author(state, m.user)), m.user === "U0BOT" ? el("span", { class: "badge" }, "APP") : null,
        m.edited ? el("span", { class: "edited" }, "(edited)") : null), body);
    if (!inThread && m.replies && m.replies.length) {
      node.append(el("button", { type: "button", class: "replies-link",
        onclick: () => { view.thread = m.ts; drawThread(view.state); } },
        `${m.replies.length} ${m.replies.length === 1 ? "reply" : "replies"}`));
    }
    return node;
  }

  function noteNode(state, n) {
    const ctx = { names: names(state), onClick: (element) => click(n.channel, element, { note: n.id }) };
    const body = n.blocks.length ? Blocks.render(n.blocks, ctx) : Blocks.textNode({ type: "mrkdwn", text: n.text },
      ctx.names);
    return el("article", { class: `message note ${n.source}`, "data-note": n.id },
      el("div", { class: "meta" }, el("span", { class: "author app" },
        n.source === "emulator" ? "playground" : "incidentbot"), el("span", { class: "only-you" },
        "Only visible to you")), body);
  }

  function drawChannel(state) {
    const channel = state.channels.find((c) => c.id === view.channel);
    $("channel-title").textContent = channel ? channelLabel(channel, state) : "No channels yet";
    $("channel-topic").innerHTML = channel ? Blocks.mrkdwn(channel.topic, names(state)) : "";
    const box = $("messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    if (!channel) { box.replaceChildren(); return; }
    // Slack's ts strings sort as time; a note shows after the message that was newest when it came.
    const items = channel.messages.map((m) => ({ key: m.ts, order: 0, node: messageNode(state, channel, m) }));
    for (const n of state.notes.filter((x) => x.channel === channel.id)) {
      items.push({ key: n.after, order: n.id, node: noteNode(state, n) });
    }
    items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.order - b.order));
    box.replaceChildren(...items.map((i) => i.node));
    if (atBottom || force_scroll) box.scrollTop = box.scrollHeight;
    force_scroll = false;
  }
  let force_scroll = true;

  function drawThread(state) {
    const pane = $("thread");
    const channel = state.channels.find((c) => c.id === view.channel);
    const root = channel && channel.messages.find((m) => m.ts === view.thread);
    pane.hidden = !root;
    if (!root) return;
    $("thread-messages").replaceChildren(messageNode(state, channel, root, true),
      ...(root.replies || []).map((r) => messageNode(state, channel, r, true)));
  }

  function drawModal(state) {
    const modal = state.modal;
    const backdrop = $("modal-backdrop");
    if (!modal) { backdrop.hidden = true; view.modalHash = null; return; }
    const key = `${modal.view.hash}|${JSON.stringify(modal.errors)}`;
    if (key === view.modalHash && !backdrop.hidden) return;
    view.modalHash = key;
    const v = modal.view;
    $("modal-title").textContent = Blocks.unescapeSlack((v.title && v.title.text) || "");
    $("modal-submit").textContent = (v.submit && v.submit.text) || "Submit";
    $("modal-cancel").textContent = (v.close && v.close.text) || "Cancel";
    $("modal-submit").hidden = !v.submit;
    const general = modal.errors[""];
    $("modal-error").hidden = !general;
    $("modal-error").textContent = general || "";
    $("modal-blocks").replaceChildren(Blocks.render(v.blocks, { names: names(state), form: true,
      errors: modal.errors, people: state.people, onClick: () => {} }));
    backdrop.hidden = false;
    backdrop.dataset.viewId = modal.view_id;
    const first = $("modal-blocks").querySelector("input, textarea, select");
    if (first) first.focus();
  }

  function click(channel, element, where) {
    return post("click", { user: view.user, channel, action: element, ...where });
  }

  async function send(event) {
    event.preventDefault();
    const box = $("message");
    const text = box.value.trim();
    if (!text || !view.channel) return;
    box.value = "";
    force_scroll = true;
    await post("command", { user: view.user, channel: view.channel, text });
  }

  function init() {
    $("composer").addEventListener("submit", send);
    $("message").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
    });
    $("act-as").addEventListener("change", (e) => {
      view.user = e.target.value;
      localStorage.setItem("user", view.user);
      view.version = null;
      refresh(true);
    });
    $("thread-close").addEventListener("click", () => { view.thread = null; $("thread").hidden = true; });
    $("modal-form").addEventListener("submit", (e) => {
      e.preventDefault();
      post("submit", { user: view.user, view_id: $("modal-backdrop").dataset.viewId,
        values: Inputs.read($("modal-blocks")) });
    });
    $("modal-cancel").addEventListener("click", () => post("close", { user: view.user }));
    $("modal-x").addEventListener("click", () => post("close", { user: view.user }));
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !$("modal-backdrop").hidden) post("close", { user: view.user });
    });
    for (const b of document.querySelectorAll("[data-fault]")) {
      b.addEventListener("click", () => post("fault", { kind: b.dataset.fault }));
    }
    refresh(true);
    setInterval(() => refresh(false), 700);
  }

  return { init, view };
})();

App.init();
