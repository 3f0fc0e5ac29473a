import { AudioIo } from './audio-io.js';
import { BrowserAsr, browserAsrAvailable } from './browser-asr.js';
import { OUTCOMES, TEXTS } from './texts.js';

// The browser softphone: waits on a WebSocket for the callback to ring, answers, streams the
// microphone as 20 ms 16 kHz PCM16 frames and plays the agent's frames, with captions, a keypad,
// a text box and (where the browser has it) browser speech recognition.
const root = document.getElementById('softphone');
const token = root.dataset.token;
const lang = root.dataset.lang === 'en' ? 'en' : 'ja';
// The call's language (the case's) for speech recognition; `lang` is only the page's words.
const callLang = root.dataset.callLang === 'en' ? 'en' : root.dataset.callLang === 'ja' ? 'ja' : lang;
const assetBase = root.dataset.assets;
const timeZone = root.dataset.timeZone || 'Asia/Tokyo';
const t = TEXTS[lang];

const stats = {
  framesSent: 0,
  keysSentOutOfBand: 0,
  framesReceived: 0,
  nonSilentFramesReceived: 0,
  maxRms: 0,
  errors: [],
  controls: [],
  playback: null,
  listening: null,
  outcome: null,
};
const SILENCE_RMS = 100; // of 32767: below this a frame is treated as silence
const baseTitle = document.title;
let state = 'connecting';
let ws = null;
let reconnectMs = 1000;
let muted = false;
let asr = null;
let callStartedAt = 0;
let timerHandle = null;
let keysThisTurn = '';

const audio = new AudioIo(assetBase, {
  onFrame(buffer) {
    if (state !== 'in_call' || !ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(buffer);
    stats.framesSent++;
  },
  onPlaybackStats(data) {
    stats.playback = data;
  },
});

function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== false && v !== undefined) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of [].concat(children)) node.append(c);
  return node;
}

// ---- UI --------------------------------------------------------------------------------------
// The server-rendered lead (booked time, what to do) stays; the live status goes under it.
const booked = root.querySelector('.sp-booked');
// What to do while waiting, as the server worded it for this case's state (booked, under review).
const waitingText = root.querySelector('#sp-status')?.textContent?.trim() || t.waiting;
const status = el('p', { id: 'sp-status', class: 'notice', role: 'status' }, t.connecting);
const soundHint = el('p', { id: 'sp-sound-first' }, t.soundNeeded);
const readyButton = el(
  'button',
  { type: 'button', id: 'sp-ready', onclick: () => void getReady() },
  document.getElementById('sp-ready')?.textContent ?? 'OK',
);
const nextCall = el('p', { id: 'sp-next-call', class: 'notice', hidden: true });
const answerButton = el('button', { type: 'button', id: 'sp-answer', class: 'sp-answer', onclick: () => void answer() }, t.answer);
const declineButton = el(
  'button',
  { type: 'button', id: 'sp-decline', class: 'sp-decline', onclick: () => send({ type: 'decline' }) },
  t.decline,
);
// The one place "incoming call" is shown while ringing (the status line stays quiet meanwhile).
const ringPanel = el('div', { id: 'sp-ring', class: 'sp-ring', role: 'alert', hidden: true }, [
  el('p', { class: 'sp-ring-label' }, t.ringing),
  answerButton,
  declineButton,
]);

const hangupButton = el(
  'button',
  { type: 'button', id: 'sp-hangup', class: 'sp-decline', onclick: () => send({ type: 'hangup' }) },
  t.hangup,
);
const muteButton = el('button', { type: 'button', id: 'sp-mute', onclick: toggleMute }, t.mute);
const captions = el('ol', { id: 'sp-captions', class: 'sp-captions', 'aria-live': 'polite' });
const keypad = el(
  'div',
  { id: 'sp-keypad', class: 'sp-keypad', role: 'group', 'aria-label': t.keypad },
  ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((key) =>
    el('button', { type: 'button', 'data-key': key, onclick: () => pressKey(key) }, key),
  ),
);
const textInput = el('input', {
  type: 'text',
  id: 'sp-text',
  maxlength: '500',
  autocomplete: 'off',
  'aria-label': t.textLabel,
  oninput: () => typing(),
});
const textForm = el('form', { id: 'sp-text-form', class: 'sp-text', onsubmit: sendTyped }, [
  el('label', { for: 'sp-text' }, t.textLabel),
  textInput,
  el('button', { type: 'submit' }, t.send),
]);
const asrToggle = el('input', { type: 'checkbox', id: 'sp-asr', onchange: syncAsr });
const asrLabel = el('label', { class: 'sp-asr', hidden: !browserAsrAvailable() }, [asrToggle, ' ', t.asr]);
const timer = el('span', { id: 'sp-timer', class: 'sp-timer', 'aria-label': t.timer }, '0:00');
const keysEcho = el('output', { id: 'sp-keys', class: 'sp-keys', 'aria-label': t.keysPressed });
const controls = el('div', { class: 'sp-controls' }, [
  keypad,
  el('p', { class: 'sp-keys-row' }, [`${t.keysPressed}: `, keysEcho]),
  textForm,
  asrLabel,
]);
const callPanel = el('div', { id: 'sp-call', class: 'sp-call', hidden: true }, [
  el('div', { class: 'sp-row' }, [hangupButton, muteButton, timer]),
  captions,
  controls,
]);
// After the call: how it ended in words and where to go next; the captions above stay.
const outcomeText = el('p', { id: 'sp-outcome', class: 'notice' });
const endPanel = el('div', { id: 'sp-end', class: 'sp-end', hidden: true }, [
  outcomeText,
  el('p', {}, el('a', { id: 'sp-signin', href: `/signin?lang=${lang}` }, t.signIn)),
]);

root.replaceChildren(...(booked ? [booked] : []), status, nextCall, soundHint, readyButton, ringPanel, callPanel, endPanel);

function setState(next, message) {
  state = next;
  root.dataset.state = next;
  status.textContent = message;
  status.hidden = next === 'ringing';
  ringPanel.hidden = next !== 'ringing';
  callPanel.hidden = next !== 'in_call' && next !== 'ended';
  controls.hidden = hangupButton.hidden = muteButton.hidden = next === 'ended';
  endPanel.hidden = next !== 'ended';
  if (booked) booked.hidden = next === 'in_call' || next === 'ended';
  // One "turn on sound" step, before the ring only: the Answer button unlocks audio itself.
  readyButton.hidden = soundHint.hidden = audio.soundReady() || next !== 'waiting';
  if (next !== 'waiting') nextCall.hidden = true;
  document.title = next === 'ringing' ? `📞 ${t.ringing}` : baseTitle;
}

/** An ISO 8601 time in the page's language and the business zone the server named. */
function formatWhen(iso) {
  const options = {
    timeZone,
    year: 'numeric',
    month: lang === 'ja' ? 'long' : 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  };
  if (lang === 'en') options.timeZoneName = 'short';
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', options).format(new Date(iso));
}

function tickTimer() {
  const sec = Math.max(0, Math.floor((Date.now() - callStartedAt) / 1000));
  timer.textContent = `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`;
}

/** Keys pressed this turn; masked while the agent asks for the code (shoulder-surfing, screenshots). */
function renderKeys() {
  const masked = stats.listening?.expecting === 'code';
  keysEcho.textContent = masked ? '•'.repeat(keysThisTurn.length) : keysThisTurn;
  keysEcho.dataset.masked = String(masked);
}

// ---- audio -----------------------------------------------------------------------------------
async function getReady() {
  await audio.unlock();
  const micOk = await audio.openMicrophone();
  readyButton.hidden = soundHint.hidden = true;
  if (state === 'waiting') status.textContent = micOk ? `${waitingText} ${t.ready}` : `${waitingText} ${t.noMic}`;
  if (state === 'ringing') audio.startRinging();
}

async function answer() {
  answerButton.disabled = true;
  try {
    await audio.unlock();
    const micOk = await audio.openMicrophone();
    if (!micOk) addCaption('system', t.noMic, true);
  } finally {
    audio.stopRinging();
    answerButton.disabled = false;
    send({ type: 'answer' });
  }
}

function toggleMute() {
  muted = !muted;
  audio.setMuted(muted);
  muteButton.textContent = muted ? t.unmute : t.mute;
}

function onAgentAudio(buffer) {
  if (buffer.byteLength !== 640) {
    stats.errors.push({ code: 'bad_frame_from_server', bytes: buffer.byteLength });
    return;
  }
  const samples = new Int16Array(buffer);
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / samples.length);
  stats.framesReceived++;
  if (rms > SILENCE_RMS) stats.nonSilentFramesReceived++;
  if (rms > stats.maxRms) stats.maxRms = rms;
  audio.playAgentFrame(buffer);
}

// ---- keypad, text, browser speech recognition ------------------------------------------------
function pressKey(key) {
  send({ type: 'dtmf', digits: key });
  stats.keysSentOutOfBand++;
  keysThisTurn += key;
  renderKeys();
  void audio.keyClick(key);
}

// Typing while the agent speaks is barge-in; the server hears only that the caller types, never what.
let lastTypingMs = 0;
function typing() {
  if (state !== 'in_call' || performance.now() - lastTypingMs < 500) return;
  lastTypingMs = performance.now();
  send({ type: 'typing' });
}

function sendTyped(event) {
  event.preventDefault();
  const text = textInput.value.trim();
  if (!text) return;
  send({ type: 'text', text });
  addCaption('caller', `${text} ${t.typed}`, true);
  textInput.value = '';
}

function syncAsr() {
  const want = asrToggle.checked && state === 'in_call';
  if (want && !asr) {
    asr = new BrowserAsr(
      callLang,
      (text, isFinal) => {
        send({ type: 'asr', text, isFinal });
        addCaption('caller', text, isFinal);
      },
      () => {
        asr = null;
        asrToggle.checked = false;
      },
    );
    asr.start();
  } else if (!want && asr) {
    asr.stop();
    asr = null;
  }
}

const liveCaption = {};
function addCaption(speaker, text, final) {
  let item = liveCaption[speaker];
  if (!item) {
    const who = speaker === 'agent' ? t.agent : speaker === 'caller' ? t.you : '';
    item = el('li', { class: `sp-caption sp-${speaker}` }, [el('strong', {}, who ? `${who}: ` : ''), el('span')]);
    captions.append(item);
    liveCaption[speaker] = item;
  }
  item.lastChild.textContent = text;
  item.classList.toggle('sp-interim', !final);
  if (final) delete liveCaption[speaker];
  captions.scrollTop = captions.scrollHeight;
}

// ---- the WebSocket ---------------------------------------------------------------------------
function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

function onControl(message) {
  stats.controls.push(message.type);
  switch (message.type) {
    case 'hello':
      reconnectMs = 1000;
      if (state !== 'in_call') setState('waiting', waitingText);
      break;
    case 'ringing':
      if (state === 'ringing') break; // a repeated ring must not start a second ringtone
      setState('ringing', ''); // the ring panel says it, once
      audio.startRinging();
      break;
    case 'connected':
      audio.stopRinging();
      setState('in_call', t.inCall);
      callStartedAt = Date.now();
      tickTimer();
      timerHandle = setInterval(tickTimer, 1000);
      syncAsr();
      break;
    case 'call_ended':
      audio.stopRinging();
      if (state === 'ended') break;
      if (state === 'in_call') return endCall();
      setState('waiting', message.reason === 'declined' ? t.declined : message.reason === 'no_answer' ? t.noAnswer : waitingText);
      break;
    case 'rescheduled':
      if (state !== 'waiting' || typeof message.at !== 'string') break;
      nextCall.textContent = t.nextCall(formatWhen(message.at));
      nextCall.hidden = false;
      if (booked) booked.hidden = true; // the old booked time would contradict the new one
      break;
    case 'ended':
      endCall();
      break;
    case 'caption':
      addCaption(message.speaker === 'agent' ? 'agent' : 'caller', String(message.text ?? ''), message.final !== false);
      if (message.speaker === 'agent' && state === 'in_call') status.textContent = t.inCall;
      break;
    case 'listening':
      // With the agent's lines seen so far: a check can tell the agent listens after its last line, not between two.
      const agentLines = captions.querySelectorAll('.sp-agent').length;
      stats.listening = { count: (stats.listening?.count ?? 0) + 1, expecting: message.expecting, agentLines };
      // The agent has finished speaking (a voice call: its words have been sent, not just begun) and waits.
      if (state === 'in_call') status.textContent = t.yourTurn;
      keysThisTurn = '';
      renderKeys();
      break;
    case 'outcome':
      stats.outcome = message.outcome;
      outcomeText.textContent = OUTCOMES[lang][message.outcome] ?? t.outcomeUnknown;
      break;
    case 'clear':
      audio.clearPlayback();
      break;
    case 'case_closed':
      // The case ended or went to a person: the server renders the final page on reload.
      if (state === 'in_call' || state === 'ended') break;
      state = 'closed';
      audio.stopRinging();
      location.reload();
      break;
    case 'error':
      stats.errors.push({ code: message.code, message: message.message });
      if (message.code === 'bad_link') setState('bad_link', t.badLink);
      break;
    default:
      break;
  }
}

function endCall() {
  if (asr) asr.stop();
  asr = null;
  audio.stop();
  if (timerHandle) clearInterval(timerHandle);
  timerHandle = null;
  if (!outcomeText.textContent)
    outcomeText.textContent = stats.outcome ? (OUTCOMES[lang][stats.outcome] ?? t.outcomeUnknown) : t.outcomeUnknown;
  setState('ended', t.ended);
}

function connect() {
  const url = new URL('/api/v1/softphone/ws', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('token', token);
  ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (event) => {
    if (typeof event.data === 'string') {
      try {
        onControl(JSON.parse(event.data));
      } catch {
        stats.errors.push({ code: 'bad_json_from_server' });
      }
    } else onAgentAudio(event.data);
  };
  ws.onclose = (event) => {
    ws = null;
    if (state === 'ended' || state === 'bad_link' || state === 'closed') return;
    if (state === 'in_call') return endCall();
    // The link was opened in another window, which is now the live one: do not take it back,
    // or two windows would push each other off every second. Reloading this page takes over.
    if (event.code === 4409) {
      audio.stopRinging();
      return setState('elsewhere', t.elsewhere);
    }
    audio.stopRinging();
    setState('connecting', t.reconnecting);
    setTimeout(connect, reconnectMs);
    reconnectMs = Math.min(reconnectMs * 2, 30000);
  };
}

// A small scripting surface for automated checks and accessibility tools.
window.aizuchiSoftphone = {
  get state() {
    return state;
  },
  stats: () => JSON.parse(JSON.stringify(stats)),
  /** Plays keypad tones into the microphone path, so they reach the server in-band as audio. */
  keysInBand: (keys, options) => audio.keysInBand(keys, options),
};

// Where the browser lets a page play sound without a tap, there is no "turn on sound" step.
if (AudioIo.autoplayAllowed()) void audio.unlock().catch(() => undefined);
setState('connecting', t.connecting);
connect();
