import { AudioIo } from './audio-io.js';

// The operator's console softphone (issue 10, live transfer). Going available opens the console
// socket (the operator desk holds the seat while it is open); an offer rings and shows the case,
// the agent's summary and the transcript; Accept/Decline answer it; once connected the microphone's
// 20 ms frames go out and the caller's frames play. Sound goes through the customer softphone's
// AudioIo and worklets. Text comes from the server's JSON and is written as text nodes only.
const cfg = JSON.parse(document.getElementById('op-config').textContent);
const t = cfg.texts;
const $ = (id) => document.getElementById(id);
// Stored redaction markers ("[keypad entry redacted]") in the console's language (transcript-words.ts).
const said = (text) => Object.keys(cfg.markers || {}).reduce((s, m) => s.split(m).join(cfg.markers[m]), text);
const root = $('op-phone');
const stats = { framesSent: 0, framesReceived: 0, controls: [] };
let ws = null;
let onCall = false;
// The server's reason for ending the desk's socket ({type:'ended'} before the close), a code word.
let endedReason = '';

const io = new AudioIo(cfg.assets, {
  onFrame: (frame) => {
    if (onCall && ws?.readyState === WebSocket.OPEN) {
      ws.send(frame);
      stats.framesSent++;
    }
  },
  onPlaybackStats: () => undefined,
});

function setState(state, text) {
  root.dataset.state = state;
  $('op-status').textContent = text;
  $('op-available').hidden = state !== 'offline' && state !== 'ended';
  $('op-stop').hidden = state !== 'available';
  $('op-accept').hidden = $('op-decline').hidden = state !== 'ringing';
  $('op-hangup').hidden = state !== 'on_call';
  if (state === 'available' || state === 'offline') $('op-offer').hidden = true;
}

function showOffer(offer) {
  $('op-offer-title').textContent = t.case + ' ' + String(offer.caseId).slice(0, 8);
  $('op-customer').textContent = offer.customer + ' (' + (t.langNames[offer.lang] || offer.lang) + ')';
  $('op-reason').textContent = t.reasons[offer.reason] || offer.reason;
  $('op-summary').textContent = (offer.summaries && offer.summaries[cfg.lang]) || offer.summary;
  const lines = (offer.lines || []).map((l) => {
    const li = document.createElement('li');
    li.className = l.speaker;
    const who = document.createElement('b');
    who.textContent = l.speaker === 'agent' ? t.agent : t.caller;
    li.append(who, ': ' + said(l.text));
    return li;
  });
  $('op-lines').replaceChildren(...lines);
  $('op-keys').hidden = true;
  $('op-offer').hidden = false;
}

function onControl(msg) {
  stats.controls.push(msg.type);
  if (msg.type === 'available') setState('available', t.available);
  else if (msg.type === 'transfer_offer') {
    showOffer(msg);
    setState('ringing', t.ringing);
    io.startRinging();
  } else if (msg.type === 'offer_withdrawn') {
    io.stopRinging();
    setState('available', t.available);
  } else if (msg.type === 'transfer_connected') {
    io.stopRinging();
    onCall = true;
    setState('on_call', t.onCall);
  } else if (msg.type === 'caller_dtmf') {
    $('op-keys').hidden = false;
    $('op-keys').textContent = t.keys + ': ' + msg.digits;
  } else if (msg.type === 'error' && msg.code === 'forbidden') endedReason = 'forbidden';
  else if (msg.type === 'ended') endedReason = msg.reason;
}

async function goAvailable() {
  setState('connecting', t.connecting);
  await io.unlock();
  if (!(await io.openMicrophone())) {
    setState('offline', t.noMic);
    return;
  }
  const url = new URL(cfg.ws, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (event) => {
    if (event.data instanceof ArrayBuffer) {
      stats.framesReceived++;
      if (onCall) io.playAgentFrame(event.data);
      return;
    }
    try {
      onControl(JSON.parse(event.data));
    } catch (err) {
      console.error('console softphone: bad message', err);
    }
  };
  endedReason = '';
  ws.onclose = (event) => {
    io.stopRinging();
    io.clearPlayback();
    const wasOnCall = onCall;
    onCall = false;
    ws = null;
    // The server's reason in the reader's words, with its code for a support ticket; none for our own stop.
    const reason = endedReason || event.reason;
    const said = t.closed[reason] || (event.code === 1000 ? '' : t.connectionLost);
    const why = said ? said + ' (' + t.code + ' ' + event.code + (reason ? ' ' + reason : '') + ')' : '';
    root.dataset.closeReason = reason;
    if (why) setState('offline', why);
    else if (wasOnCall) setState('ended', t.ended);
    else if (root.dataset.state !== 'offline') setState('offline', t.offline);
  };
}

$('op-available').addEventListener('click', () => void goAvailable());
$('op-stop').addEventListener('click', () => {
  ws?.close(1000, 'unavailable');
});
$('op-accept').addEventListener('click', () => ws?.send(JSON.stringify({ type: 'answer' })));
$('op-decline').addEventListener('click', () => ws?.send(JSON.stringify({ type: 'decline' })));
$('op-hangup').addEventListener('click', () => ws?.send(JSON.stringify({ type: 'hangup' })));

window.aizuchiOperator = { stats: () => ({ ...stats, state: root.dataset.state }) };
