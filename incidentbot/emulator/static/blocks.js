// Block Kit, drawn as Slack draws it (enough of it for what an app sends): header, section (text, fields,
// accessory), context, divider, actions (buttons), image, and for modals the input blocks (plain_text_input,
// static_select, users_select, checkboxes, radio_buttons, datepicker). Plain DOM, no library.
"use strict";

const Blocks = (() => {
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  // Slack mrkdwn → safe HTML. Slack escapes &, < and > in text; <…> are links and mentions. Inside ```code
  // blocks``` and `code` nothing is formatted (Slack shows _x_ and *x* there as typed).
  function mrkdwn(text, names) {
    return text.split(/(```[\s\S]*?```)/g).map((part, i) => (i % 2
      ? `<pre>${verbatim(part.slice(3, -3).replace(/^\n/, ""), names)}</pre>` : formatted(part, names))).join("");
  }

  function verbatim(text, names) {
    return text.split(/(<[^<>]+>)/g).map((part, i) => (i % 2 ? special(part.slice(1, -1), names)
      : escapeHtml(unescapeSlack(part)))).join("");
  }

  function formatted(text, names) {
    return text.split(/(`[^`\n]+`)/g).map((part, i) => (i % 2 ? `<code>${verbatim(part.slice(1, -1), names)}</code>`
      : linked(part, names))).join("");
  }

  function linked(text, names) {
    const parts = [];
    const re = /<([^<>]+)>/g;
    let last = 0, m;
    while ((m = re.exec(text)) !== null) {
      parts.push(inline(text.slice(last, m.index)));
      parts.push(special(m[1], names));
      last = re.lastIndex;
    }
    parts.push(inline(text.slice(last)));
    return parts.join("");
  }

  function unescapeSlack(text) {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function inline(raw) {
    let html = escapeHtml(unescapeSlack(raw));
    html = html.replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, "$1<b>$2</b>");
    html = html.replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, "$1<i>$2</i>");
    html = html.replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, "$1<s>$2</s>");
    html = html.replace(/^&gt; ?(.*)$/gm, "<q>$1</q>");
    return html.replace(/\n/g, "<br>");
  }

  function special(inside, names) {
    const [target, label] = inside.split("|", 2);
    if (target.startsWith("@")) {
      const id = target.slice(1);
      return `<span class="mention">@${escapeHtml(label || names.users[id] || id)}</span>`;
    }
    if (target.startsWith("#")) {
      const id = target.slice(1);
      return `<span class="mention">#${escapeHtml(label || names.channels[id] || id)}</span>`;
    }
    if (target.startsWith("!date^")) return `<time>${escapeHtml(unescapeSlack(label || ""))}</time>`;
    if (target.startsWith("!")) return `<span class="mention">@${escapeHtml(label || target.slice(1))}</span>`;
    const href = /^https?:\/\//.test(target) ? target : "#";
    return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${escapeHtml(unescapeSlack(label || target))}</a>`;
  }

  function textNode(obj, names, cls) {
    const node = el("div", { class: cls || "text" });
    if (!obj) return node;
    if (obj.type === "mrkdwn") node.innerHTML = mrkdwn(obj.text || "", names);
    else node.textContent = unescapeSlack(obj.text || "");
    return node;
  }

  function button(element, onClick) {
    const style = element.style ? ` ${element.style}` : "";
    return el("button", {
      type: "button", class: `block-button${style}`, "data-action-id": element.action_id,
      onclick: () => onClick(element),
    }, element.text ? unescapeSlack(element.text.text || "") : "Button");
  }

  // A message's blocks (read-only but for buttons). ctx: {names, onClick(element, block)}.
  function render(blocks, ctx) {
    const box = el("div", { class: "blocks" });
    for (const block of blocks || []) {
      const drawn = renderBlock(block, ctx);
      if (drawn) box.append(drawn);
    }
    return box;
  }

  function renderBlock(block, ctx) {
    const click = (element) => ctx.onClick({ ...element, block_id: element.block_id || block.block_id || "" });
    switch (block.type) {
      case "header":
        return el("div", { class: "block header" }, textNode(block.text, ctx.names, "header-text"));
      case "divider":
        return el("hr", { class: "block divider" });
      case "section": {
        const node = el("div", { class: "block section" });
        const body = el("div", { class: "section-body" });
        if (block.text) body.append(textNode(block.text, ctx.names));
        if (block.fields) {
          body.append(el("div", { class: "fields" }, block.fields.map((f) => textNode(f, ctx.names, "field"))));
        }
        node.append(body);
        if (block.accessory && block.accessory.type === "button") node.append(button(block.accessory, click));
        return node;
      }
      case "context":
        return el("div", { class: "block context" }, (block.elements || []).map((e) =>
          e.type === "image" ? el("span", { class: "context-image", title: e.alt_text || "" }, "▪")
            : textNode(e, ctx.names, "context-text")));
      case "actions":
        return el("div", { class: "block actions" }, (block.elements || [])
          .filter((e) => e.type === "button").map((e) => button(e, click)));
      case "image":
        return el("div", { class: "block image" }, `[image: ${block.alt_text || ""}]`);
      case "input":
        return ctx.form ? Inputs.render(block, ctx) : null;
      default:
        return el("div", { class: "block unknown" }, `[${block.type} block]`);
    }
  }

  return { el, render, mrkdwn, textNode, unescapeSlack };
})();

// The input blocks of a modal, and reading their state back as Slack's view.state.values.
const Inputs = (() => {
  const { el } = Blocks;
  let counter = 0;

  function render(block, ctx) {
    const e = block.element || {};
    const id = `input-${++counter}`;
    const labelText = Blocks.unescapeSlack((block.label && block.label.text) || "");
    const wrap = el("div", { class: "block input", "data-block-id": block.block_id, "data-action-id": e.action_id,
      "data-type": e.type });
    const control = field(e, id, { ...ctx, optional: Boolean(block.optional) });
    const label = el("label", { for: id, class: "input-label" }, labelText, block.optional ? el("span",
      { class: "optional" }, " (optional)") : null);
    wrap.append(label, control);
    if (block.hint) wrap.append(Blocks.textNode(block.hint, ctx.names, "hint"));
    const error = ctx.errors && ctx.errors[block.block_id];
    if (error) wrap.append(el("div", { class: "input-error", role: "alert" }, error));
    return wrap;
  }

  function option(o, selected) {
    return el("option", { value: o.value, selected }, Blocks.unescapeSlack(o.text.text || ""));
  }

  function field(e, id, ctx) {
    const placeholder = e.placeholder ? e.placeholder.text : undefined;
    // Slack will not send a form whose required inputs are empty or whose text breaks its length limits: the
    // browser's own form validation does the same here (a required input is one not marked optional).
    const required = !ctx.optional;
    switch (e.type) {
      case "plain_text_input": {
        const limits = { id, placeholder, required, maxlength: e.max_length, minlength: e.min_length };
        if (e.multiline) return el("textarea", { ...limits, rows: 4 }, e.initial_value || "");
        return el("input", { ...limits, type: "text", value: e.initial_value || "" });
      }
      case "static_select": {
        const initial = e.initial_option ? e.initial_option.value : null;
        const groups = e.option_groups ? e.option_groups.map((g) => el("optgroup",
          { label: Blocks.unescapeSlack(g.label.text || "") }, g.options.map((o) => option(o, o.value === initial))))
          : (e.options || []).map((o) => option(o, o.value === initial));
        return el("select", { id, required }, el("option", { value: "" }, placeholder || "Choose…"), groups);
      }
      case "users_select":
        return el("select", { id, required }, el("option", { value: "" }, placeholder || "Choose a person…"),
          ctx.people.map((p) => el("option", { value: p.id, selected: p.id === e.initial_user },
            `${p.name} (${p.real_name})`)));
      case "checkboxes":
      case "radio_buttons": {
        const initial = new Set((e.initial_options || (e.initial_option ? [e.initial_option] : []))
          .map((o) => o.value));
        const kind = e.type === "checkboxes" ? "checkbox" : "radio";
        return el("div", { id, class: "choices", role: "group" }, (e.options || []).map((o, i) => {
          const oid = `${id}-${i}`;
          return el("div", { class: "choice" },
            el("input", { id: oid, type: kind, name: id, value: o.value, checked: initial.has(o.value) }),
            el("label", { for: oid }, Blocks.unescapeSlack(o.text.text || "")));
        }));
      }
      case "datepicker":
        return el("input", { id, type: "date", required, value: e.initial_date || "" });
      default:
        return el("div", { id }, `[${e.type}]`);
    }
  }

  function read(form) {
    const values = {};
    for (const wrap of form.querySelectorAll(".block.input")) {
      const type = wrap.dataset.type;
      const control = wrap.querySelector("input, textarea, select");
      let state;
      if (type === "plain_text_input") state = { type, value: control.value === "" ? null : control.value };
      else if (type === "static_select") {
        const chosen = control.selectedOptions[0];
        state = { type, selected_option: chosen && chosen.value ? {
          text: { type: "plain_text", text: chosen.textContent, emoji: true }, value: chosen.value } : null };
      } else if (type === "users_select") state = { type, selected_user: control.value || null };
      else if (type === "checkboxes") {
        state = { type, selected_options: [...wrap.querySelectorAll("input:checked")].map((i) => ({
          text: { type: "plain_text", text: i.nextSibling.textContent }, value: i.value })) };
      } else if (type === "radio_buttons") {
        const i = wrap.querySelector("input:checked");
        state = { type, selected_option: i ? { text: { type: "plain_text", text: i.nextSibling.textContent },
          value: i.value } : null };
      } else if (type === "datepicker") state = { type, selected_date: control.value || null };
      else continue;
      values[wrap.dataset.blockId] = { [wrap.dataset.actionId]: state };
    }
    return values;
  }

  return { render, read };
})();
