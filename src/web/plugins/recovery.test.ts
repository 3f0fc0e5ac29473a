import Fastify from 'fastify';
import { requestLang } from '../request-lang';
import formbody from '@fastify/formbody';
import { describe, expect, it } from 'vitest';
import type { RecoveryRequestService } from '../../cases/recovery-request';
import type { Csrf } from '../pages/identity/csrf';
import { recoveryPlugin } from './recovery';

async function app() {
  const submitted: unknown[] = [];
  const recovery = {
    submit: async (raw: unknown) => {
      submitted.push(raw);
      return { kind: 'accepted' } as const;
    },
  } as unknown as RecoveryRequestService;
  const undo = { preview: async () => 'unknown' as const, disown: async () => 'unknown' as const };
  const csrf = { verify: () => false } as unknown as Csrf;
  const instance = Fastify();
  await instance.register(formbody);
  await instance.register(requestLang);
  await instance.register(recoveryPlugin({ recovery, undo, passwordEvidence: async () => null, csrf }));
  return { instance, submitted };
}

const fields = { email: 'pat@example.com', phone: '090-1234-5678', lang: 'en', consent: 'true' };

describe('POST /api/v1/recovery-requests', () => {
  it('takes JSON only: a form or text/plain body (what another site can post) gets 415 and reaches nothing', async () => {
    const { instance, submitted } = await app();
    const form = await instance.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    const text = await instance.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ ...fields, consent: true }),
    });
    for (const res of [form, text]) {
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ error: 'unsupported_media_type' });
    }
    expect(submitted).toEqual([]);
    const json = await instance.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: JSON.stringify({ ...fields, consent: true }),
    });
    expect(json.statusCode).toBe(202);
    expect(submitted).toHaveLength(1);
    await instance.close();
  });
});
