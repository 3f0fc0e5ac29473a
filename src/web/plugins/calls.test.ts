import { describe, expect, it } from 'vitest';
import type { CallService } from '../../calls/call-service';
import type { CallRow } from '../../calls/call-records';
import { callsCaseSection } from './calls';

const call: CallRow = {
  id: 'call-1',
  case_id: 'case-1',
  channel: 'text',
  state: 'ended',
  token_hash: 'h',
  token_expires_at: null,
  started_at: '2026-01-06T01:00:00.000Z',
  ended_at: '2026-01-06T01:04:00.000Z',
  outcome: 'mfa_reset',
  recording_path: null,
  recording_deleted_at: null,
  proves_phone_possession: 0,
  created_at: '2026-01-06T01:00:00.000Z',
};

const fake = (items: Awaited<ReturnType<CallService['callsForCase']>>) => ({ callsForCase: async () => items }) as unknown as CallService;

describe('console calls section', () => {
  it('shows each call with its outcome and transcript, escaped', async () => {
    const section = await callsCaseSection(
      fake([
        {
          call,
          transcript: [
            { speaker: 'agent', text: '猪股様でいらっしゃいますか。', at: '2026-01-06T01:00:01.000Z' },
            { speaker: 'caller', text: '<script>alert(1)</script>', at: '2026-01-06T01:00:02.000Z' },
          ],
        },
      ]),
    )('case-1');
    expect(section.value).toContain('text call · mfa_reset');
    expect(section.value).toContain('猪股様でいらっしゃいますか。');
    expect(section.value).toContain('&lt;script&gt;');
    expect(section.value).not.toContain('<script>');
  });

  it('says so when the case has no calls', async () => {
    expect((await callsCaseSection(fake([]))('case-1')).value).toContain('No calls yet.');
  });
});
