import type { Lang } from '../../../domain/lang';

/** The case page's calls section and action forms in each language (issue 10: the case page fully ja/en). */
export const CALL_TEXTS = {
  ja: {
    calls: '通話',
    noCalls: '通話はまだありません。',
    call: (channel: string, outcome: string) => `${channel}の通話 · ${outcome}`,
    started: '開始',
    ended: '終了',
    inProgress: '通話中',
    agent: 'エージェント',
    caller: 'お客様',
    noTranscript: '通話記録はありません。',
    transcript: '通話記録',
    recording: '録音',
    recordingWav: '録音（WAV）',
    recordingDeleted: (when: string) => `録音は保存期間の経過により ${when} に削除されました。`,
    waveformLabel: '録音の波形（上: お客様、下: エージェント）',
    legend: '上: お客様 · 下: エージェント · 斜線: 確認コード入力中のため録音を一時停止',
    gap: (from: string, to: string) => `${from}–${to} 録音一時停止（お客様が確認コードを入力中）`,
    seekHint: '行をクリックすると、その位置から録音を再生します。',
    figures: '通話の数値',
    duration: '通話時間',
    channel: 'チャネル',
    latency: '応答時間（お客様の発話終了→エージェントの応答）',
    latencyValue: (p50: string, p95: string, n: number) => `中央値 ${p50} · 95パーセンタイル ${p95}（${n}回）`,
    recognizer: '音声認識',
    noRecognizer: 'なし（キーパッド・文字入力・ブラウザーの音声認識）',
    recognizerValue: (ok: number, noMatch: number) => `認識 ${ok}回 · 認識できず ${noMatch}回`,
    confidence: (mean: string, low: number) => `平均信頼度 ${mean} · 0.5未満 ${low}回`,
    bargeIns: '割り込み（お客様がエージェントの発話を遮った回数）',
    notKept: 'この通話の数値は記録されていません（記録開始前の通話）。',
    channels: { text: 'テキスト', softphone: 'ブラウザー電話' } as Record<string, string>,
    actions: '操作',
    approveHint: '承認で許可されるのは自動コールバックのみです。お客様は通話でメールの確認コードを入力する必要があります。',
    approve: 'コールバックを承認',
    outsideHours: '営業時間外でも発信する',
    callNow: '今すぐ発信',
    cancelReason: '理由（任意）',
    cancel: 'ケースを取消',
    unfreezeHint: 'ご本人に確認した後のみ: 次回のサインインで新しい認証アプリを設定できるようになります。',
    unfreeze: '新しい認証要素の登録を許可',
    noActions: 'この状態のケースに操作はありません。',
    flags: { disowned_after_reset: 'リセット後にご本人が「本人ではない」と申告: 登録を凍結し、セッションを失効済み' } as Record<
      string,
      string
    >,
  },
  en: {
    calls: 'Calls',
    noCalls: 'No calls yet.',
    call: (channel: string, outcome: string) => `${channel} call · ${outcome}`,
    started: 'Started',
    ended: 'ended',
    inProgress: 'in progress',
    agent: 'Agent',
    caller: 'Caller',
    noTranscript: 'No transcript.',
    transcript: 'Transcript',
    recording: 'Recording',
    recordingWav: 'recording (WAV)',
    recordingDeleted: (when: string) => `Recording deleted ${when} (retention).`,
    waveformLabel: 'Waveform of the recording (top: caller, bottom: agent)',
    legend: 'Top: caller · bottom: agent · hatched: recording paused while the caller entered the code',
    gap: (from: string, to: string) => `${from}–${to} recording paused (the caller was entering the code)`,
    seekHint: 'Click a line to play the recording from there.',
    figures: "The call's figures",
    duration: 'Duration',
    channel: 'Channel',
    latency: 'Response latency (end of caller speech → agent reply)',
    latencyValue: (p50: string, p95: string, n: number) => `p50 ${p50} · p95 ${p95} (${n} replies)`,
    recognizer: 'Speech recognizer',
    noRecognizer: 'none (keypad, typed text, browser speech recognition)',
    recognizerValue: (ok: number, noMatch: number) => `${ok} recognized · ${noMatch} no match`,
    confidence: (mean: string, low: number) => `mean confidence ${mean} · ${low} under 0.5`,
    bargeIns: 'Barge-ins (the caller cut the agent off)',
    notKept: 'No figures were kept for this call (it ended before they were recorded).',
    channels: { text: 'Text', softphone: 'Softphone' } as Record<string, string>,
    actions: 'Actions',
    approveHint: 'Approving allows the automated callback only; the customer must still enter the emailed code on the call.',
    approve: 'Approve callback',
    outsideHours: 'Call outside business hours',
    callNow: 'Call now',
    cancelReason: 'Reason (optional)',
    cancel: 'Cancel case',
    unfreezeHint: 'Only after confirming with the owner: the next sign-in may then set up a new authenticator.',
    unfreeze: 'Allow enrolment of a new factor',
    noActions: 'No actions for a case in this state.',
    flags: { disowned_after_reset: 'Owner said "this wasn\'t me" after the reset: enrolment frozen, sessions revoked' } as Record<
      string,
      string
    >,
  },
} as const;

/** Milliseconds as `m:ss` (a recording offset) or `1.2 s` / `850 ms` (a latency). */
export const clockOffset = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
export const shortDuration = (ms: number | null) => (ms === null ? '—' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

export const callTexts = (lang: Lang) => CALL_TEXTS[lang];
