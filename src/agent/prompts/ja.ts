import type { PromptSet } from './prompt-set';

/** Japanese: polite phone register (です/ます, お客様), short sentences so TTS pauses naturally. */
export const JA_PROMPTS: PromptSet = {
  greeting: (f) =>
    `お電話ありがとうございます。こちらは${f.companyName}のサポート窓口、自動音声のAIエージェント、${f.agentName}です。` +
    (f.recordingRefused
      ? `お申し込みの際のご希望どおり、この通話は録音いたしません。`
      : `この通話は、サービス品質の向上と、お手続きの記録のために録音しております。`) +
    `担当者とのお話をご希望の場合は、いつでも「担当者」とおっしゃってください。` +
    jaRightParty(f.companyName),
  rightPartyQuestion: (f) => jaRightParty(f.companyName),
  purposeWithheld: (f) => `恐れ入りますが、ご用件はご本人様にのみお伝えしております。${jaRightParty(f.companyName)}`,
  purposeAndConsent: (f) =>
    `ありがとうございます${f.spokenName ? `、${f.spokenName}様` : ''}。${f.requestedEarlierDay ? '先日' : '先ほど'}ご依頼いただいた、${f.companyName}アカウントの多要素認証、MFAの解除の件でお電話いたしました。` +
    (f.recordingRefused ? '' : `こちらのお電話は、サービス品質向上のために録音させていただいておりますが、よろしいでしょうか。`),
  consentQuestion: 'こちらのお電話を録音させていただいてもよろしいでしょうか。',
  consentThanks: 'ありがとうございます。',
  recordingStopped: '承知しました。録音を停止しました。このままお手続きを続けます。',
  askEmail: 'では早速ですが、ご登録のメールアドレスを、アルファベット一文字ずつ、おっしゃっていただけますか。',
  emailGoOn: '続きをお願いします。',
  emailSpellDomain: '恐れ入ります。アットマークより後ろの部分も、アルファベット一文字ずつおっしゃっていただけますか。',
  emailStartOver: '恐れ入ります、うまく聞き取れませんでした。お手数ですが、最初から一文字ずつお願いできますか。',
  emailNotVerified: '申し訳ありません、確認できませんでした。お手数ですが、もう一度、最初から一文字ずつおっしゃっていただけますか。',
  emailFailed: '申し訳ありません、お電話では確認を完了できませんでした。お手続きはここで終了し、改めてご案内いたします。失礼いたします。',
  emailVerified: '確認できました。',
  codeSent: (n, keypadOnly) =>
    `ただいま、そちらのメールアドレスに、${n}桁の番号を記載したメールをお送りしました。` + jaCodeAsk(n, keypadOnly),
  codeAsk: (n, keypadOnly) => jaCodeAsk(n, keypadOnly),
  codeKeypadOnly: 'セキュリティのため、番号は読み上げずに、お電話のキーパッドで入力してください。最後にシャープを押してください。',
  codeUnclearPart: (k) =>
    `${k === 0 ? '最初のほうの番号' : `${k}桁目より後の番号`}が聞き取りにくかったため、お手数ですが、番号を最初から、一桁ずつお願いします。`,
  codeWrongLength: (n) => `番号は${n}桁です。お手数ですが、もう一度最初からお願いします。`,
  codeWrong: (n) => `その番号では確認できませんでした。お手数ですが、もう一度、${n}桁の番号をお願いします。`,
  codeFailed:
    '申し訳ありません、番号を確認できませんでした。安全のため、お電話でのお手続きはここまでとさせていただきます。失礼いたします。',
  codeExpiredResent: '番号の有効期限が切れていました。新しい番号をお送りしましたので、新しいメールの番号をお願いします。',
  codeResent: '新しい番号をお送りしました。最新のメールに記載の番号をお願いします。',
  codeResendLimit: '申し訳ありません、これ以上番号をお送りすることができません。',
  codeLocked: '安全のため、番号での確認を一時停止しました。この件は担当者に引き継ぎ、改めてご連絡いたします。失礼いたします。',
  codeSendLimit: '申し訳ありません、ただいま番号をお送りできません。この件は担当者に引き継ぎ、改めてご連絡いたします。',
  codeVerified: 'はい、確認できました。',
  closeAfterReset: (agent) =>
    `ただいま多要素認証、MFAを解除いたしました。メールアドレスと、以前設定されたパスワードでサインインしてください。` +
    `サインインの際に、新しい認証デバイスの登録をお願いします。ご登録のすべての連絡先にお知らせのメールをお送りしています。` +
    `お心当たりのない場合は、そのメールからお知らせください。本日は${agent}が担当いたしました。ありがとうございました。`,
  closeCoolingOff: (agent) =>
    `確認が完了しました。セキュリティのため、MFAの解除は待機期間の後に行われ、完了しましたらメールでお知らせします。` +
    `待機期間中に通常どおりサインインされた場合、解除は取り消されます。解除後は、メールアドレスと以前のパスワードでサインインし、` +
    `新しい認証デバイスを登録してください。本日は${agent}が担当いたしました。ありがとうございました。`,
  needsPerson: '確認は完了しましたが、最後のお手続きは担当者が行います。担当者に引き継ぎ、改めてご連絡いたします。',
  handOver: '承知しました。担当者に引き継ぎます。営業時間内に担当者からご連絡いたします。詳しくはメールでお知らせします。',
  transferring: '承知しました。担当者におつなぎします。このまま少々お待ちください。',
  handOverAt: (when) => `承知しました。担当者に引き継ぎます。${when}ごろに担当者からご連絡いたします。詳しくはメールでお知らせします。`,
  callbackAt: (when) => `承知しました。${when}ごろに、改めてお電話いたします。失礼いたします。`,
  callbackUnscheduled: '承知しました。改めてご連絡いたします。失礼いたします。',
  formatCallbackTime: (at, timeZone) =>
    new Intl.DateTimeFormat('ja-JP', {
      timeZone,
      month: 'long',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: '2-digit',
    }).format(at),
  cancelled: (confirmed) => (confirmed ? '承知しました。お手続きを取り消しました。失礼いたします。' : '承知しました。失礼いたします。'),
  notRequested: '承知しました。お手続きを取り消し、この件を担当者に引き継ぎます。ご連絡ありがとうございました。失礼いたします。',
  wrongPerson: '大変失礼いたしました。失礼いたします。',
  notAvailable: '承知しました。改めてお電話いたします。失礼いたします。',
  thirdParty:
    '恐れ入りますが、このお手続きはご本人様としかお話しできません。ご本人様から直接ご連絡いただけますと幸いです。失礼いたします。',
  humanQuestion:
    'いいえ、私は人間ではなく、自動音声のAIエージェントです。担当者とのお話をご希望でしたら、「担当者」とおっしゃってください。',
  disclosureRefused: 'セキュリティのため、ご登録の情報を、こちらからお伝えすることはできません。',
  contactChangeRefused: 'お電話では、連絡先の変更は承っておりません。安全のため、この件は担当者に引き継ぎ、改めてご連絡いたします。',
  waitAck: 'はい、ごゆっくりどうぞ。お待ちしています。',
  waitCheckBack: 'いかがでしょうか。ご準備ができましたら、お声がけください。',
  waitGiveUp: 'お時間がかかっているようですので、改めてご連絡いたします。失礼いたします。',
  notUnderstood: '恐れ入ります、聞き取れませんでした。',
  noInput: 'もしもし、お聞こえでしょうか。',
  goodbyeNoInput: 'お声が聞こえないようですので、改めてご連絡いたします。失礼いたします。',
  goodbyeUnclear: 'うまく聞き取れないようですので、改めてご連絡いたします。失礼いたします。',
  systemError: '申し訳ありません、システムに問題が発生しました。担当者から改めてご連絡いたします。失礼いたします。',
  backchannels: ['はい', 'ええ', 'はい', 'はい、はい'],
};

/** No name before confirmation, for the reasons in en.ts (the family name is shared by the household). */
function jaRightParty(companyName: string): string {
  return `お電話をお受けの方は、${companyName}をご利用の、ご本人様でいらっしゃいますか。`;
}

function jaCodeAsk(n: number, keypadOnly: boolean): string {
  return keypadOnly
    ? `メールに記載の${n}桁の番号を、お電話のキーパッドで入力し、最後にシャープを押してください。`
    : `メールに記載の${n}桁の番号を、読み上げていただくか、お電話のキーパッドで入力してください。`;
}
