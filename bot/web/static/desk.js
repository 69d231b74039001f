// Officer desk queue: poll for new cases and announce them (a "baru" badge; an urgent case
// also gets a red alert and a short tone). Progressive: without this script the queue still
// works by reloading. No personal data travels: only case numbers and priorities.
(function () {
  "use strict";
  var queue = document.getElementById("antrian");
  var banner = document.getElementById("baru");
  if (!queue || !banner) return;
  var known = new Set((queue.dataset.known || "").split(",").filter(Boolean));
  var every = Math.max(1000, parseInt(queue.dataset.pollMs || "20000", 10));
  var audio = null;

  // Browsers allow sound only after the officer touched the page once.
  document.addEventListener("click", function () {
    if (!audio && window.AudioContext) audio = new AudioContext();
  }, { once: true });

  function tone() {
    if (!audio) return;
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.frequency.value = 880;
    gain.gain.value = 0.2;
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start();
    oscillator.stop(audio.currentTime + 0.6);
    banner.dataset.tones = String(Number(banner.dataset.tones || 0) + 1);
  }

  function announce(fresh) {
    var urgent = fresh.filter(function (item) { return item.urgent; }).length;
    banner.hidden = false;
    banner.className = urgent ? "live urgent" : "live";
    banner.setAttribute("role", urgent ? "alert" : "status");
    var text = urgent ? banner.dataset.urgentText : banner.dataset.newText;
    banner.querySelector(".count").textContent = String(fresh.length);
    banner.querySelector(".text").textContent = text;
    document.title = "(" + fresh.length + ") " + document.title.replace(/^\(\d+\) /, "");
    if (urgent) tone();
  }

  var fresh = [];
  function poll() {
    fetch("/petugas/antrian.json", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        data.cases.forEach(function (item) {
          var id = String(item.id);
          if (!known.has(id)) {
            known.add(id);
            fresh.push(item);
          }
        });
        if (fresh.length) announce(fresh);
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .finally(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
})();
