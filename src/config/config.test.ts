import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '.';

describe('AIZUCHI_POLICY', () => {
  it('defaults to standard and accepts mailbox, for deployments without telephony', () => {
    expect(loadConfig({}).policy).toBe('standard');
    expect(loadConfig({ AIZUCHI_POLICY: 'mailbox' }).policy).toBe('mailbox');
    expect(loadConfig({ AIZUCHI_POLICY: 'strict' }).policy).toBe('strict');
  });

  it('an unknown preset stops the boot naming the variable and all three presets', () => {
    expect(() => loadConfig({ AIZUCHI_POLICY: 'lenient' })).toThrow(ConfigError);
    expect(() => loadConfig({ AIZUCHI_POLICY: 'lenient' })).toThrow('invalid AIZUCHI_POLICY: expected one of standard, strict, mailbox');
  });
});

describe('AIZUCHI_JOB_ENGINE', () => {
  it('defaults to pg-boss on PostgreSQL and the embedded queue on SQLite; embedded/builtin stays selectable; pg-boss on PostgreSQL only', () => {
    const pg = 'postgres://u@db.example/aizuchi';
    expect(loadConfig({}).jobEngine).toBe('embedded');
    expect(loadConfig({ AIZUCHI_DATABASE_URL: pg }).jobEngine).toBe('pg-boss');
    expect(loadConfig({ AIZUCHI_DATABASE_URL: 'postgresql://u@db.example/aizuchi' }).jobEngine).toBe('pg-boss');
    expect(loadConfig({ AIZUCHI_DATABASE_URL: pg, AIZUCHI_JOB_ENGINE: 'embedded' }).jobEngine).toBe('embedded');
    expect(loadConfig({ AIZUCHI_DATABASE_URL: pg, AIZUCHI_JOB_ENGINE: 'builtin' }).jobEngine).toBe('embedded');
    expect(loadConfig({ AIZUCHI_DATABASE_URL: pg }).jobLeaseMs).toBe(300_000);
    expect(loadConfig({ AIZUCHI_DATABASE_URL: pg, AIZUCHI_JOB_LEASE_SEC: '20' }).jobLeaseMs).toBe(20_000);
    expect(loadConfig({ AIZUCHI_JOB_ENGINE: 'pg-boss', AIZUCHI_DATABASE_URL: 'postgres://u@db.example/aizuchi' }).jobEngine).toBe(
      'pg-boss',
    );
    expect(() => loadConfig({ AIZUCHI_JOB_ENGINE: 'pg-boss' })).toThrow(/AIZUCHI_JOB_ENGINE.*PostgreSQL/);
    expect(() => loadConfig({ AIZUCHI_JOB_ENGINE: 'graphile' })).toThrow(ConfigError);
  });
});

describe('AIZUCHI_CALL_LEASE_SEC', () => {
  it('defaults to 30 s, and refuses a lease under 3 s by name', () => {
    expect(loadConfig({}).callLeaseMs).toBe(30_000);
    expect(loadConfig({ AIZUCHI_CALL_LEASE_SEC: '6' }).callLeaseMs).toBe(6_000);
    expect(() => loadConfig({ AIZUCHI_CALL_LEASE_SEC: '1' })).toThrow(/AIZUCHI_CALL_LEASE_SEC/);
  });
});

describe('AIZUCHI_ROLES', () => {
  it('defaults to all, takes any comma-separated mix, and names the variable for an unknown role', () => {
    expect(loadConfig({}).roles).toEqual({ web: true, worker: true, media: true });
    expect(loadConfig({ AIZUCHI_ROLES: 'web, Worker' }).roles).toEqual({ web: true, worker: true, media: false });
    expect(loadConfig({ AIZUCHI_ROLES: 'media' }).roles).toEqual({ web: false, worker: false, media: true });
    expect(() => loadConfig({ AIZUCHI_ROLES: 'web,jobs' })).toThrow(/AIZUCHI_ROLES: "jobs" is not a role/);
    expect(() => loadConfig({ AIZUCHI_ROLES: ' , ' })).toThrow(ConfigError);
  });
});

describe('AIZUCHI_TELEPHONY', () => {
  it('defaults to the browser softphone, ringing 30 s, and names the carriers it accepts', () => {
    expect(loadConfig({}).telephony).toEqual({ dialer: 'softphone', ringTimeoutSec: 30, machineDetection: 'greeting' });
    const carrier = { AIZUCHI_TELEPHONY: 'twilio', AIZUCHI_TELEPHONY_RING_SEC: '45', AIZUCHI_TELEPHONY_MACHINE_DETECTION: 'carrier' };
    expect(loadConfig(carrier).telephony).toEqual({ dialer: 'twilio', ringTimeoutSec: 45, machineDetection: 'carrier' });
    expect(() => loadConfig({ AIZUCHI_TELEPHONY_MACHINE_DETECTION: 'beep' })).toThrow(ConfigError);
    expect(() => loadConfig({ AIZUCHI_TELEPHONY: 'plivo' })).toThrow(
      'invalid AIZUCHI_TELEPHONY: expected one of softphone, twilio, telnyx, sip',
    );
    expect(() => loadConfig({ AIZUCHI_TELEPHONY_RING_SEC: '2' })).toThrow(ConfigError);
  });
});

describe('AIZUCHI_SIP_*', () => {
  it('is off without a trunk, and carries the trunk settings with their defaults', () => {
    expect(loadConfig({}).sip).toBeNull();
    expect(
      loadConfig({
        AIZUCHI_SIP_TRUNK: 'sip:pbx.example.com:5060;transport=tcp',
        AIZUCHI_SIP_USER: 'aizuchi',
        AIZUCHI_SIP_PASSWORD: 'pw',
        AIZUCHI_SIP_FROM: '+81501234567',
      }).sip,
    ).toEqual({
      trunk: 'sip:pbx.example.com:5060;transport=tcp',
      user: 'aizuchi',
      password: 'pw',
      from: '+81501234567',
      listen: '127.0.0.1:5070',
      rtpPorts: '20000-20999',
      registerExpiresSec: 0,
    });
  });

  it('takes a caller ID per language', () => {
    const sip = loadConfig({ AIZUCHI_SIP_TRUNK: 'sip:pbx', AIZUCHI_SIP_FROM: '+81501234567', AIZUCHI_SIP_FROM_EN: '+81501230000' }).sip;
    expect(sip).toMatchObject({ from: '+81501234567', fromByLang: { en: '+81501230000' } });
  });

  it('refuses a trunk without a caller, a password without a user and malformed addresses, naming the variable', () => {
    expect(() => loadConfig({ AIZUCHI_SIP_TRUNK: 'sip:pbx.example.com' })).toThrow('AIZUCHI_SIP_FROM');
    expect(() => loadConfig({ AIZUCHI_SIP_TRUNK: 'sip:pbx', AIZUCHI_SIP_FROM: 'x', AIZUCHI_SIP_PASSWORD: 'pw' })).toThrow(
      'AIZUCHI_SIP_USER',
    );
    expect(() => loadConfig({ AIZUCHI_SIP_TRUNK: 'pbx.example.com' })).toThrow('invalid AIZUCHI_SIP_TRUNK');
    expect(() => loadConfig({ AIZUCHI_SIP_LISTEN: '5070' })).toThrow('invalid AIZUCHI_SIP_LISTEN');
    expect(() => loadConfig({ AIZUCHI_SIP_RTP_PORTS: '20000' })).toThrow('invalid AIZUCHI_SIP_RTP_PORTS');
  });
});

describe('AIZUCHI_PRONUNCIATIONS_*', () => {
  it('passes the lists and an absolute file path to the voice engines, and nothing when unset', () => {
    expect(loadConfig({}).speech.pronunciations).toEqual({});
    const speech = loadConfig({
      AIZUCHI_PRONUNCIATIONS_JA: 'aizuchi=あいづち,AWS=エーダブリューエス',
      AIZUCHI_PRONUNCIATIONS_EN: 'AWS=A W S',
      AIZUCHI_PRONUNCIATIONS_FILE: 'lexicon.json',
    }).speech;
    expect(speech.pronunciations).toMatchObject({ ja: 'aizuchi=あいづち,AWS=エーダブリューエス', en: 'AWS=A W S' });
    expect(speech.pronunciations.file).toMatch(/^\/.*lexicon\.json$/);
  });

  it('a list item without a reading stops the boot naming the variable', () => {
    expect(() => loadConfig({ AIZUCHI_PRONUNCIATIONS_JA: 'aizuchi=あいづち,AWS' })).toThrow(/AIZUCHI_PRONUNCIATIONS_JA/);
  });
});

describe('AIZUCHI_HANDOFF_*', () => {
  const base = { AIZUCHI_HANDOFF_ISSUER: 'https://signin.example.com', AIZUCHI_HANDOFF_AUDIENCE: 'aizuchi' };
  it('is off when unset, and takes a JWKS URL or a shared secret with the issuer and audience', () => {
    expect(loadConfig({}).handoff).toBeNull();
    expect(loadConfig({ ...base, AIZUCHI_HANDOFF_JWKS_URL: 'https://signin.example.com/jwks.json' }).handoff).toEqual({
      keys: { jwksUrl: 'https://signin.example.com/jwks.json' },
      issuer: 'https://signin.example.com',
      audience: 'aizuchi',
    });
    expect(loadConfig({ ...base, AIZUCHI_HANDOFF_SECRET: 's'.repeat(32) }).handoff?.keys).toEqual({ secret: 's'.repeat(32) });
  });

  it('refuses half a configuration, both key sources, a short secret and plain-http keys off loopback, naming the variable', () => {
    expect(() => loadConfig(base)).toThrow('invalid AIZUCHI_HANDOFF_JWKS_URL');
    expect(() => loadConfig({ AIZUCHI_HANDOFF_SECRET: 's'.repeat(32), AIZUCHI_HANDOFF_AUDIENCE: 'a' })).toThrow(
      'invalid AIZUCHI_HANDOFF_ISSUER',
    );
    expect(() => loadConfig({ ...base, AIZUCHI_HANDOFF_SECRET: 's'.repeat(32), AIZUCHI_HANDOFF_JWKS_URL: 'https://x.example/j' })).toThrow(
      'not both',
    );
    expect(() => loadConfig({ ...base, AIZUCHI_HANDOFF_SECRET: 'short' })).toThrow('invalid AIZUCHI_HANDOFF_SECRET');
    expect(() => loadConfig({ ...base, AIZUCHI_HANDOFF_JWKS_URL: 'http://signin.example.com/jwks.json' })).toThrow('must be https');
    expect(loadConfig({ ...base, AIZUCHI_HANDOFF_JWKS_URL: 'http://127.0.0.1:8080/jwks.json' }).handoff).not.toBeNull();
  });
});

describe('AIZUCHI_OIDC_*', () => {
  const base = {
    AIZUCHI_OIDC_ISSUER: 'https://sso.example.com/realms/corp',
    AIZUCHI_OIDC_CLIENT_ID: 'aizuchi',
    AIZUCHI_OIDC_ROLE_MAP: 'aizuchi-operators=operator',
  };
  it('is off without an issuer; with one, the callback is under the public URL and groups is the default claim', () => {
    expect(loadConfig({}).oidc).toBeNull();
    const oidc = loadConfig({ ...base, AIZUCHI_PUBLIC_URL: 'https://help.example.com' }).oidc;
    expect(oidc).toMatchObject({
      issuer: 'https://sso.example.com/realms/corp',
      redirectUri: 'https://help.example.com/signin/sso/callback',
      scopes: 'openid email profile',
      roleClaim: 'groups',
    });
    expect([...oidc!.roleMap]).toEqual([['aizuchi-operators', 'operator']]);
  });

  it('refuses a missing client id or role map, a bad role, plain http off loopback and scopes without openid', () => {
    expect(() => loadConfig({ ...base, AIZUCHI_OIDC_CLIENT_ID: undefined })).toThrow('invalid AIZUCHI_OIDC_CLIENT_ID');
    expect(() => loadConfig({ ...base, AIZUCHI_OIDC_ROLE_MAP: undefined })).toThrow('invalid AIZUCHI_OIDC_ROLE_MAP');
    expect(() => loadConfig({ ...base, AIZUCHI_OIDC_ROLE_MAP: 'g=superuser' })).toThrow('invalid AIZUCHI_OIDC_ROLE_MAP: "superuser"');
    expect(() => loadConfig({ ...base, AIZUCHI_OIDC_ISSUER: 'http://sso.example.com' })).toThrow('must be https');
    expect(() => loadConfig({ ...base, AIZUCHI_OIDC_SCOPES: 'email' })).toThrow('must include openid');
  });
});

describe('AIZUCHI_COGNITO_*', () => {
  it('is null unless used; with AIZUCHI_IDENTITY=cognito it needs the region and pool, and keys in pairs', () => {
    expect(loadConfig({}).identity.cognito).toBeNull();
    const pool = {
      AIZUCHI_IDENTITY: 'cognito',
      AIZUCHI_COGNITO_REGION: 'ap-northeast-1',
      AIZUCHI_COGNITO_USER_POOL_ID: 'ap-northeast-1_AbC123',
    };
    expect(loadConfig(pool).identity.cognito).toEqual({ region: 'ap-northeast-1', userPoolId: 'ap-northeast-1_AbC123' });
    expect(() => loadConfig({ AIZUCHI_IDENTITY: 'cognito' })).toThrow(
      'AIZUCHI_COGNITO_REGION, AIZUCHI_COGNITO_USER_POOL_ID must be set too',
    );
    expect(() => loadConfig({ ...pool, AIZUCHI_COGNITO_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' })).toThrow('set together or not at all');
    expect(() => loadConfig({ ...pool, AIZUCHI_COGNITO_USER_POOL_ID: 'not a pool' })).toThrow('invalid AIZUCHI_COGNITO_USER_POOL_ID');
  });
});
