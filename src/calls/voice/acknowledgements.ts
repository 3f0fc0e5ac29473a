import type { Lang } from '../../domain/lang';

/*
 * Short acknowledgements (aizuchi) a caller drops in while the agent talks. They must not take the
 * turn away from the agent: "はい" during a prompt means "go on", not "stop".
 */
const JA_ACKS = new Set([
  'はい',
  'はいはい',
  'はーい',
  'はい、はい',
  'うん',
  'うんうん',
  'ええ',
  'ええええ',
  'ああ',
  'あー',
  'へえ',
  'ほう',
  'なるほど',
  'そうですか',
  'そうですね',
  'ふん',
  'ふんふん',
  'ん',
  'うーん',
  'うー',
  'はあ',
  'あ',
  'へ',
  'おっけ',
  'おけ',
]);
const EN_ACKS = new Set([
  'yes',
  'yeah',
  'yep',
  'yup',
  'uh-huh',
  'uh huh',
  'mm-hm',
  'mm hm',
  'mhm',
  'mm',
  'hmm',
  'ok',
  'okay',
  'right',
  'sure',
  'i see',
  'got it',
  'alright',
  'all right',
]);

/** Katakana → hiragana, full-width → ASCII, lower case, punctuation and spaces trimmed. */
function normalize(text: string): string {
  const folded = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u30a1-\u30f6]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
  return folded
    .replace(/[。、，,.!?！？…〜~ー-]+$/u, '')
    .replace(/^[\s。、，,.!?！？…]+/u, '')
    .replace(/[。、，,.!?！？…]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** True for a short acknowledgement (or a repetition of one, "はい、はい", "yeah yeah") in either language. */
export function isShortAcknowledgement(text: string, lang: Lang): boolean {
  const t = normalize(text);
  if (t === '') return false;
  const acks = lang === 'ja' ? JA_ACKS : EN_ACKS;
  if (acks.has(t) || acks.has(t.replace(/ /gu, ''))) return true;
  // Callers mix languages ("オッケー", "yes" in a Japanese call): accept the other list too.
  const other = lang === 'ja' ? EN_ACKS : JA_ACKS;
  if (other.has(t)) return true;
  const words = t.split(' ');
  return words.length <= 3 && words.every((w) => acks.has(w) || other.has(w));
}
