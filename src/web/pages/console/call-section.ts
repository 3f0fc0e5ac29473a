import type { CallFigures } from '../../../calls/call-figures';
import type { CallRow, TranscriptLine } from '../../../calls/call-records';
import type { WaveformPeaks } from '../../../calls/recording/waveform';
import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html, raw } from '../../../html/safe-html';
import { CALL_TEXTS, clockOffset, shortDuration } from './call-section-texts';
import { outcomeWords } from './console-texts';
import { localTime, zoneLabel } from './console-time';
import { transcriptText } from './transcript-words';

/** One call as the case page shows it: the row, its transcript, its stored figures and, when kept, the recording's peaks. */
export interface CallView {
  call: CallRow;
  transcript: TranscriptLine[];
  figures: CallFigures | null;
  peaks: WaveformPeaks | null;
}

const W = 960;
const LANE = 40; // px per side: caller above the middle line, agent below

/** Caller (top) and agent (bottom) peaks as one SVG, paused spans hatched, a playhead the script moves. */
function waveformSvg(
  peaks: WaveformPeaks,
  gaps: CallFigures['recordingGaps'],
  label: string,
  gapTitle: (g: { fromMs: number; toMs: number }) => string,
) {
  const n = peaks.caller.length;
  const x = (i: number) => ((i + 0.5) * W) / n;
  const bars = (values: number[], up: boolean) =>
    values.map((v, i) => `M${x(i).toFixed(1)} ${LANE}v${((up ? -1 : 1) * Math.max(0.5, v * LANE)).toFixed(1)}`).join('');
  const at = (ms: number) => (peaks.durationMs > 0 ? (ms / peaks.durationMs) * W : 0);
  return html`<svg class="waveform" data-testid="waveform" viewBox="0 0 ${W} ${2 * LANE}" preserveAspectRatio="none" role="img" aria-label="${label}" data-duration-ms="${peaks.durationMs}">
<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" fill="#e0a800" fill-opacity="0.45"/></pattern></defs>
<rect width="${W}" height="${2 * LANE}" fill="#f6f7f9"/>
${gaps.map((g) => html`<rect class="gap" data-testid="waveform-gap" x="${at(g.fromMs).toFixed(1)}" width="${Math.max(1, at(g.toMs) - at(g.fromMs)).toFixed(1)}" y="0" height="${2 * LANE}" fill="url(#hatch)"><title>${gapTitle(g)}</title></rect>`)}
<path d="${bars(peaks.caller, true)}" stroke="#1f6feb" stroke-width="${Math.max(0.6, W / n - 0.4).toFixed(2)}"/>
<path d="${bars(peaks.agent, false)}" stroke="#8250df" stroke-width="${Math.max(0.6, W / n - 0.4).toFixed(2)}"/>
<line x1="0" x2="${W}" y1="${LANE}" y2="${LANE}" stroke="#99a" stroke-width="0.5"/>
<line class="playhead" x1="0" x2="0" y1="0" y2="${2 * LANE}" stroke="#d1242f" stroke-width="2"/>
</svg>`;
}

function figuresTable(call: CallRow, f: CallFigures | null, lang: Lang): SafeHtml {
  const t = CALL_TEXTS[lang];
  const duration =
    call.started_at && call.ended_at
      ? shortDuration(Date.parse(call.ended_at) - Date.parse(call.started_at))
      : call.started_at
        ? t.inProgress
        : '—';
  const rows = [
    html`<tr><th>${t.duration}</th><td data-testid="figure-duration">${duration}</td></tr>`,
    html`<tr><th>${t.channel}</th><td>${t.channels[call.channel] ?? call.channel}</td></tr>`,
  ];
  if (f) {
    rows.push(
      html`<tr><th>${t.latency}</th><td data-testid="figure-latency">${f.replies ? t.latencyValue(shortDuration(f.latencyP50Ms), shortDuration(f.latencyP95Ms), f.replies) : '—'}</td></tr>`,
      html`<tr><th>${t.recognizer}</th><td data-testid="figure-recognizer">${
        f.recognizer === null
          ? t.noRecognizer
          : html`<code>${f.recognizer}</code> · ${t.recognizerValue(f.recognized, f.noMatch)}${f.meanConfidence === null ? '' : ` · ${t.confidence(f.meanConfidence.toFixed(2), f.lowConfidence)}`}`
      }</td></tr>`,
      html`<tr><th>${t.bargeIns}</th><td data-testid="figure-barge-ins">${f.bargeIns}</td></tr>`,
    );
  }
  return html`<h4>${t.figures}</h4><table class="figures" data-testid="call-figures">${rows}</table>${f ? '' : html`<p class="muted">${call.state === 'ended' ? t.notKept : t.notYet}</p>`}`;
}

/** Transcript lines with their offset into the recording (or the call), and the paused spans where they fall. */
function transcriptList(view: CallView, lang: Lang, timeZone: string, origin: number | null, seekable: boolean): SafeHtml {
  const t = CALL_TEXTS[lang];
  if (view.transcript.length === 0) return html`<p>${t.noTranscript}</p>`;
  const gaps = [...(view.figures?.recordingGaps ?? [])];
  const gapItem = (g: { fromMs: number; toMs: number }) =>
    html`<li class="gap" data-testid="transcript-gap" data-offset="${(g.fromMs / 1000).toFixed(2)}">${t.gap(clockOffset(g.fromMs), clockOffset(g.toMs))}</li>`;
  const items: SafeHtml[] = [];
  for (const line of view.transcript) {
    const offsetMs = origin === null ? null : Math.max(0, Date.parse(line.at) - origin);
    while (offsetMs !== null && gaps.length && gaps[0]!.fromMs <= offsetMs) items.push(gapItem(gaps.shift()!));
    const speaker = line.speaker === 'agent' ? t.agent : t.caller;
    const offset =
      offsetMs === null
        ? ''
        : seekable
          ? html`<a class="seek" href="/console/calls/${view.call.id}/recording.wav#t=${(offsetMs / 1000).toFixed(2)}">${clockOffset(offsetMs)}</a> `
          : html`<span class="muted">${clockOffset(offsetMs)}</span> `;
    items.push(
      html`<li class="${line.speaker}" data-testid="transcript-line"${offsetMs === null ? '' : raw(` data-offset="${(offsetMs / 1000).toFixed(2)}"`)}>${offset}<strong>${speaker}</strong> <time datetime="${line.at}">${localTime(line.at, timeZone).slice(11)}</time> ${transcriptText(line.text, lang)}</li>`,
    );
  }
  items.push(...gaps.map(gapItem));
  return html`<ol class="transcript" data-testid="transcript">${items}</ol>`;
}

/**
 * The case page's calls: per call its outcome, times in the business zone, figures, the recording as
 * a waveform over a plain <audio controls> player, and the transcript synced to it. Without
 * JavaScript the player and the offset links (WAV#t=seconds) still work; the page script makes a
 * click on a line or the waveform seek, and highlights the line being played.
 */
export function callsSection(views: CallView[], lang: Lang, timeZone: string): SafeHtml {
  const t = CALL_TEXTS[lang];
  const zone = zoneLabel(timeZone);
  const when = (iso: string | null) => (iso ? `${localTime(iso, timeZone)} ${zone}` : '—');
  if (views.length === 0) return html`<section class="calls"><h2>${t.calls}</h2><p>${t.noCalls}</p></section>`;
  const articles = views.map((view) => {
    const { call, figures, peaks } = view;
    const kept = Boolean(call.recording_path && !call.recording_deleted_at);
    const startedAt = figures?.recordingStartedAt && kept ? figures.recordingStartedAt : call.started_at;
    const origin = startedAt ? Date.parse(startedAt) : null;
    const fmtGap = (g: { fromMs: number; toMs: number }) => t.gap(clockOffset(g.fromMs), clockOffset(g.toMs));
    const recording = kept
      ? html`<figure class="recording" data-testid="recording">${peaks ? waveformSvg(peaks, figures?.recordingGaps ?? [], t.waveformLabel, fmtGap) : ''}
<figcaption class="muted">${t.legend}</figcaption>
<audio controls preload="none" data-testid="recording-audio" src="/console/calls/${call.id}/recording.wav"></audio> <a href="/console/calls/${call.id}/recording.wav">${t.recordingWav}</a>
<p class="muted">${t.seekHint}</p></figure>`
      : call.recording_deleted_at
        ? html`<p class="muted">${t.recordingDeleted(when(call.recording_deleted_at))}</p>`
        : '';
    // calls.state ('pending' | 'active' | 'ended') in words until the call has an outcome.
    const outcome = call.outcome ? outcomeWords(call.outcome, lang) : (t.states[call.state] ?? call.state);
    return html`<article class="call" id="call-${call.id}" data-testid="call">
<h3>${t.call(t.channels[call.channel] ?? call.channel, outcome)}</h3>
<p>${t.started} ${when(call.started_at)} · ${t.ended} ${when(call.ended_at)}</p>
${figuresTable(call, figures, lang)}
${recording}
<h4>${t.transcript}</h4>
${transcriptList(view, lang, timeZone, origin, kept)}
</article>`;
  });
  return html`<section class="calls"><h2>${t.calls}</h2>${articles}</section>
<style>.transcript li.current{background:#fff3bf}.transcript li.gap{color:#8a6100;list-style:none;font-style:italic}.transcript a.seek{font-family:monospace}svg.waveform{width:100%;height:5rem;cursor:pointer;display:block}</style>
<script>${raw(SYNC_SCRIPT)}</script>`;
}

// Progressive enhancement: a click on a line (or its offset link) or on the waveform seeks the call's
// player; while it plays, the line being said is highlighted and the playhead follows.
const SYNC_SCRIPT = `(function(){document.querySelectorAll('article.call').forEach(function(call){
var audio=call.querySelector('audio');if(!audio)return;var svg=call.querySelector('svg.waveform');var head=svg&&svg.querySelector('.playhead');
var lines=[].slice.call(call.querySelectorAll('.transcript li[data-offset]:not(.gap)'));
function seek(s){audio.currentTime=s;var p=audio.play();if(p&&p.catch)p.catch(function(){});}
lines.forEach(function(li){li.style.cursor='pointer';li.addEventListener('click',function(e){e.preventDefault();seek(parseFloat(li.dataset.offset));});});
if(svg)svg.addEventListener('click',function(e){var r=svg.getBoundingClientRect();seek((e.clientX-r.left)/r.width*parseFloat(svg.dataset.durationMs)/1000);});
audio.addEventListener('timeupdate',function(){var t=audio.currentTime,cur=null;lines.forEach(function(li){if(parseFloat(li.dataset.offset)<=t+0.05)cur=li;});
lines.forEach(function(li){li.classList.toggle('current',li===cur);if(li===cur)li.setAttribute('aria-current','true');else li.removeAttribute('aria-current');});
if(head&&svg){var x=t*1000/parseFloat(svg.dataset.durationMs)*960;head.setAttribute('x1',x);head.setAttribute('x2',x);}});});})();`;
