import { describe, expect, it } from 'vitest';
import { SmtpUrlError, describeSmtpEndpoint, parseSmtpUrl } from './smtp-url';

describe('SMTP URL', () => {
  it('reads submission with credentials, defaulting to port 587 and opportunistic STARTTLS', () => {
    expect(parseSmtpUrl('smtp://apikey:s3cret@smtp.example.com')).toEqual({
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      startTls: 'opportunistic',
      auth: { user: 'apikey', pass: 's3cret' },
      verifyCertificate: true,
    });
  });

  it('reads implicit TLS on 465 and decodes percent-encoded credentials', () => {
    expect(parseSmtpUrl('smtps://me%40example.jp:p%40ss%3Aword@mail.example.jp')).toMatchObject({
      port: 465,
      secure: true,
      auth: { user: 'me@example.jp', pass: 'p@ss:word' },
    });
  });

  it('reads starttls and tls_verify options and IPv6 hosts', () => {
    expect(parseSmtpUrl('smtp://10.0.0.5:25?starttls=required')).toMatchObject({ port: 25, startTls: 'required', auth: null });
    expect(parseSmtpUrl('smtp://[::1]:2525?starttls=never&tls_verify=false')).toMatchObject({
      host: '::1',
      startTls: 'never',
      verifyCertificate: false,
    });
  });

  it.each([
    ['http://example.com', /smtp:\/\/ or smtps:\/\//],
    ['not a url', /not a valid URL/],
    ['smtp://host?starttls=maybe', /starttls must be/],
    ['smtp://host?timeout=5', /unknown option "timeout"/],
    ['smtps://host?starttls=required', /applies to smtp:\/\/ only/],
    ['smtp://user@host', /both user and password/],
    ['smtp://host?tls_verify=no', /tls_verify must be/],
  ])('rejects %s with a clear error', (url, message) => {
    expect(() => parseSmtpUrl(url)).toThrow(SmtpUrlError);
    expect(() => parseSmtpUrl(url)).toThrow(message);
  });

  it('never shows the password when described', () => {
    const text = describeSmtpEndpoint(parseSmtpUrl('smtp://u:topsecret@h:2525'));
    expect(text).toBe('smtp://u:***@h:2525');
  });
});
