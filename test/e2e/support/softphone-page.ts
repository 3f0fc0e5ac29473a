import type { Page } from 'playwright-core';

/** What the softphone page reports through `window.aizuchiSoftphone.stats()` for automated checks. */
export type SoftphoneStats = {
  framesSent: number;
  framesReceived: number;
  nonSilentFramesReceived: number;
  maxRms: number;
  errors: unknown[];
  controls: string[];
  keysSentOutOfBand: number;
  /** The last `listening` control: how many, what for, and how many agent lines the page showed when it came. */
  listening: { count: number; expecting: string; agentLines: number } | null;
  outcome: string | null;
};

export const softphoneStats = (page: Page): Promise<SoftphoneStats> =>
  page.evaluate(() => (window as unknown as { aizuchiSoftphone: { stats(): SoftphoneStats } }).aizuchiSoftphone.stats());

export const waitForSoftphoneState = (page: Page, state: string, timeoutMs = 20_000) =>
  page.waitForSelector(`#softphone[data-state="${state}"]`, { timeout: timeoutMs, state: 'attached' });

/** Polls `probe` every 100 ms until it returns something truthy. */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The 8-digit code from the newest code mail in the built-in catcher. */
export function codeFromMail(serverUrl: string, email: string): Promise<string> {
  return waitFor('the code mail', async () => {
    const res = await fetch(`${serverUrl}/api/v1/dev/mail?to=${encodeURIComponent(email)}`);
    const mails = (await res.json()) as Array<{ subject: string; text: string }>;
    const mail = mails.find((m) => /確認コード/.test(m.subject));
    return mail ? (/^\s+(\d{8})\s*$/m.exec(mail.text)?.[1] ?? null) : null;
  });
}

/** Presses each digit on the page's keypad. */
export async function pressKeys(page: Page, digits: string): Promise<void> {
  for (const digit of digits) await page.click(`#sp-keypad button[data-key="${digit}"]`);
}

/**
 * Waits until the agent has put up a new caption (more than `after` agent captions) and then handed the turn to
 * the caller: a `listening` control after its last line (text calls send it with the line, voice calls once the
 * line's audio has been sent); returns the agent caption count. Not quiet alone: a voice prompt goes quiet
 * between two sentences while the next one is synthesized (under load, over 1.2 s after the greeting's first),
 * and the agent goes quiet between two lines while the code mail is sent.
 */
export async function waitForAgentTurn(page: Page, after: number, what: string): Promise<number> {
  const agentLines = () => page.locator('#sp-captions .sp-agent').count();
  await waitFor(`${what}: a new agent caption`, async () => (await agentLines()) > after, 60_000);
  await waitFor(
    `${what}: the agent to finish speaking and listen`,
    async () => {
      const { listening } = await softphoneStats(page);
      return listening !== null && listening.agentLines >= (await agentLines());
    },
    90_000,
  );
  return agentLines();
}
