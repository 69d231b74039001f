// Web chat: talks to /api/chat, keeps its place across reloads, and never parses text as HTML.
(function () {
  "use strict";
  var ID_KEY = "migrasi-aman-user";
  var HISTORY_KEY = "migrasi-aman-history";
  var LANG_KEY = "migrasi-aman-lang";
  var MAX_HISTORY = 80;
  var SHAREABLE = 120; // answers worth sharing; menus and short prompts get no share button
  var BASE_TITLE = document.title;
  var EXIT_URL = "https://www.google.com/";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var notice = document.getElementById("notice");
  var langButton = document.getElementById("lang");
  var exitButton = document.getElementById("exit");
  var busy = false;
  var unseen = 0;
  var unseenFirst = null;
  var lang = "id";

  // The page's own words; the bot's answers come translated from the server.
  var UI = {
    id: {
      sub: "Informasi kerja ke luar negeri yang aman dan resmi", exit: "Keluar cepat",
      notice: "Ada balasan dari petugas. Lihat", label: "Tulis pertanyaan Anda",
      send: "Kirim", placeholder: "Tulis pertanyaan Anda di sini…", sending: "mengirim...",
      slow: "Koneksi lambat, mencoba lagi...", share: "Bagikan", copied: "Jawaban disalin.",
      rejected: "Maaf, pesan itu tidak bisa diproses. Coba tulis lebih singkat.",
      offline: "Pesan belum terkirim. Periksa koneksi Anda, lalu coba lagi.",
      resume: "Pendaftaran Anda untuk petugas belum selesai. Lanjutkan?",
      resumeYes: "Lanjutkan", resumeNo: "Menu utama", otherLang: "English", otherCode: "en",
      conversation: "Percakapan",
      note: "Darurat di Indonesia? Telepon Polisi 110, atau KP2MI 0800-1000 (bebas pulsa) / " +
        "WhatsApp 0811-8080-141."
    },
    en: {
      sub: "Safe, official information about working abroad", exit: "Quick exit",
      notice: "An officer has replied. View", label: "Write your question",
      send: "Send", placeholder: "Write your question here…", sending: "sending...",
      slow: "Slow connection, trying again...", share: "Share", copied: "Answer copied.",
      rejected: "Sorry, that message could not be processed. Try writing it shorter.",
      offline: "Message not sent. Check your connection, then try again.",
      resume: "Your form for an officer is not finished. Continue?",
      resumeYes: "Continue", resumeNo: "Main menu", otherLang: "Bahasa Indonesia",
      otherCode: "id", conversation: "Conversation",
      note: "Emergency in Indonesia? Call the police on 110, or KP2MI 0800-1000 (toll-free) / " +
        "WhatsApp 0811-8080-141."
    }
  };

  function t(key) { return (UI[lang] || UI.id)[key]; }

  function store(key, value) {
    try {
      if (value === null) { window.localStorage.removeItem(key); }
      else { window.localStorage.setItem(key, value); }
    } catch (e) { /* private mode: the server history still works */ }
  }

  function read(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function randomId(prefix) {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return prefix + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function userId() {
    var id = read(ID_KEY);
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      id = randomId("w");
      store(ID_KEY, id);
    }
    return id;
  }

  function loadHistory() {
    try {
      var list = JSON.parse(read(HISTORY_KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }

  function remember(entry) {
    var list = loadHistory();
    list.push(entry);
    store(HISTORY_KEY, JSON.stringify(list.slice(-MAX_HISTORY)));
  }

  // --- text to DOM: *bold*, links and phone numbers, built from text nodes only ---

  var LINK = /https?:\/\/[^\s<>"')]+[^\s<>"').,;:!?]/g;
  // International or Indonesian numbers of 7+ digits ("0811-8080-141", "+62 21 2924 4800"),
  // and the short emergency numbers when a word nearby says to call ("Polisi 110 ... atau 112").
  var PHONE = /(\+?\d[\d -]{5,}\d)|\b(11[029])\b/g;
  var CALL_WORD = /(telepon|telp|polisi|police|call|hubungi|darurat|emergency|hotline)/i;

  function digits(text) { return text.replace(/[^\d+]/g, ""); }

  function appendLink(element, label, href) {
    var a = document.createElement("a");
    a.textContent = label;
    a.setAttribute("href", href);
    if (href.indexOf("https://") === 0 || href.indexOf("http://") === 0) {
      a.setAttribute("target", "_blank");
      a.setAttribute("rel", "noopener noreferrer");
    }
    element.appendChild(a);
  }

  function safeUrl(text) {
    try {
      var url = new URL(text);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) { return null; }
  }

  function phoneHref(number, before) {
    var plain = digits(number);
    if (plain.replace("+", "").length < 3) { return null; }
    if (/whats\s*app|\bWA\b/i.test(before.slice(-16))) {
      var wa = plain.replace(/^\+/, "").replace(/^0/, "62");
      return wa.length >= 9 ? "https://wa.me/" + wa : null;
    }
    return "tel:" + plain;
  }

  function linkify(element, text) {
    var pieces = [];
    var match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(text)) !== null) {
      var url = safeUrl(match[0]);
      if (url) { pieces.push({ start: match.index, end: LINK.lastIndex, href: url }); }
    }
    PHONE.lastIndex = 0;
    while ((match = PHONE.exec(text)) !== null) {
      var number = match[1] || match[2];
      var start = match.index + match[0].indexOf(number);
      var end = start + number.length;
      var inside = pieces.some(function (p) { return start < p.end && end > p.start; });
      var plain = digits(number).replace("+", "");
      if (inside || (match[1] && plain.length < 7)) { continue; }
      if (match[2] && !CALL_WORD.test(text.slice(Math.max(0, start - 40), start))) { continue; }
      var href = phoneHref(number, text.slice(0, start));
      if (href) { pieces.push({ start: start, end: end, href: href }); }
    }
    pieces.sort(function (a, b) { return a.start - b.start; });
    var last = 0;
    pieces.forEach(function (piece) {
      element.appendChild(document.createTextNode(text.slice(last, piece.start)));
      appendLink(element, text.slice(piece.start, piece.end), piece.href);
      last = piece.end;
    });
    element.appendChild(document.createTextNode(text.slice(last)));
  }

  function fill(element, text) {
    var pattern = /\*([^*\n]+)\*/g, last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      linkify(element, text.slice(last, match.index));
      var strong = document.createElement("strong");
      linkify(strong, match[1]);
      element.appendChild(strong);
      last = pattern.lastIndex;
    }
    linkify(element, text.slice(last));
  }

  // --- bubbles ---

  function timeLabel(iso) {
    if (!iso) { return ""; }
    var when = new Date(iso);
    if (isNaN(when.getTime())) { return ""; }
    try {
      return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "id-ID", {
        hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      }).format(when);
    } catch (e) { return when.toLocaleTimeString(); }
  }

  function share(text) {
    if (navigator.share) {
      navigator.share({ text: text }).catch(function () { /* the user closed the sheet */ });
      return;
    }
    var done = function () { statusLine.textContent = t("copied"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { copyByHand(text); done(); });
    } else {
      copyByHand(text);
      done();
    }
  }

  function copyByHand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }

  function bubble(entry) {
    var p = document.createElement("p");
    p.className = "msg " + entry.who + (entry.urgent ? " urgent" : "");
    if (entry.urgent) { p.setAttribute("role", "alert"); }
    fill(p, entry.text);
    log.appendChild(p);
    var meta = document.createElement("div");
    meta.className = "meta " + entry.who;
    var time = timeLabel(entry.at);
    if (time) {
      var stamp = document.createElement("span");
      stamp.textContent = time;
      meta.appendChild(stamp);
    }
    if (entry.who === "bot" && !entry.ours && entry.text.length > SHAREABLE) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "share";
      b.textContent = t("share");
      b.addEventListener("click", function () { share(entry.text); });
      meta.appendChild(b);
    }
    log.appendChild(meta);
    return p;
  }

  function choices(list, title) {
    if (!list || !list.length) { return; }
    var group = document.createElement("div");
    group.className = "choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", title || "Pilihan");
    list.forEach(function (choice) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = choice.label;
      b.addEventListener("click", function () { send(null, choice.payload, choice.label); });
      group.appendChild(b);
    });
    log.appendChild(group);
  }

  function clearChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".choices"), function (group) {
      group.parentNode.removeChild(group);
    });
  }

  // Show the start of a new answer at the top of the log, not the end of its source list.
  function scrollToStart(element) {
    log.scrollTop = Math.max(0, element.offsetTop - 8);
  }

  function scrollToEnd() { log.scrollTop = log.scrollHeight; }

  function showReplies(replies, fromOfficer) {
    var first = null;
    (replies || []).forEach(function (reply) {
      var entry = {
        who: "bot", text: reply.text, urgent: !!reply.urgent, at: new Date().toISOString(),
        choices: (reply.buttons || []).concat(reply.options || []), title: reply.options_title
      };
      var element = bubble(entry);
      first = first || element;
      // Keep the choices on screen until a message brings new ones (an officer's note has none).
      if (entry.choices.length) {
        clearChoices();
        choices(entry.choices, entry.title);
      }
      remember(entry);
    });
    // A late officer's answer does not move the page under the reader: the notice points to it.
    if (first && !fromOfficer) { scrollToStart(first); }
    if (first && fromOfficer) { announce(first); }
    return first;
  }

  // An officer's answer arrives later, maybe while the tab is hidden: say so on the page and
  // in the tab title.
  function announce(element) {
    unseen += 1;
    unseenFirst = unseenFirst || element;
    notice.hidden = false;
    document.title = "(" + unseen + ") " + BASE_TITLE;
  }

  function clearNotice() {
    unseen = 0;
    unseenFirst = null;
    notice.hidden = true;
    document.title = BASE_TITLE;
  }

  notice.addEventListener("click", function () {
    if (unseenFirst) { scrollToStart(unseenFirst); }
    clearNotice();
  });

  function setBusy(on) {
    busy = on;
    input.disabled = on;
    sendButton.disabled = on;
    Array.prototype.forEach.call(log.querySelectorAll(".choices button"), function (b) {
      b.disabled = on;
    });
    statusLine.textContent = on ? t("sending") : "";
  }

  function wait(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }

  // Retries keep the same message_id, so the server answers a repeat only once.
  function post(body, attempt) {
    var controller = "AbortController" in window ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, 30000) : null;
    return fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (timer) { clearTimeout(timer); }
      if (response.status >= 500 || response.status === 429) { throw new Error("server"); }
      if (!response.ok) { return { replies: [], rejected: true }; }
      return response.json();
    }).catch(function (error) {
      if (timer) { clearTimeout(timer); }
      if (attempt >= 3) { throw error; }
      statusLine.textContent = t("slow");
      return wait(1500 * Math.pow(2, attempt)).then(function () { return post(body, attempt + 1); });
    });
  }

  function send(text, payload, label) {
    if (busy) { return; }
    var body = { user_id: userId(), message_id: randomId("m") };
    if (payload) { body.payload = payload; } else { body.text = text; }
    if (label !== false) {
      var entry = { who: "user", text: label || text, at: new Date().toISOString() };
      bubble(entry);
      remember(entry);
      scrollToEnd();
    }
    clearChoices();
    if (payload && payload.indexOf("lang:") === 0) { setLang(payload.slice(5)); }
    setBusy(true);
    post(body, 0).then(function (data) {
      if (data.rejected) {
        bubble({ who: "bot error", text: t("rejected") });
      }
      showReplies(data.replies, false);
    }).catch(function () {
      bubble({ who: "bot error", text: t("offline") });
    }).then(function () {
      setBusy(false);
      input.focus({ preventScroll: true });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text, null, null);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  function checkInbox() {
    if (busy) { return; }
    fetch("/api/chat/inbox?user_id=" + encodeURIComponent(userId()))
      .then(function (response) { return response.ok ? response.json() : { replies: [] }; })
      .then(function (data) { showReplies(data.replies, true); })
      .catch(function () { /* offline: try again at the next tick */ });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { checkInbox(); }
  });
  log.addEventListener("scroll", function () {
    if (!unseenFirst) { return; }
    var top = unseenFirst.offsetTop;
    if (top >= log.scrollTop && top < log.scrollTop + log.clientHeight) { clearNotice(); }
  });

  // --- language ---

  function setLang(code) {
    if (!UI[code]) { return; }
    lang = code;
    store(LANG_KEY, code);
    document.documentElement.setAttribute("lang", code);
    Array.prototype.forEach.call(document.querySelectorAll("[data-ui]"), function (element) {
      element.textContent = t(element.getAttribute("data-ui"));
    });
    input.setAttribute("placeholder", t("placeholder"));
    log.setAttribute("aria-label", t("conversation"));
    langButton.textContent = t("otherLang");
    langButton.setAttribute("lang", t("otherCode"));
    var note = document.getElementById("note");
    note.textContent = "";
    fill(note, t("note"));
  }

  langButton.addEventListener("click", function () {
    var code = t("otherCode");
    send(null, "lang:" + code, t("otherLang"));
  });

  // --- quick exit: clear the screen, this browser's history and the server's, then leave ---

  exitButton.addEventListener("click", function () {
    var id = read(ID_KEY);
    log.textContent = "";
    clearNotice();
    store(HISTORY_KEY, null);
    store(LANG_KEY, null);
    var done = function () { window.location.replace(EXIT_URL); };
    if (!id) { done(); return; }
    fetch("/api/chat/forget", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user_id: id }),
      keepalive: true
    }).then(done, done);
  });

  // --- start: restore the conversation, or greet a new visitor ---

  function restore(entries) {
    var lastBot = null;
    entries.forEach(function (entry) {
      var element = bubble(entry);
      if (entry.who === "bot") { lastBot = { element: element, entry: entry }; }
    });
    if (lastBot) { choices(lastBot.entry.choices, lastBot.entry.title); }
    scrollToEnd();
  }

  function offerResume() {
    var entry = { who: "bot", text: t("resume"), ours: true };
    var element = bubble(entry);
    clearChoices();
    choices([
      { label: t("resumeYes"), payload: "petugas" },
      { label: t("resumeNo"), payload: "menu" }
    ], t("resume"));
    scrollToStart(element);
  }

  function start() {
    setLang(read(LANG_KEY) || "id");
    var local = loadHistory();
    if (local.length) { restore(local); }
    fetch("/api/chat/history?user_id=" + encodeURIComponent(userId()))
      .then(function (response) { return response.ok ? response.json() : { messages: [] }; })
      .catch(function () { return { messages: [], offline: true }; })
      .then(function (data) {
        if (data.locale && !read(LANG_KEY)) { setLang(data.locale); }
        var server = data.messages || [];
        if (!local.length && server.length) {
          restore(server);
          store(HISTORY_KEY, JSON.stringify(server.slice(-MAX_HISTORY)));
        }
        if (data.unfinished_form) {
          offerResume();
        } else if (!local.length && !server.length && !data.offline) {
          send("/start", null, false);
        }
        checkInbox();
      });
    setInterval(checkInbox, 15000);
  }

  start();
}());
