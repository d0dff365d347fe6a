// upperback web app: rest and work timers, video seeking, plotly charts, upload progress.
// Plain JavaScript, no build step; every page also works without it (forms post normally).
(function () {
  "use strict";

  // ------------------------------------------------------------ sound and vibration
  let audio = null;
  function signal() {
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.6);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.6);
    } catch (e) { /* no sound available: the screen still shows the time */ }
  }

  function clock(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  // ------------------------------------------------------------ countdown
  function countdown(seconds, onTick, onDone) {
    const end = Date.now() + seconds * 1000;
    let timer = null;
    function tick() {
      const left = (end - Date.now()) / 1000;
      onTick(left);
      if (left <= 0) {
        clearInterval(timer);
        onDone();
      }
    }
    timer = setInterval(tick, 250);
    tick();
    return function cancel() { clearInterval(timer); };
  }

  // ------------------------------------------------------------ rest timer (after a logged set)
  let stopRest = null;
  function startRest(seconds) {
    const bar = document.getElementById("rest-timer");
    if (!bar || !seconds) return;
    const face = bar.querySelector("[data-clock]");
    const label = bar.querySelector(".rest-label");
    if (stopRest) stopRest();
    bar.hidden = false;
    bar.classList.remove("rest-over");
    label.textContent = "Rest";
    stopRest = countdown(seconds, function (left) { face.textContent = clock(left); }, function () {
      label.textContent = "Next set";
      face.textContent = "Go";
      bar.classList.add("rest-over");
      signal();
      setTimeout(function () { hideRest(bar); }, 4000);
    });
  }

  // The rest timer sits in the page, under the set just logged, so it never covers a control;
  // the next set is scrolled into sight below it.
  let postedRow = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    const row = event.detail.elt.closest && event.detail.elt.closest(".set-row");
    postedRow = row ? row.id : null;
  });
  document.addEventListener("htmx:afterSettle", placeRest);
  function placeRest() {  // after htmx has settled the logged set in, and on rest-start
    const bar = document.getElementById("rest-timer");
    const logged = postedRow && document.getElementById(postedRow);
    if (!bar || bar.hidden || !logged || !logged.classList.contains("logged")) return;
    logged.appendChild(bar);
    bar.classList.add("in-place");
    const rows = Array.from(document.querySelectorAll(".set-row"));
    const next = rows.slice(rows.indexOf(logged) + 1).find(function (row) { return !row.classList.contains("logged"); });
    (next || bar).scrollIntoView({ block: "nearest" });
  }

  function hideRest(bar) {
    bar.hidden = true;
  }

  document.addEventListener("rest-start", function (event) {
    startRest(event.detail && event.detail.seconds);
    placeRest();
  });

  document.addEventListener("click", function (event) {
    const skip = event.target.closest("[data-timer-skip]");
    if (skip) {
      if (stopRest) stopRest();
      hideRest(document.getElementById("rest-timer"));
    }
  });

  // ------------------------------------------------------------ work timer (timed sets: carries, holds)
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-work-timer]");
    if (!button) return;
    const seconds = Number(button.getAttribute("data-work-timer"));
    const original = button.textContent;
    if (button.stop) {  // a second tap stops it early
      button.stop();
      return;
    }
    const started = Date.now();
    button.classList.add("running");
    function finish() {
      const elapsed = Math.round((Date.now() - started) / 1000);
      button.stop = null;
      button.classList.remove("running");
      button.textContent = original;
      const item = button.closest("[data-item]");
      const field = item && item.querySelector("input[data-seconds]");
      if (field && !field.value) field.value = String(elapsed);
    }
    const cancel = countdown(seconds, function (left) {
      button.textContent = "■ " + clock(left);
    }, function () { signal(); finish(); });
    button.stop = function () { cancel(); finish(); };
  });

  // ------------------------------------------------------------ report: jump the video to a moment
  document.addEventListener("click", function (event) {
    const seek = event.target.closest("[data-seek]");
    if (!seek) return;
    const video = document.getElementById("report-video");
    if (!video) return;
    video.currentTime = Number(seek.getAttribute("data-seek"));
    video.scrollIntoView({ behavior: "smooth", block: "center" });
    video.play().catch(function () { /* autoplay may be blocked; the frame is shown anyway */ });
  });

  // ------------------------------------------------------------ charts (plotly.js served by the app)
  function drawCharts() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-plotly]").forEach(function (el) {
      const source = document.getElementById(el.getAttribute("data-plotly"));
      if (!source || el.dataset.drawn) return;
      const figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(el, figure.data, figure.layout, { responsive: true, displaylogo: false, displayModeBar: false });
      el.dataset.drawn = "1";
    });
  }

  // ------------------------------------------------------------ upload with a progress bar
  function enhanceUpload(form) {
    form.addEventListener("submit", function (event) {
      if (!window.XMLHttpRequest || !window.FormData) return;  // plain form post
      event.preventDefault();
      const box = form.querySelector("[data-upload-progress]");
      const bar = box.querySelector("progress");
      const text = box.querySelector("[data-upload-text]");
      const button = form.querySelector("button[type=submit]");
      box.hidden = false;
      button.disabled = true;
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          text.textContent = "Uploading… " + bar.value + "%";
        }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status < 400 && xhr.responseURL && xhr.responseURL !== form.action) {
          window.location.assign(xhr.responseURL);
          return;
        }
        document.open();
        document.write(xhr.responseText);  // the server's error page
        document.close();
      });
      xhr.addEventListener("error", function () {
        button.disabled = false;
        text.textContent = "The upload was interrupted. Check the connection and try again.";
      });
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    document.querySelectorAll("form[data-upload]").forEach(enhanceUpload);
  });
  window.addEventListener("load", drawCharts);
})();
