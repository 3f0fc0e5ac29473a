import { describe, expect, it } from 'vitest';
import { callUrl } from './call-service';
import { createTextDialer } from './text-dialer';

describe('text dialer', () => {
  it('opens a link in the dialling transaction and hands it to ring', async () => {
    const seen: unknown[] = [];
    const rung: Array<[string, string]> = [];
    const dialer = createTextDialer(
      {
        openLink: async (trx, caseId, channel) => {
          seen.push([trx, caseId, channel]);
          return { callId: 'call-1', url: 'ws://localhost:3000/api/v1/calls/text?token=t' };
        },
      },
      (caseId, url) => rung.push([caseId, url]),
    );
    const trx = { marker: 'trx' } as never;
    await dialer.dial(trx, 'case-1', 1);
    expect(seen).toEqual([[trx, 'case-1', 'text']]);
    expect(rung).toEqual([['case-1', 'ws://localhost:3000/api/v1/calls/text?token=t']]);
  });
});

describe('callUrl', () => {
  it('turns the server URL into a ws(s) address with the token', () => {
    expect(callUrl('http://localhost:3000', 'abc')).toBe('ws://localhost:3000/api/v1/calls/text?token=abc');
    expect(callUrl('https://aizuchi.example.com/base', 'a+b')).toBe('wss://aizuchi.example.com/api/v1/calls/text?token=a%2Bb');
  });
});
