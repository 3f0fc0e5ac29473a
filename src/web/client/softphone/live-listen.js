import { AudioIo } from './audio-io.js';

// Listen in from /console/live (issue 10): a Listen button opens the call's listen socket and plays
// its 20 ms frames (caller and agent mixed, 16 kHz PCM16) through the softphone's playback worklet.
// One way: the microphone is never asked for. While the caller enters the code the server sends
// silence and says so ({type:'paused'}); the card shows it. One call at a time.
const cfg = JSON.parse(document.getElementById('live-config').textContent);
const t = cfg.texts;
const root = document.getElementById('live-calls');
// For tests and the curious: what the socket carried.
const stats = { framesReceived: 0, controls: [] };
window.aizuchiListen = stats;

let io = null;
let current = null; // { callId, ws, button, status }

const card = (callId) => root.querySelector('[data-call-id="' + CSS.escape(callId) + '"]');

function show(entry, text, state) {
  entry.status.textContent = text;
  entry.status.dataset.state = state;
}

function stop(entry, text, state) {
  if (current === entry) current = null;
  entry.button.textContent = t.listen;
  entry.button.dataset.on = '';
  show(entry, text, state);
  if (entry.ws.readyState <= WebSocket.OPEN) entry.ws.close(1000, 'operator_left');
  io?.clearPlayback();
}

async function start(button) {
  const callId = button.dataset.listen;
  const sec = card(callId);
  const status = sec?.querySelector('[data-testid=listen-status]');
  if (!status) return;
  if (current) stop(current, t.listenEnded, 'stopped');
  // Inside the click: browsers start sound only from a gesture.
  io ??= new AudioIo(cfg.listen.assets, { onFrame: () => undefined, onPlaybackStats: () => undefined });
  await io.unlock();
  const url = new URL(cfg.listen.path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('callId', callId);
  url.searchParams.set('csrf', cfg.listen.csrf);
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const entry = { callId, ws, button, status };
  current = entry;
  button.textContent = t.stopListen;
  button.dataset.on = '1';
  ws.onmessage = (m) => {
    if (m.data instanceof ArrayBuffer) {
      stats.framesReceived++;
      io.playAgentFrame(m.data);
      return;
    }
    const msg = JSON.parse(m.data);
    stats.controls.push(msg.type);
    if (msg.type === 'listening' || msg.type === 'paused') {
      show(entry, msg.paused ? t.paused : t.listening, msg.paused ? 'paused' : 'listening');
      if (msg.paused) io.clearPlayback();
    } else if (msg.type === 'ended') stop(entry, t.listenEnded, 'ended');
    else if (msg.type === 'error') stop(entry, t.listenErrors[msg.code] || t.listenErrors.failed, 'error');
  };
  ws.onclose = () => {
    if (current === entry) stop(entry, t.listenEnded, 'ended');
  };
}

root.addEventListener('click', (e) => {
  const button = e.target.closest('[data-listen]');
  if (!button) return;
  if (current && current.button === button) stop(current, t.listenEnded, 'stopped');
  else
    start(button).catch((err) => {
      console.error('listen failed', err);
      const status = card(button.dataset.listen)?.querySelector('[data-testid=listen-status]');
      if (status) status.textContent = t.listenErrors.failed;
    });
});
