import type { EmailToken } from './tokens';

/**
 * Turns the tokens of every turn into an address. Shared by Japanese and English: the languages
 * differ in how words become tokens, not in how callers build an address out of them.
 */

type Item =
  | { kind: 'lit'; text: string; turn: number }
  | { kind: 'at' }
  | { kind: 'domain'; base: string; suffix: string; text: string }
  | { kind: 'tld'; tld: string; text: string }
  | { kind: 'hint' }
  | { kind: 'unknown'; word: string };

export type AssemblyStatus = 'complete' | 'incomplete' | 'spell_domain';

export interface Assembly {
  email: string | null;
  status: AssemblyStatus;
  partial: string;
  unknownDomain?: string;
}

/** Applies tokens in order, handling の-hints, corrections and "not"/"as in" skips. */
function collectItems(turns: ReadonlyArray<readonly EmailToken[]>): Item[] {
  const items: Item[] = [];
  // A correction cue waits for what follows it: that decides how much it takes back.
  let pendingFix = false;
  let skipNext = false;
  let dedupeAfterOf = false;
  turns.forEach((tokens, turn) => {
    for (const tok of tokens) {
      if (tok.kind === 'filler') continue;
      const armed = dedupeAfterOf;
      dedupeAfterOf = false;
      switch (tok.kind) {
        case 'skip':
          skipNext = true;
          continue;
        case 'of': {
          // アップルのエー: the hint word before の is not part of the address.
          const last = items[items.length - 1];
          if (last?.kind === 'hint' || last?.kind === 'unknown') items.pop();
          dedupeAfterOf = true;
          continue;
        }
        case 'fix': {
          while (items[items.length - 1]?.kind === 'hint') items.pop();
          pendingFix = true; // two cues in a row (違う、間違えました) are one correction
          skipNext = false;
          continue;
        }
        case 'hint':
          items.push({ kind: 'hint' });
          continue;
        default:
          break;
      }
      if (skipNext) {
        skipNext = false;
        continue;
      }
      if (pendingFix) {
        undoForCorrection(items, tok);
        pendingFix = false;
      }
      switch (tok.kind) {
        case 'lit': {
          const last = items[items.length - 1];
          // "エー、アップルのエー" names one letter twice: keep it once.
          if (armed && last?.kind === 'lit' && last.text === tok.text && last.turn === turn) continue;
          items.push({ kind: 'lit', text: tok.text, turn });
          break;
        }
        case 'sym':
          items.push(tok.sym === '@' ? { kind: 'at' } : { kind: 'lit', text: tok.sym, turn });
          break;
        case 'domain':
          items.push({ kind: 'domain', base: tok.base, suffix: tok.suffix, text: tok.text });
          break;
        case 'tld':
          items.push({ kind: 'tld', tld: tok.tld, text: tok.text });
          break;
        case 'unknown':
          items.push({ kind: 'unknown', word: tok.word });
          break;
      }
    }
  });
  // A cue with nothing after it still takes back the last item ("…アイ、違います" and then silence).
  if (pendingFix) items.pop();
  return items;
}

/**
 * What a correction takes back, by what replaces it (issue 9): a letter replaces the last item
 * (ティー、アイ、違います、ワイ); a provider word or an at sign restates the whole domain
 * (at gmail dot com, no wait, hotmail dot com); a top-level domain replaces the last one said
 * (ジーメールドットコム、違います、ドットネット → gmail.net), or the provider's implied one.
 */
function undoForCorrection(items: Item[], replacement: EmailToken): void {
  const at = items.findLastIndex((x) => x.kind === 'at');
  if (replacement.kind === 'domain' && at >= 0) {
    items.length = at + 1;
    return;
  }
  if (replacement.kind === 'sym' && replacement.sym === '@' && at >= 0) {
    items.length = at;
    return;
  }
  if (replacement.kind === 'tld' && at >= 0) {
    const tld = items.findLastIndex((x) => x.kind === 'tld');
    if (tld > at) items.length = tld;
    // After a bare provider word the replacement overrides its implied suffix: nothing to take back.
    else if (items[items.length - 1]?.kind !== 'domain') items.pop();
    return;
  }
  // A hint said after the cue (違います、ユーエスエーのユー) is not what is taken back.
  const last = items.findLastIndex((x) => x.kind !== 'hint');
  if (last >= 0) items.splice(last, 1);
}

function renderLocal(items: readonly Item[]): string {
  let out = '';
  for (const item of items) {
    if (item.kind === 'lit' || item.kind === 'domain' || item.kind === 'tld') out += item.text;
  }
  return out;
}

const JP_SECOND_LEVEL = /^(.+?)(co|ne|or|ac|go|ed|ad|gr|lg)jp$/;

/** Domain items → text, filling in what callers leave out (ヤフー → yahoo.co.jp, シーオージェーピー → .co.jp). */
function renderDomain(items: readonly Item[], bareDomains: ReadonlyMap<string, string>): string {
  let out = '';
  let pendingSuffix = '';
  items.forEach((item, i) => {
    if (item.kind === 'hint' || item.kind === 'unknown' || item.kind === 'at') return;
    pendingSuffix = '';
    const next = items[i + 1];
    if (item.kind === 'lit') out += item.text;
    else if (item.kind === 'domain') {
      out += item.base;
      pendingSuffix = item.suffix;
    } else if (out === '' || out.endsWith('.')) {
      // Already at a label boundary (ドット、ジェーピー or a domain that starts with jp.): just the labels.
      out += item.tld.slice(1);
    } else if (!item.text.startsWith('.') && (next?.kind === 'lit' || next?.kind === 'tld' || next?.kind === 'domain')) {
      // ジェーピー with more domain after it (エックスジェーピーワイ, エージェーピードットコム) is just the
      // letters j, p: a top-level domain ends the address, and the caller said no ドット before it.
      out += item.text;
    } else {
      out += item.tld;
    }
  });
  out += pendingSuffix;
  if (!out.includes('.')) {
    const suffix = bareDomains.get(out);
    if (suffix !== undefined) return out + suffix;
    const jp = JP_SECOND_LEVEL.exec(out);
    if (jp) return `${jp[1]}.${jp[2]}.jp`;
  }
  return out;
}

/**
 * The word the caller could not spell, if any. A trailing unknown after a domain already complete is
 * chatter (…ドットコムです、よろしく), not a domain.
 */
function activeUnknown(items: readonly Item[]): number {
  let found = -1;
  items.forEach((item, i) => {
    if (item.kind !== 'unknown') return;
    const completeBefore = items.slice(0, i).some((x) => x.kind === 'tld' || x.kind === 'domain');
    const domainAfter = items.slice(i + 1).some((x) => x.kind === 'lit' || x.kind === 'tld' || x.kind === 'domain');
    if (!completeBefore || domainAfter) found = i;
  });
  return found;
}

const isDotLike = (item: Item): boolean =>
  item.kind === 'tld' || (item.kind === 'lit' && item.text === '.') || item.kind === 'hint' || item.kind === 'unknown';

/**
 * A word said (not spelled) after the local part has started ("t o m plus news") cannot be trusted
 * to be spelled right, so the address stays incomplete. Leading chatter ("so basically …") is ignored.
 */
function hasUnspelledWord(localItems: readonly Item[]): boolean {
  const firstLit = localItems.findIndex((i) => i.kind === 'lit' || i.kind === 'domain' || i.kind === 'tld');
  return firstLit >= 0 && localItems.slice(firstLit).some((i) => i.kind === 'unknown');
}

/** RFC 5321 limits: a longer "address" is a recognition error, not something to send mail to. */
const MAX_LOCAL_CHARS = 64;
const MAX_ADDRESS_CHARS = 254;
const LOCAL_PART = /^[a-z0-9._+-]+$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Syntactic check; double dots and a trailing dot in the local part are allowed (old docomo addresses). */
export function isValidAddress(local: string, domain: string): boolean {
  if (local.length > MAX_LOCAL_CHARS || local.length + 1 + domain.length > MAX_ADDRESS_CHARS) return false;
  if (!LOCAL_PART.test(local) || !/[a-z0-9]/.test(local) || local.startsWith('.')) return false;
  const labels = domain.split('.');
  const tld = labels[labels.length - 1] ?? '';
  return labels.length >= 2 && labels.every((l) => DOMAIN_LABEL.test(l)) && /^[a-z]{2,}$/.test(tld);
}

export function assembleEmail(turns: ReadonlyArray<readonly EmailToken[]>, bareDomains: ReadonlyMap<string, string>): Assembly {
  const items = collectItems(turns);
  const firstAt = items.findIndex((i) => i.kind === 'at');
  if (firstAt < 0) return { email: null, status: 'incomplete', partial: renderLocal(items) };
  let lastAt = firstAt;
  items.forEach((item, i) => {
    if (item.kind === 'at') lastAt = i;
  });
  const localItems = items.slice(0, firstAt);
  const local = renderLocal(localItems);
  const domainItems = items.slice(lastAt + 1);

  const u = activeUnknown(domainItems);
  let domain: string;
  if (u >= 0) {
    const unknown = domainItems[u] as Extract<Item, { kind: 'unknown' }>;
    const before = domainItems.slice(0, u);
    const after = domainItems.slice(u + 1);
    let k = 0;
    while (k < after.length && isDotLike(after[k]!)) k++;
    const suffix = after.slice(0, k);
    const spelling = after.slice(k);
    const beforeText = renderDomain(before, new Map());
    if (spelling.length === 0) {
      return { email: null, status: 'spell_domain', partial: `${local}@${beforeText}`, unknownDomain: unknown.word };
    }
    // Letters spelled after the unknown word replace it; if they include their own ending, so be it.
    const spelled = renderDomain(spelling, new Map());
    domain = spelled.includes('.') ? beforeText + spelled : renderDomain([...before, ...spelling, ...suffix], bareDomains);
  } else {
    domain = renderDomain(domainItems, bareDomains);
  }
  const partial = `${local}@${domain}`;
  if (hasUnspelledWord(localItems) || !isValidAddress(local, domain)) return { email: null, status: 'incomplete', partial };
  return { email: partial, status: 'complete', partial };
}
