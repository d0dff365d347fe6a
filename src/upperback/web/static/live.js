// upperback live coach: camera frames to the server over a WebSocket, the coach's answer drawn
// over the mirrored video, cues spoken. Plain JavaScript, no build step.
(function () {
  "use strict";
  const root = document.querySelector("[data-live]");
  if (!root) return;

  const $ = function (selector) { return root.querySelector(selector); };
  const rate = Number(root.dataset.rate) || 10;
  const edges = JSON.parse(root.dataset.edges || "[]");
  const MAX_WIDTH = 640;  // the server shrinks wider pictures to this before BlazePose anyway
  const JPEG_QUALITY = 0.75;
  const video = $("[data-live-video]");
  const overlay = $("[data-live-overlay]");
  const grab = document.createElement("canvas");
  const check = $("[data-live-check]");
  const cueBox = $("[data-live-cue]");
  const muteButton = $("[data-live-mute]");
  const finishButton = $("[data-live-finish]");
  let stream = null;
  let socket = null;
  let timer = null;
  let inFlight = false;
  let lastSpoken = 0;
  let dropped = 0;
  let muted = window.localStorage && localStorage.getItem("upperback.live.muted") === "1";

  function exercise() { return $("[data-live-exercise]").value; }

  function say(text) {
    if (muted || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  }

  function showMute() {
    muteButton.setAttribute("aria-pressed", String(muted));
    muteButton.textContent = muted ? "Unmute cues" : "Mute cues";
  }

  function showCheck(message, ok) {
    check.hidden = !message;
    check.textContent = message || "";
    check.classList.toggle("ok", Boolean(ok));
  }

  // ------------------------------------------------------------ camera and connection
  async function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showCheck("This browser cannot open a camera here. Use a recent Chrome, Edge, Firefox or Safari.", false);
      return;
    }
    try {
      stream = stream || await openCamera();
    } catch (error) {
      showCheck(cameraProblem(error), false);
      check.scrollIntoView({ block: "nearest" });  // below the buttons on a phone: bring it into sight
      root.dataset.cameraError = error && error.name || "Error";
      return;
    }
    delete root.dataset.cameraError;
    video.srcObject = stream;
    await video.play().catch(function () { /* autoplay of a muted stream is allowed */ });
    $("[data-live-stage]").hidden = false;
    $("[data-live-start]").textContent = "Restart";
    finishButton.hidden = false;
    $("[data-live-details]").hidden = false;
    connect();
  }

  async function openCamera() {
    try {
      return await navigator.mediaDevices.getUserMedia(
        { video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    } catch (error) {
      if (error && error.name === "OverconstrainedError") {  // a camera that cannot do 720p: take any size
        return navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      }
      throw error;
    }
  }

  // What went wrong opening the camera, and what to do about it (the names are the browsers' own).
  function cameraProblem(error) {
    const name = error && error.name;
    if (name === "NotFoundError" || name === "DevicesNotFoundError" || name === "OverconstrainedError") {
      return "No camera was found on this device. Connect a webcam, or open this page on a phone or laptop " +
        "that has one, then press Start camera. You can also film your set and upload it under Check form.";
    }
    if (name === "NotAllowedError" || name === "PermissionDeniedError" || name === "SecurityError") {
      return "Camera access is blocked for this page. Allow the camera in your browser (the camera or " +
        "lock icon beside the address, then Camera: Allow), reload the page and press Start camera.";
    }
    if (name === "NotReadableError" || name === "TrackStartError" || name === "AbortError") {
      return "The camera is busy: another app or tab is using it (a video call, for example). Close that, " +
        "then press Start camera again.";
    }
    return "The camera could not be opened. Check that it is connected and not in use, then press Start camera again.";
  }

  function connect() {
    if (socket) socket.close();
    stopCapture();
    showCheck("Starting the coach…", false);
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + "/live/ws?exercise=" + encodeURIComponent(exercise()));
    ws.binaryType = "arraybuffer";
    ws.onmessage = function (event) { if (ws === socket) handle(JSON.parse(event.data)); };
    ws.onclose = function () {
      if (ws !== socket) return;
      stopCapture();
      showCheck("The connection to the coach was lost. Press Restart to carry on.", false);
    };
    socket = ws;
  }

  function startCapture() {
    stopCapture();
    inFlight = false;
    timer = setInterval(capture, 1000 / rate);
  }

  function stopCapture() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  // One frame in flight at a time: a frame due while the last is unanswered is dropped.
  function capture() {
    if (!socket || socket.readyState !== WebSocket.OPEN || video.readyState < 2 || !video.videoWidth) return;
    if (inFlight) { dropped += 1; return; }
    const scale = Math.min(1, MAX_WIDTH / video.videoWidth);
    grab.width = Math.round(video.videoWidth * scale);
    grab.height = Math.round(video.videoHeight * scale);
    grab.getContext("2d").drawImage(video, 0, 0, grab.width, grab.height);
    const captured = performance.now();
    inFlight = true;
    grab.toBlob(function (jpeg) {
      if (!jpeg || !socket || socket.readyState !== WebSocket.OPEN) { inFlight = false; return; }
      const header = new DataView(new ArrayBuffer(8));
      header.setFloat64(0, captured, true);
      socket.send(new Blob([header.buffer, jpeg]));
    }, "image/jpeg", JPEG_QUALITY);
  }

  // ------------------------------------------------------------ the coach's answers
  function handle(message) {
    if (message.error) {
      inFlight = false;
      showCheck(message.error, false);
      return;
    }
    if (message.ready) {
      lastSpoken = 0;
      $("[data-live-summary]").hidden = true;
      finishButton.hidden = false;
      showCheck("Camera check…", false);
      startCapture();
      return;
    }
    inFlight = false;
    render(message);
  }

  function render(state) {
    $("[data-live-reps]").textContent = String(state.reps);
    const phase = $("[data-live-phase]");
    const label = state.found ? state.phase_label || "" : "looking for you";
    phase.textContent = label.charAt(0).toUpperCase() + label.slice(1);
    phase.classList.toggle("live-diagnostic", !state.found);  // shown with the details only
    root.dataset.phase = state.phase;
    drawSkeleton(state.skeleton, state.frame_size);
    if (state.capture_ms !== undefined) {
      const lag = Math.round(performance.now() - state.capture_ms);
      const lagBox = $("[data-live-lag]");
      lagBox.textContent = lag + " ms" + (dropped ? " · " + dropped + " skipped" : "");
      lagBox.dataset.lagMs = String(lag);
    }
    if (state.camera && (!state.camera_ready || !state.camera.ok)) {
      showCheck(state.camera.message, state.camera.ok);
    } else {
      showCheck("", true);
    }
    if (state.cue) {
      cueBox.hidden = false;
      cueBox.textContent = state.cue.text;
      cueBox.className = "live-cue severity-" + state.cue.severity;
      cueBox.dataset.code = state.cue.code;
      if (state.cue.number > lastSpoken) {
        lastSpoken = state.cue.number;
        say(state.cue.text);
      }
    } else {
      cueBox.hidden = true;
    }
    if (state.set_finished && state.summary) finished(state.summary);
  }

  function drawSkeleton(points, size) {
    const context = overlay.getContext("2d");
    if (!points || !size) {
      context.clearRect(0, 0, overlay.width, overlay.height);
      return;
    }
    if (overlay.width !== size[0] || overlay.height !== size[1]) {
      overlay.width = size[0];
      overlay.height = size[1];
    }
    context.clearRect(0, 0, overlay.width, overlay.height);
    const seen = function (p) { return p && p[2] > 0.5; };
    context.lineWidth = Math.max(2, overlay.width / 220);
    context.strokeStyle = "rgba(14, 200, 160, 0.9)";
    context.beginPath();
    edges.forEach(function (edge) {
      const a = points[edge[0]];
      const b = points[edge[1]];
      if (seen(a) && seen(b)) {
        context.moveTo(a[0], a[1]);
        context.lineTo(b[0], b[1]);
      }
    });
    context.stroke();
    context.fillStyle = "#fff";
    points.forEach(function (p) {
      if (seen(p)) {
        context.beginPath();
        context.arc(p[0], p[1], context.lineWidth * 1.3, 0, 2 * Math.PI);
        context.fill();
      }
    });
  }

  function finished(summary) {
    const box = $("[data-live-summary]");
    if (!box.hidden) return;
    stopCapture();
    finishButton.hidden = true;
    const reps = summary.reps;
    const mean = function (key) {
      return reps.length ? reps.reduce(function (sum, r) { return sum + r[key]; }, 0) / reps.length : 0;
    };
    let text = summary.message + " " + summary.rep_count + (summary.rep_count === 1 ? " rep." : " reps.");
    if (reps.length) {
      text += " Average tempo: " + mean("concentric_s").toFixed(1) + " s up, " +
        mean("eccentric_s").toFixed(1) + " s back.";
    }
    $("[data-live-summary-text]").textContent = text;
    const list = $("[data-live-summary-faults]");
    list.textContent = "";
    const seen = {};
    summary.faults.forEach(function (fault) {
      if (seen[fault.code]) return;
      seen[fault.code] = true;
      const item = document.createElement("li");
      item.textContent = fault.message + " " + fault.cue;
      list.appendChild(item);
    });
    if (!summary.faults.length) {
      const item = document.createElement("li");
      item.textContent = "No form faults found. Well done.";
      list.appendChild(item);
    }
    $("[data-log-exercise]").value = summary.exercise;
    $("[data-log-reps]").value = String(summary.rep_count);
    const codes = Object.keys(seen);
    $("[data-log-notes]").value = ("Live coach" + (codes.length ? "; faults: " + codes.join(", ") : "")).slice(0, 500);
    $("[data-live-log]").disabled = summary.rep_count < 1;
    box.hidden = false;
    say(summary.message + " " + summary.rep_count + " reps.");
  }

  // ------------------------------------------------------------ buttons
  $("[data-live-start]").addEventListener("click", start);
  $("[data-live-exercise]").addEventListener("change", function () { if (stream) connect(); });
  finishButton.addEventListener("click", function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ action: "finish" }));
  });
  $("[data-live-again]").addEventListener("click", function () {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ action: "reset" }));
    else connect();
  });
  // Details for the curious (how long each answer took, frames skipped, tracking state), off by default.
  const detailsButton = $("[data-live-details]");
  function showDetails(on) {
    root.classList.toggle("live-show-details", on);
    detailsButton.setAttribute("aria-pressed", String(on));
    detailsButton.textContent = on ? "Hide details" : "Show details";
  }
  showDetails(Boolean(window.localStorage && localStorage.getItem("upperback.live.details") === "1"));
  detailsButton.addEventListener("click", function () {
    const on = !root.classList.contains("live-show-details");
    if (window.localStorage) localStorage.setItem("upperback.live.details", on ? "1" : "0");
    showDetails(on);
  });

  muteButton.addEventListener("click", function () {
    muted = !muted;
    if (window.localStorage) localStorage.setItem("upperback.live.muted", muted ? "1" : "0");
    if (muted && "speechSynthesis" in window) window.speechSynthesis.cancel();
    showMute();
  });
  showMute();
})();
