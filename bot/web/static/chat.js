// Web chat: talks to POST /api/chat, keeps an anonymous id, retries with the same message id.
(function () {
  "use strict";
  var ID_KEY = "migrasi-aman-user";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var busy = false;

  function randomId(prefix) {
    var bytes = new Uint8Array(12);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return prefix + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function userId() {
    var id = null;
    try { id = window.localStorage.getItem(ID_KEY); } catch (e) { id = null; }
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      id = randomId("w");
      try { window.localStorage.setItem(ID_KEY, id); } catch (e) { /* private mode */ }
    }
    return id;
  }

  // The bot marks emphasis as *bold*; build it from text nodes so nothing is parsed as HTML.
  function fill(element, text) {
    var pattern = /\*([^*\n]+)\*/g, last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      element.appendChild(document.createTextNode(text.slice(last, match.index)));
      var strong = document.createElement("strong");
      strong.textContent = match[1];
      element.appendChild(strong);
      last = pattern.lastIndex;
    }
    element.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubble(text, who) {
    var p = document.createElement("p");
    p.className = "msg " + who;
    fill(p, text);
    log.appendChild(p);
    log.scrollTop = log.scrollHeight;
    return p;
  }

  function choices(list, title) {
    if (!list.length) { return; }
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
    log.scrollTop = log.scrollHeight;
  }

  function setBusy(on) {
    busy = on;
    input.disabled = on;
    sendButton.disabled = on;
    Array.prototype.forEach.call(log.querySelectorAll(".choices button"), function (b) {
      b.disabled = on;
    });
    statusLine.textContent = on ? "mengirim..." : "";
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
      statusLine.textContent = "Koneksi lambat, mencoba lagi...";
      return wait(1500 * Math.pow(2, attempt)).then(function () { return post(body, attempt + 1); });
    });
  }

  function send(text, payload, label) {
    if (busy) { return; }
    var body = { user_id: userId(), message_id: randomId("m") };
    if (payload) { body.payload = payload; } else { body.text = text; }
    if (label !== false) { bubble(label || text, "user"); }
    setBusy(true);
    post(body, 0).then(function (data) {
      if (data.rejected) {
        bubble("Maaf, pesan itu tidak bisa diproses. Coba tulis lebih singkat.", "bot error");
      }
      showReplies(data.replies);
    }).catch(function () {
      bubble("Pesan belum terkirim. Periksa koneksi Anda, lalu coba lagi.", "bot error");
    }).then(function () {
      setBusy(false);
      input.focus();
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

  // Messages from an officer arrive later: fetch them now and then, and when the tab returns.
  function showReplies(replies) {
    (replies || []).forEach(function (reply) {
      bubble(reply.text, "bot");
      choices((reply.buttons || []).concat(reply.options || []), reply.options_title);
    });
  }

  function checkInbox() {
    if (busy || document.hidden) { return; }
    fetch("/api/chat/inbox?user_id=" + encodeURIComponent(userId()))
      .then(function (response) { return response.ok ? response.json() : { replies: [] }; })
      .then(function (data) { showReplies(data.replies); })
      .catch(function () { /* offline: try again at the next tick */ });
  }

  setInterval(checkInbox, 20000);
  document.addEventListener("visibilitychange", checkInbox);

  send("halo", null, false);
}());
