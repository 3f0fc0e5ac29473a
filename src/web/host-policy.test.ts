import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../config';
import { UnsafeMailCatcherError, assertHostPolicy } from './host-policy';

describe('host policy', () => {
  it('counts localhost, ::1 and 127.0.0.0/8 as loopback, nothing else', () => {
    for (const host of ['localhost', '::1', '127.0.0.1', '127.1.2.3']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '128.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('refuses to publish the mail catcher on a non-loopback host, and allows any host with a real relay', () => {
    expect(() => assertHostPolicy({ host: '0.0.0.0', servesMailCatcher: true })).toThrow(UnsafeMailCatcherError);
    expect(() => assertHostPolicy({ host: '127.0.0.1', servesMailCatcher: true })).not.toThrow();
    expect(() => assertHostPolicy({ host: '0.0.0.0', servesMailCatcher: false })).not.toThrow();
  });
});
